<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="167"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="42"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="225"/>
        <source>▲ %1 new</source>
        <translation>▲ %1 条新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="305"/>
        <location filename="../../gui/ui/main_window.py" line="905"/>
        <source>Live</source>
        <extracomment>The window is really closing (not hidden): the app shuts the core down. Attached to a remote receiver (``gatewatch --connect``): its stream&apos;s state. Feature objects (not widgets) that live as long as the window: see ``keep``. Feature pages of the Settings dialog by key: (title, factory). Ids that arrived before today&apos;s count was read (None once it is in).</extracomment>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="461"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="462"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="463"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="464"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="530"/>
        <source>&amp;Connect to a server…</source>
        <translation>连接到服务器(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="531"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="532"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="533"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="534"/>
        <source>Feed &amp;above details</source>
        <translation>列表在详情上方(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="535"/>
        <source>Face box and &amp;landmarks</source>
        <translation>人脸框和关键点(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="536"/>
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="537"/>
        <source>Jump to &amp;newest</source>
        <translation>跳到最新(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="538"/>
        <source>&amp;About Gatewatch</source>
        <translation>关于 Gatewatch(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="556"/>
        <source>Why is it not receiving?</source>
        <translation>为什么没有在接收？</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="577"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="591"/>
        <source>Listening</source>
        <translation>正在监听</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="602"/>
        <source>(+%1 more)</source>
        <translation>(另有 %1 个)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="603"/>
        <source>Boxes post to %1</source>
        <translation>盒子推送地址：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="606"/>
        <source>Port %1 in use</source>
        <translation>端口 %1 被占用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="607"/>
        <location filename="../../gui/ui/main_window.py" line="616"/>
        <source>What to do…</source>
        <translation>怎么办…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="610"/>
        <source>Not receiving: another program uses port %1.</source>
        <translation>未在接收：另一个程序占用了端口 %1。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="612"/>
        <source>Close it, or pick another port in Settings.</source>
        <translation>请关闭该程序，或在设置中选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="653"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="654"/>
        <source>Catching up</source>
        <translation>正在追赶</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="655"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="656"/>
        <source>Disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="657"/>
        <source>Refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="662"/>
        <source>Attached to %1: live</source>
        <translation>已连接到 %1：实时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="664"/>
        <source>Attached to %1: behind, receiving what was missed (%2 events so far)</source>
        <translation>已连接到 %1：落后，正在接收错过的事件（目前 %2 条）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="667"/>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="670"/>
        <source>Not connected to %1: %2.</source>
        <translation>未连接到 %1：%2。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="673"/>
        <source>Trying again in %1 s.</source>
        <translation>%1 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="682"/>
        <source>Port %1 is already in use, so boxes cannot reach Gatewatch.</source>
        <translation>端口 %1 已被占用，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="684"/>
        <source>Is another Gatewatch already running (maybe in the tray)? Close it.</source>
        <translation>是否已有另一个 Gatewatch 在运行（可能在托盘中）？请关闭它。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="685"/>
        <source>Or choose another port in Settings, and set the boxes to it.</source>
        <translation>或在设置中选择其他端口，并在盒子上改用该端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="689"/>
        <source>The receiver could not start, so boxes cannot reach Gatewatch.</source>
        <translation>接收服务无法启动，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="691"/>
        <source>Check the bind address and data folder in Settings, then try again.</source>
        <translation>请在设置中检查监听地址和数据文件夹，然后重试。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="693"/>
        <source>Details: %2</source>
        <translation>详细信息：%2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="615"/>
        <source>Server error</source>
        <translation>服务器错误</translation>
    </message>
    <message>
        <source>Database unreachable</source>
        <translation>无法连接数据库</translation>
    </message>
    <message>
        <source>Not receiving: the shared database %1 cannot be reached. Trying again by itself; boxes retry meanwhile.</source>
        <translation>未在接收：无法连接共享数据库 %1。正在自动重试；盒子会同时重发。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="127"/>
        <source>Live events</source>
        <extracomment>The detail pane follows the newest event at most this often while following. The size the window opens at on a big screen the first time (later: as it was left).</extracomment>
        <translation>实时事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="132"/>
        <source>Show the new events</source>
        <translation>显示新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="620"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="696"/>
        <source>Not receiving events</source>
        <translation>未在接收事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="698"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="231"/>
        <location filename="../../gui/ui/main_window.py" line="727"/>
        <source>no events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="731"/>
        <source>last %1 s ago</source>
        <translation>最近一条 %1 秒前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="733"/>
        <source>last %1 min ago</source>
        <translation>最近一条 %1 分钟前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="735"/>
        <source>last %1 h ago</source>
        <translation>最近一条 %1 小时前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="737"/>
        <source>last %1 days ago</source>
        <translation>最近一条 %1 天前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="739"/>
        <source>Today: %1   Last minute: %2   %3</source>
        <translation>今天：%1   最近一分钟：%2   %3</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="901"/>
        <source>Gatewatch — %1</source>
        <translation>Gatewatch — %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="903"/>
        <source>Gatewatch</source>
        <translation>Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="22"/>
        <source>employee</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="23"/>
        <source>visitor</source>
        <translation>访客</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="24"/>
        <source>blacklist</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="25"/>
        <source>stranger</source>
        <translation>陌生人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="26"/>
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="27"/>
        <source>vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="30"/>
        <source>unknown type</source>
        <translation>未知类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="31"/>
        <source>type %1</source>
        <translation>类型 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="62"/>
        <source>Stranger %1</source>
        <extracomment>Names boxes give every stranger (not a person&apos;s name).</extracomment>
        <translation>陌生人 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="85"/>
        <source>recognised</source>
        <translation>已识别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="86"/>
        <source>new stranger registered</source>
        <translation>新陌生人已注册</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="87"/>
        <source>library photo updated</source>
        <translation>底库照片已更新</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="89"/>
        <source>action %1</source>
        <translation>动作 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="96"/>
        <source>gate / snapshot camera</source>
        <translation>闸机 / 抓拍机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="97"/>
        <source>video stream</source>
        <translation>视频流</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="98"/>
        <source>ID-card check</source>
        <translation>人证核验</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="99"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="100"/>
        <source>GB/T 28181 camera</source>
        <translation>GB/T 28181 摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="102"/>
        <source>gate</source>
        <translation>闸机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="103"/>
        <source>snapshot camera</source>
        <translation>抓拍机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="104"/>
        <source>IP camera, still</source>
        <translation>网络摄像机（图片）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="105"/>
        <source>IP camera, stream</source>
        <translation>网络摄像机（视频流）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="106"/>
        <source>door access</source>
        <translation>门禁</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="120"/>
        <source>child</source>
        <translation>儿童</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="120"/>
        <source>juvenile</source>
        <translation>少年</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="120"/>
        <source>youth</source>
        <translation>青年</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="121"/>
        <source>middle-aged</source>
        <translation>中年</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="122"/>
        <source>aged</source>
        <translation>老年</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="126"/>
        <location filename="../../gui/ui/views/words.py" line="128"/>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="127"/>
        <location filename="../../gui/ui/views/words.py" line="128"/>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="258"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="259"/>
        <source>Identity id</source>
        <translation>身份 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="260"/>
        <source>Image id</source>
        <translation>图片 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="261"/>
        <source>Face ids</source>
        <translation>人脸 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="262"/>
        <source>Person type</source>
        <translation>人员类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="263"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="264"/>
        <source>Score scale</source>
        <translation>分数刻度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="265"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="266"/>
        <source>Face attributes</source>
        <translation>人脸属性</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="97"/>
        <source>box</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="130"/>
        <location filename="../../gui/ui/installer/devices.py" line="149"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="131"/>
        <location filename="../../gui/ui/installer/devices.py" line="149"/>
        <source>memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="132"/>
        <location filename="../../gui/ui/installer/devices.py" line="150"/>
        <source>disk</source>
        <translation>磁盘</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="149"/>
        <source>TPU</source>
        <translation>TPU</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="156"/>
        <source>{n} GB free</source>
        <translation>剩余 {n} GB</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="162"/>
        <source>fault: {text}</source>
        <translation>故障：{text}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="168"/>
        <source>scores {scale}</source>
        <translation>分数 {scale}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="170"/>
        <source>threshold {t}</source>
        <translation>阈值 {t}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py"/>
        <source>scores mixed (0–1 and 0–100)</source>
        <translation>分数混合（0–1 与 0–100）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py"/>
        <source>cameras: still starting, read again shortly</source>
        <translation>摄像头：仍在启动，稍后重新读取</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py"/>
        <source>The box is still starting its camera list; Gatewatch reads it again in a few seconds.</source>
        <translation>盒子仍在初始化摄像头列表；Gatewatch 将在几秒后重新读取。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="44"/>
        <location filename="../../gui/ui/installer/devices.py" line="177"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="180"/>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="182"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="184"/>
        <source>{n} h ago</source>
        <translation>{n} 小时前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="211"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="268"/>
        <source>Device</source>
        <extracomment>&quot;status&quot; is what the box says in its health report; &quot;traffic&quot; what we receive.</extracomment>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="211"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="211"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="211"/>
        <source>Box reports</source>
        <translation>盒子上报</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="182"/>
        <location filename="../../gui/ui/installer/inspector.py" line="285"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="121"/>
        <location filename="../../gui/ui/installer/devices.py" line="212"/>
        <source>Last event</source>
        <translation>最近事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="212"/>
        <source>Events / hour, 24 h</source>
        <translation>每小时事件数（24 小时）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="212"/>
        <source>Events received</source>
        <translation>收到的事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="213"/>
        <source>Health</source>
        <translation>运行状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="220"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="220"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="228"/>
        <source>silent</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="228"/>
        <source>silent (red)</source>
        <translation>长时间无数据</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="229"/>
        <source>quiet at night</source>
        <translation>夜间静默</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="231"/>
        <source>reports only</source>
        <translation>仅有状态上报</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="232"/>
        <source>sending</source>
        <translation>正在发送</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="240"/>
        <source>No health report from the box mentions this device.</source>
        <translation>盒子的状态上报中没有提到这个设备。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="241"/>
        <source>The box&apos;s own health report, {ago}.</source>
        <translation>盒子自己的状态上报，{ago}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="246"/>
        <source>Its events arrive nevertheless: the report is out of date, or the box names this camera differently in its reports.</source>
        <translation>但它的事件仍在到达：上报已过时，或者盒子在上报中用另一个名字称呼这台摄像机。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="277"/>
        <source>{n} inferred</source>
        <translation>{n} 项为推断</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="295"/>
        <source>{n} events in the last 24 h (oldest hour on the left)</source>
        <translation>最近 24 小时共 {n} 个事件（最早的小时在左侧）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="301"/>
        <source>Events arrive.</source>
        <translation>事件正在到达。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="352"/>
        <source>A device that sends nothing for {n} minutes turns amber, then red after {m}.</source>
        <translation>设备 {n} 分钟没有发送数据时变为黄色，{m} 分钟后变为红色。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="377"/>
        <source>Health report</source>
        <translation>健康报告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="379"/>
        <source>Select a box to see its last health report</source>
        <translation>选择一个盒子以查看其最近的设备状态报告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="386"/>
        <source>No devices yet</source>
        <translation>还没有设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="387"/>
        <source>A box and its cameras appear here as soon as it sends an event or a status report. Type the URL from the Connect page into the box, or add the box under Connect → Boxes to point it here.</source>
        <translation>盒子一发送事件或状态报告，它和它的摄像头就会出现在这里。把“连接”页上的 URL 填进盒子，或在“连接 → 盒子”中添加盒子，让它指向这里。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="461"/>
        <source>Expected quiet at night (20:00–07:00)</source>
        <translation>夜间预期无人（20:00–07:00）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="267"/>
        <source>Resident (platform)</source>
        <translation>住户（平台）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="269"/>
        <source>Device type</source>
        <translation>设备类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="270"/>
        <source>Camera IP</source>
        <translation>摄像机 IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="271"/>
        <source>Camera id (ep_id)</source>
        <translation>摄像机 ID (ep_id)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="272"/>
        <source>Device id</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="273"/>
        <source>Box serial (dev_sno)</source>
        <translation>盒子序列号 (dev_sno)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="275"/>
        <source>Box event id</source>
        <translation>盒子事件 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="276"/>
        <source>Event time</source>
        <translation>事件时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="277"/>
        <source>Leave time</source>
        <translation>离开时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="278"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="279"/>
        <source>Clock skew (PC − box)</source>
        <translation>时钟偏差（电脑 − 盒子）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="280"/>
        <source>Sent from</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="281"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="285"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="286"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="287"/>
        <source>wheel: zoom · drag: pan · double-click: full size</source>
        <translation>滚轮：缩放 · 拖动：平移 · 双击：原始大小</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="288"/>
        <source>Registered photo</source>
        <translation>注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="289"/>
        <source>Face crop</source>
        <translation>人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="290"/>
        <source>IR photo</source>
        <translation>红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="291"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="214"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="292"/>
        <source>Raw JSON</source>
        <translation>原始 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="293"/>
        <source>Copy JSON</source>
        <translation>复制 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="312"/>
        <source>No event selected</source>
        <translation>未选择事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="318"/>
        <source>Select an event to see its photos</source>
        <translation>选择一个事件以查看照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="356"/>
        <source>Cannot read this event: %1</source>
        <translation>无法读取此事件：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="363"/>
        <source>Event %1 is no longer stored</source>
        <translation>事件 %1 已不在数据库中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="383"/>
        <source>(no name)</source>
        <translation>（无姓名）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="395"/>
        <source>score %1</source>
        <translation>分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="418"/>
        <source>V6 real-time events carry no scene photo: the face box is not drawn</source>
        <translation>V6 实时事件不带场景照片：不绘制人脸框</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="420"/>
        <source>no scene photo in this event: the face box is not drawn</source>
        <translation>此事件没有场景照片：不绘制人脸框</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="487"/>
        <source>No warnings: the event is well-formed.</source>
        <translation>无警告：事件格式正确。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="207"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="495"/>
        <source>Warnings</source>
        <extracomment>The same pictures already scaled to the size they are shown at (device pixels). The box the event came from, with its score scale and threshold (or None). Emitted once an event&apos;s data is on screen (tests, screenshots).</extracomment>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="501"/>
        <source>photo removed by the retention policy</source>
        <translation>照片已按保留策略删除</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="503"/>
        <source>this picture could not be decoded</source>
        <translation>无法解码此图片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="505"/>
        <source>no scene photo in this event</source>
        <translation>此事件没有场景图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="508"/>
        <source>no registered photo — stranger</source>
        <translation>无注册照 — 陌生人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="509"/>
        <source>no registered photo</source>
        <translation>无注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="511"/>
        <source>no face crop</source>
        <translation>无人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="512"/>
        <source>no IR photo</source>
        <translation>无红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="560"/>
        <source>age</source>
        <extracomment>Detail fields that show what the box sent as it is (the rest are our words for codes).</extracomment>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="561"/>
        <source>age code</source>
        <translation>年龄代码</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="562"/>
        <source>gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="563"/>
        <source>mask</source>
        <translation>口罩</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="564"/>
        <source>glasses</source>
        <translation>眼镜</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="565"/>
        <source>hat</source>
        <translation>帽子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="566"/>
        <source>expression</source>
        <translation>表情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="567"/>
        <source>quality check passed</source>
        <translation>质量检测通过</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="574"/>
        <source>yaw</source>
        <translation>偏航</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="574"/>
        <source>pitch</source>
        <translation>俯仰</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="574"/>
        <source>roll</source>
        <translation>翻滚</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="581"/>
        <source>head pose</source>
        <translation>头部姿态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="584"/>
        <source>quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="51"/>
        <source>receiving</source>
        <translation>正在接收</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="52"/>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="53"/>
        <source>reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="54"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="58"/>
        <source>({n} events)</source>
        <translation>（{n} 个事件）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="70"/>
        <source>reporting again after a silence: filling the gap</source>
        <translation>沉默后重新上报：正在补齐缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="72"/>
        <source>nothing stored yet to measure a gap from</source>
        <translation>尚无已存事件，无法计算缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="74"/>
        <source>filling the gap since the last stored event ({minutes} min)</source>
        <translation>正在补齐自最后一个已存事件以来的缺口（{minutes} 分钟）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="78"/>
        <source>gap filled: {n} new event(s)</source>
        <translation>缺口已补齐：新增 {n} 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="80"/>
        <source>gap fill failed: {error}</source>
        <translation>补齐缺口失败：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="88"/>
        <source>running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="89"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="90"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="91"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="93"/>
        <source>{done}/{total}: {new} new, {dup} already stored</source>
        <translation>{done}/{total}：新增 {new}，已有 {dup}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="121"/>
        <source>Firmware</source>
        <translation>固件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="121"/>
        <source>Reachable</source>
        <translation>可连接</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="121"/>
        <source>Pointed at us</source>
        <translation>已指向本机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="122"/>
        <source>Gap</source>
        <translation>缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="122"/>
        <source>Real-time pull</source>
        <translation>实时拉取</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="122"/>
        <source>Backfill</source>
        <translation>补录</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="139"/>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="140"/>
        <location filename="../../gui/ui/views/words.py" line="132"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="140"/>
        <location filename="../../gui/ui/installer/boxes.py" line="143"/>
        <location filename="../../gui/ui/views/words.py" line="134"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="145"/>
        <source>yes, connected</source>
        <translation>是，已连通</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="145"/>
        <source>yes, waiting for the first event</source>
        <translation>是，等待第一个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="207"/>
        <source>since the last stored event</source>
        <extracomment>Backfill ranges: None = since the box&apos;s last stored event (minus 5 min).</extracomment>
        <translation>自最后一个已存事件起</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="207"/>
        <source>the last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="207"/>
        <source>the last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="208"/>
        <source>the last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="156"/>
        <location filename="../../gui/ui/installer/boxes.py" line="211"/>
        <location filename="../../gui/ui/installer/boxes.py" line="285"/>
        <source>Boxes</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="241"/>
        <source>Box features are not running in this receiver.</source>
        <translation>此接收端未运行盒子功能。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="258"/>
        <source>Add a box by its address: Gatewatch reads its firmware, serial, push URLs and cameras, can point it at this PC, fill gaps from the box&apos;s own store, and pull real-time events when the box cannot reach this PC.</source>
        <translation>按地址添加盒子：Gatewatch 读取其固件、序列号、推送地址和摄像机，可将其指向本机、从盒子自身的存储补齐缺失的事件，并在盒子无法连接本机时拉取实时事件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="266"/>
        <source>Box address, e.g. 192.168.1.19</source>
        <translation>盒子地址，例如 192.168.1.19</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="268"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="272"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="274"/>
        <source>Add box</source>
        <translation>添加盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="297"/>
        <source>No boxes added yet.</source>
        <translation>尚未添加盒子。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="301"/>
        <source>Point at this PC</source>
        <translation>指向本机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="303"/>
        <source>Set the box&apos;s history, real-time and status URLs to this receiver, keeping the other URLs it has</source>
        <translation>将盒子的历史、实时和状态推送地址设为本接收端，保留其原有的其他地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="310"/>
        <source>Fill gap</source>
        <translation>补齐缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="311"/>
        <source>Import the events stored on the box, with photos</source>
        <translation>导入盒子上存储的事件及照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="313"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="315"/>
        <source>Pull real-time</source>
        <translation>拉取实时事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="317"/>
        <source>Receive real-time events over the box&apos;s WebSocket (for a box that cannot reach this PC)</source>
        <translation>通过盒子的 WebSocket 接收实时事件（用于无法连接本机的盒子）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="320"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="328"/>
        <source>Fill gaps automatically: on start, and when a silent box reports again</source>
        <translation>自动补齐缺口：启动时，以及沉默的盒子重新上报时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="427"/>
        <source>Type the box&apos;s address first.</source>
        <translation>请先输入盒子地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="431"/>
        <source>Contacting {address}…</source>
        <translation>正在联系 {address}…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="441"/>
        <source>Added {address}: {firmware}, serial {serial}, {n} camera(s).</source>
        <translation>已添加 {address}：{firmware}，序列号 {serial}，{n} 个摄像机。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="457"/>
        <source>Pointing {address} at this PC…</source>
        <translation>正在将 {address} 指向本机…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="466"/>
        <source>The box now sends history events to: {urls}. Waiting for the first event or report…</source>
        <translation>盒子现在将历史事件发送到：{urls}。正在等待第一个事件或状态报告…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="489"/>
        <source>Filling the gap from {address}…</source>
        <translation>正在从 {address} 补齐缺口…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="179"/>
        <source>Remove box</source>
        <translation>移除盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="180"/>
        <source>Remove {address}? Gatewatch can also put back the push URLs the box had before it was pointed here.</source>
        <translation>移除 {address}？Gatewatch 还可以恢复盒子在指向本机之前的推送地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="533"/>
        <source>Removed {address}.</source>
        <translation>已移除 {address}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="597"/>
        <source>building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="597"/>
        <source>room</source>
        <translation>房间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="597"/>
        <source>floor</source>
        <translation>楼层</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="598"/>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="613"/>
        <source>0–100 display score</source>
        <translation>0–100 显示分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="613"/>
        <source>0–1 similarity</source>
        <translation>0–1 相似度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="618"/>
        <source>threshold %1 (vendor default)</source>
        <translation>阈值 %1（厂商默认）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="619"/>
        <source>threshold %1 (box setting)</source>
        <translation>阈值 %1（盒子设置）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="620"/>
        <location filename="../../gui/ui/views/words.py" line="235"/>
        <source>threshold %1</source>
        <translation>阈值 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="72"/>
        <source>Overlay colour</source>
        <translation>叠加颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="96"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="104"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="107"/>
        <location filename="../../gui/ui/installer/connect.py" line="99"/>
        <location filename="../../gui/ui/installer/connect.py" line="376"/>
        <source>all interfaces</source>
        <translation>所有网卡</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="108"/>
        <source>Listen on address</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="113"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="111"/>
        <location filename="../../gui/ui/dialogs/settings.py" line="118"/>
        <location filename="../../gui/ui/dialogs/settings.py" line="210"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="119"/>
        <source>A new data folder is used from the next start.</source>
        <translation>新的数据文件夹将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="126"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="130"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="133"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="134"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="136"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="145"/>
        <source>Colour: %1</source>
        <translation>颜色：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="146"/>
        <source>Default colours</source>
        <translation>默认颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="150"/>
        <source>Fill gaps from boxes automatically</source>
        <translation>自动从盒子补齐缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="152"/>
        <source>For boxes added on the Connect page: import the events a box stored while Gatewatch was not receiving, on start and when a silent box reports again</source>
        <translation>对于在“连接”页添加的盒子：导入 Gatewatch 未接收期间盒子自己存储的事件，在启动时以及沉默的盒子重新上报时进行</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="195"/>
        <source>Port in use</source>
        <extracomment>The feature sections by key (&quot;alarms&quot;, &quot;storage&quot;), each with ``apply()``.</extracomment>
        <translation>端口被占用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="196"/>
        <source>Port %1 is already in use on this PC. Choose another port.</source>
        <translation>本机端口 %1 已被占用，请选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="56"/>
        <location filename="../../gui/ui/alarms/install.py" line="87"/>
        <location filename="../../gui/ui/alarms/install.py" line="99"/>
        <source>Alarms</source>
        <extracomment>F11 alone is the main window&apos;s plain full screen. Acknowledge from anywhere in the window (Space only works on the banner itself).</extracomment>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="65"/>
        <location filename="../../gui/ui/main_window.py" line="465"/>
        <source>&amp;Alarms</source>
        <translation>告警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="66"/>
        <source>&amp;Acknowledge current alarm</source>
        <translation>确认当前告警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="70"/>
        <source>&amp;Open alarms</source>
        <translation>未处理告警(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="78"/>
        <source>&amp;Wall mode</source>
        <translation>大屏模式(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="73"/>
        <source>&amp;Mute alarm sound</source>
        <translation>告警静音(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="82"/>
        <source>Alarm &amp;settings…</source>
        <translation>告警设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="99"/>
        <source>Alarms (%1)</source>
        <translation>告警 (%1)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="21"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="22"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="43"/>
        <source>Storage and retention…</source>
        <translation>存储与保留策略…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="137"/>
        <source>Connect to a server</source>
        <extracomment>Environment variable the attached window reads its token from (see ``gui.cli``). How the user is asked to trust a self-signed certificate (tests replace it).</extracomment>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="141"/>
        <source>Open a window on another Gatewatch receiver: its live feed, history, alarms and wall, read over the network. This window keeps running.</source>
        <translation>打开另一台 Gatewatch 接收端的窗口：通过网络读取它的实时事件、历史、告警和大屏。本窗口继续运行。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="156"/>
        <source>from `gatewatch users add NAME` on the server</source>
        <translation>在服务器上用 `gatewatch users add NAME` 生成</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="157"/>
        <source>Server address:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="158"/>
        <source>API token:</source>
        <translation>API 令牌：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="169"/>
        <location filename="../../gui/ui/installer/__init__.py" line="36"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="184"/>
        <source>Asking %1 …</source>
        <translation>正在询问 %1 …</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="202"/>
        <source>Refused: the server presents another certificate.</source>
        <translation>已拒绝：服务器出示了另一张证书。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="207"/>
        <source>Not connected: the certificate was not trusted.</source>
        <translation>未连接：证书不受信任。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="219"/>
        <source>%1 answers: %2 events. Opening its window…</source>
        <translation>%1 已应答：%2 条事件。正在打开它的窗口…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="226"/>
        <source>Could not start the window: %1</source>
        <translation>无法打开窗口：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="247"/>
        <source>The server refused the token: check it (%1).</source>
        <translation>服务器拒绝了该令牌：请检查（%1）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="249"/>
        <source>The server refused this PC: %1. It needs a token (--api-token or `gatewatch users add`).</source>
        <translation>服务器拒绝了本机：%1。需要令牌（--api-token 或 `gatewatch users add`）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="252"/>
        <source>The server&apos;s certificate was refused: %1</source>
        <translation>服务器证书被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="254"/>
        <source>No answer from the server: %1</source>
        <translation>服务器无应答：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="256"/>
        <source>The server answered %1: %2</source>
        <translation>服务器应答 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/connect_server.py" line="260"/>
        <source>Could not connect: %1</source>
        <translation>无法连接：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="37"/>
        <location filename="../../gui/ui/installer/inspector.py" line="293"/>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="38"/>
        <location filename="../../gui/ui/installer/__init__.py" line="55"/>
        <location filename="../../gui/ui/installer/devices.py" line="359"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="49"/>
        <location filename="../../gui/ui/main_window.py" line="203"/>
        <source>Connect a box…</source>
        <translation>连接盒子…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="52"/>
        <source>Request inspector</source>
        <translation>请求检查器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="59"/>
        <source>Send test event…</source>
        <translation>发送测试事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="66"/>
        <location filename="../../gui/ui/installer/__init__.py" line="73"/>
        <source>Select an event first</source>
        <translation>请先选择一个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="77"/>
        <source>Replay selected event to…</source>
        <translation>将所选事件重放到…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="80"/>
        <source>Copy selected event as curl</source>
        <translation>将所选事件复制为 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/common.py" line="35"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/common.py" line="36"/>
        <source>Copy to the clipboard</source>
        <translation>复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="67"/>
        <source>History events</source>
        <translation>历史事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="68"/>
        <source>Real-time events</source>
        <translation>实时事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="69"/>
        <source>Device status</source>
        <translation>设备状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="77"/>
        <source>Listening on {bind} only: boxes cannot reach this PC. Set the bind address to all interfaces.</source>
        <translation>只在 {bind} 上监听：盒子无法访问本机。请将监听地址设为所有网络接口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="81"/>
        <source>This PC has no IPv4 address besides loopback: connect it to the box&apos;s network.</source>
        <translation>本机除回环地址外没有 IPv4 地址：请将其接入盒子所在的网络。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="84"/>
        <source>Only a 169.254.x.x address: the network gave this PC no address (no DHCP?). Give it a fixed address on the box&apos;s subnet.</source>
        <translation>只有 169.254.x.x 地址：网络没有为本机分配地址（没有 DHCP？）。请为本机设置与盒子同网段的固定地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="90"/>
        <source>Port {port} is already in use by another program: boxes reach that program, not Gatewatch. Stop it or choose another port in the settings.</source>
        <translation>端口 {port} 已被其他程序占用：盒子连接到的是那个程序，而不是 Gatewatch。请停止该程序，或在设置中选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="104"/>
        <source>NOT receiving: port {port} is in use by another program.</source>
        <translation>未在接收：端口 {port} 被其他程序占用。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="106"/>
        <source>NOT receiving: the server could not start ({message}). Check the port and bind address in the settings.</source>
        <translation>未在接收：服务器无法启动（{message}）。请在设置中检查端口和绑定地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="111"/>
        <source>NOT receiving: the server is stopped.</source>
        <translation>未在接收：服务器已停止。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="112"/>
        <source>Port {port}, {bind}.</source>
        <translation>端口 {port}，{bind}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="124"/>
        <source> and </source>
        <translation>和</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="144"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="121"/>
        <location filename="../../gui/ui/installer/connect.py" line="144"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="274"/>
        <source>Box</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="144"/>
        <source>What we see</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="154"/>
        <location filename="../../gui/ui/installer/send.py" line="114"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="154"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="154"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="232"/>
        <source>Connect a box</source>
        <extracomment>source ip -&gt; {&quot;who&quot;: &quot;ip (serial)&quot;, &quot;shapes&quot;: [(format, kind), ...]} source ip -&gt; the last refusal it got, while other boxes are sending</extracomment>
        <translation>连接盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="239"/>
        <location filename="../../gui/ui/installer/connect.py" line="507"/>
        <source>Waiting for the first request…</source>
        <translation>正在等待第一个请求…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="265"/>
        <source>Type these URLs into the box&apos;s event and device-status settings. Use the address on the same network as the box.</source>
        <translation>将这些地址填入盒子的事件和设备状态设置中。请使用与盒子在同一网络的地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="276"/>
        <source>Refresh addresses</source>
        <translation>刷新地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="278"/>
        <source>Run self-test</source>
        <translation>运行自检</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="280"/>
        <source>Post a sample event to this PC&apos;s own address, and check the firewall</source>
        <translation>向本机自己的地址发送一个示例事件，并检查防火墙</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="285"/>
        <source>Change port or address…</source>
        <translation>更改端口或地址…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="301"/>
        <source>Firewall command</source>
        <translation>防火墙命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="315"/>
        <source>What each box sends</source>
        <translation>各盒子发送的内容</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="319"/>
        <source>What each box is doing</source>
        <translation>各盒子的状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="330"/>
        <source>Nothing received yet.</source>
        <translation>尚未收到任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="395"/>
        <source>URL to type into the box</source>
        <translation>要填入盒子的 URL</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="442"/>
        <source>Box {who} connected, sending {what} events</source>
        <translation>盒子 {who} 已连接，正在发送 {what} 事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="449"/>
        <source>(+{n} more)</source>
        <translation>（另有 {n} 台）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="451"/>
        <source>{n} boxes connected: {names}</source>
        <translation>已连接 {n} 台盒子：{names}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="102"/>
        <source>Listening on port {port}, {bind}.</source>
        <translation>正在监听端口 {port}，{bind}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="389"/>
        <source>(no DHCP lease: link-local)</source>
        <translation>（未获得 DHCP 地址：链路本地）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="116"/>
        <source>real-time</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="116"/>
        <source>history</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="417"/>
        <source>Events from this PC ({ip}) arrive: {format} {kind}. No box has sent anything yet.</source>
        <translation>已收到来自本机（{ip}）的 {format} 格式{kind}事件。还没有盒子发送任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="464"/>
        <source>Box {ip} is sending to {path}, but its request was refused ({status}): {reason}</source>
        <translation>盒子 {ip} 正在发送到 {path}，但请求被拒绝（{status}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="477"/>
        <source>Box {ip} connected, sending health reports (no events yet)</source>
        <translation>盒子 {ip} 已连接，正在发送设备状态报告（尚无事件）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="516"/>
        <source>Box {who} has sent events recently: {what}</source>
        <translation>盒子 {who} 最近发送过事件：{what}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="536"/>
        <source>Posting a sample event to {url} …</source>
        <translation>正在向 {url} 发送示例事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="537"/>
        <source>Checking the firewall…</source>
        <translation>正在检查防火墙…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="552"/>
        <source>firewall check failed: {e}</source>
        <translation>防火墙检查失败：{e}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="561"/>
        <source>Self-test passed: Gatewatch answered {status} in {ms:.0f} ms at {url}. (It is marked as a test and kept out of statistics and alarms.) A post from this PC does not prove the box gets through the firewall: see below.</source>
        <translation>自检通过：Gatewatch 在 {ms:.0f} 毫秒内于 {url} 应答 {status}。（该事件标记为测试，不计入统计和报警。）从本机发送成功并不能证明盒子能通过防火墙：见下文。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="566"/>
        <source>Self-test failed: {url}: {error}</source>
        <translation>自检失败：{url}：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="568"/>
        <source>Self-test failed: {url} answered {status}: {reply}</source>
        <translation>自检失败：{url} 应答 {status}：{reply}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="575"/>
        <source>Firewall:</source>
        <translation>防火墙：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="182"/>
        <source>Time</source>
        <extracomment>Rows held in memory at most; older ones are fetched again when scrolled to. While paused, live rows wait here so the list does not move under the mouse.</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="182"/>
        <location filename="../../gui/ui/installer/inspector.py" line="264"/>
        <location filename="../../gui/ui/installer/inspector.py" line="281"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="182"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="182"/>
        <location filename="../../gui/ui/installer/inspector.py" line="267"/>
        <location filename="../../gui/ui/installer/inspector.py" line="283"/>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="183"/>
        <source>Content type</source>
        <translation>内容类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="183"/>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="183"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="183"/>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <source>Our answer</source>
        <translation>我们的应答</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="265"/>
        <source>source IP</source>
        <translation>来源 IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="268"/>
        <source>path, e.g. /EventServer/api/HistoryEvent</source>
        <translation>路径，例如 /EventServer/api/HistoryEvent</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="271"/>
        <source>any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="272"/>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="273"/>
        <location filename="../../gui/ui/installer/inspector.py" line="387"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="275"/>
        <source>Keep the list still while requests arrive</source>
        <translation>请求到达时保持列表不动</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="327"/>
        <source>Copy as curl</source>
        <translation>复制为 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="328"/>
        <source>Save the body to a file and copy a curl command using it</source>
        <translation>将请求体保存为文件，并复制使用该文件的 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="334"/>
        <source>Headers and body</source>
        <translation>请求头和正文</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="338"/>
        <source>Select a request to see its headers and body</source>
        <translation>选择一个请求以查看其请求头和请求体</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="358"/>
        <source>No request matches these filters</source>
        <translation>没有符合这些筛选条件的请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="359"/>
        <source>Clear Source and Path and choose “any status” to see every request.</source>
        <translation>清空“来源”和“路径”，并选择“任意状态”，即可看到所有请求。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="362"/>
        <source>No requests yet</source>
        <translation>还没有请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="363"/>
        <source>Every request that reaches this receiver is listed here, refused and broken ones included, with its headers and body. Type the URL from the Connect page into the box, or send one yourself: Tools → Send test event…</source>
        <translation>到达本接收端的每个请求都会列在这里（包括被拒绝和损坏的），可查看其请求头和正文。把“连接”页上的 URL 填进盒子，或自己发送一个：工具 → 发送测试事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="385"/>
        <source>Paused — {n} new</source>
        <translation>已暂停 — {n} 条新请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="385"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="417"/>
        <source>This request is no longer in the log.</source>
        <translation>该请求已不在日志中。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="423"/>
        <source>#{id} {method} {path} from {source} at {time}: we answered {status} — {reply}</source>
        <translation>#{id} {method} {path}，来自 {source}，时间 {time}：我们应答 {status} — {reply}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="434"/>
        <source>View {path}</source>
        <translation>查看 {path}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="439"/>
        <source>Open event {id}</source>
        <translation>打开事件 {id}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="461"/>
        <source>That picture cannot be shown (cut off or not an image).</source>
        <translation>无法显示该图片（被截断或不是图片）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="492"/>
        <location filename="../../gui/ui/installer/send.py" line="180"/>
        <source>Copied: {command}</source>
        <translation>已复制：{command}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="507"/>
        <source>Warnings:</source>
        <translation>警告：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="511"/>
        <source>Our answer ({status}):</source>
        <translation>我们的应答（{status}）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="516"/>
        <source>Body (became events {ids}; shown as stored, pictures shortened):</source>
        <translation>正文（已成为事件 {ids}；按存储内容显示，图片已缩写）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="523"/>
        <source>Body ({size} bytes{cut}):</source>
        <translation>请求体（{size} 字节{cut}）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="524"/>
        <source>, cut off at 64 KB</source>
        <translation>，截断于 64 KB</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="530"/>
        <source>The body became events {ids}: each is stored with its photos.</source>
        <translation>请求体已保存为事件 {ids}：每个事件连同照片一起保存。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="535"/>
        <source>(no body)</source>
        <translation>（无请求体）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="40"/>
        <source>Employee (recognised)</source>
        <translation>员工（已识别）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="41"/>
        <source>Blacklist hit</source>
        <translation>黑名单命中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="42"/>
        <location filename="../../gui/ui/views/words.py" line="62"/>
        <source>Stranger</source>
        <translation>陌生人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="43"/>
        <source>Protocol document example</source>
        <translation>协议文档示例</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="50"/>
        <source>1.0 (V2R6, V5R4–V6R2)</source>
        <translation>1.0（V2R6、V5R4–V6R2）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="51"/>
        <source>legacy (V2R3/V2R4)</source>
        <translation>旧版（V2R3/V2R4）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="52"/>
        <source>2.0</source>
        <translation>2.0</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="61"/>
        <source>Send test event</source>
        <translation>发送测试事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="76"/>
        <source>mark as self-test (kept out of statistics and alarms)</source>
        <translation>标记为自检（不计入统计和告警）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="78"/>
        <source>URL</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="79"/>
        <source>Sample</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="80"/>
        <source>Shape</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="87"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="90"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="104"/>
        <source>Sending to {url} …</source>
        <translation>正在发送到 {url}…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="114"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="127"/>
        <source>Replay to…</source>
        <translation>重放到…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="127"/>
        <source>Post event {id} to this URL:</source>
        <translation>将事件 {id} 发送到此地址：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="146"/>
        <location filename="../../gui/ui/installer/send.py" line="177"/>
        <source>event {id} not found</source>
        <translation>未找到事件 {id}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="184"/>
        <source>Could not write the curl file: {error}</source>
        <translation>无法写入 curl 文件：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="136"/>
        <source>Replay of event {id} to {url}: {result}</source>
        <translation>事件 {id} 重放到 {url}：{result}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/storage_banner.py" line="32"/>
        <source>Events are NOT being stored</source>
        <translation>事件未被保存</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/storage_banner.py" line="46"/>
        <source>%1 — the boxes keep their events and retry; free disk space and storing resumes by itself.</source>
        <translation>%1 — 盒子会保留事件并重试；释放磁盘空间后将自动恢复保存。</translation>
    </message>
    <message>
        <location filename="strings_in_fstrings.py" line="3"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="199"/>
        <source>Waiting for boxes</source>
        <translation>正在等待盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="200"/>
        <source>No event has arrived yet. Type this URL into the box&apos;s event settings (history and real-time events):</source>
        <translation>还没有收到任何事件。请把这个地址填入盒子的事件设置（历史事件和实时事件）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="98"/>
        <source>seen %1</source>
        <extracomment>(background, text) per look.</extracomment>
        <translation>抓拍于 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="98"/>
        <source>arrived %1</source>
        <translation>到达于 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="108"/>
        <source>Certificate refused</source>
        <translation>证书被拒绝</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="112"/>
        <source>The server at %1 presents a different certificate than the one trusted.</source>
        <translation>%1 上的服务器出示的证书与已信任的证书不同。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="115"/>
        <source>trusted: %1</source>
        <translation>已信任：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="117"/>
        <source>presented: %1</source>
        <translation>出示的：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="193"/>
        <source>No events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="194"/>
        <source>The receiver this window is attached to has stored no event yet; they appear here as they arrive:</source>
        <translation>本窗口所连接的接收端尚未存储任何事件；事件到达后会显示在这里：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Started with port 0: the system picked port %1 for this run.</source>
        <translation>以端口 0 启动：系统为本次运行选择了端口 %1。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>pinned: %1</source>
        <translation>已固定：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>verified by the system&apos;s certificate authorities</source>
        <translation>由系统的证书颁发机构验证</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>none: plain HTTP (only for this PC or a trusted network)</source>
        <translation>无：明文 HTTP（仅限本机或可信网络）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Signed in as</source>
        <translation>登录身份</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>asking the server…</source>
        <translation>正在询问服务器…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Port, address, TLS and data are the server&apos;s own settings.</source>
        <translation>端口、地址、TLS 和数据是服务器自己的设置。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>%1 (this window&apos;s token)</source>
        <translation>%1（此窗口的令牌）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>the server&apos;s shared API token (recorded as api-token)</source>
        <translation>服务器的共享 API 令牌（记录为 api-token）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>this PC, no token (acknowledgements record your operator name)</source>
        <translation>本机，无令牌（确认记录您的操作员名称）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>unknown (the server did not answer)</source>
        <translation>未知（服务器未应答）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Other PCs (attached windows, scripts) reach the API over TLS on a port of its own; the boxes keep posting plain HTTP to the receiver&apos;s port.</source>
        <translation>其他电脑（连接的窗口、脚本）通过独立端口上的 TLS 访问 API；盒子继续以明文 HTTP 发送到接收端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>TLS certificate</source>
        <translation>TLS 证书</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>none: no TLS</source>
        <translation>无：不使用 TLS</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>TLS key</source>
        <translation>TLS 私钥</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>in the certificate file</source>
        <translation>在证书文件中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Certificate (PEM)</source>
        <translation>证书（PEM）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Private key (PEM)</source>
        <translation>私钥（PEM）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>TLS port</source>
        <translation>TLS 端口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Changes here apply at the next start of Gatewatch (as --tls-cert, --tls-key and --tls-port would). Windows on other PCs pin the fingerprint shown.</source>
        <translation>此处的更改在 Gatewatch 下次启动时生效（与相应的命令行选项相同）。其他电脑上的窗口固定此处显示的指纹。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt *.key);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>TLS is off: other PCs cannot use the API.</source>
        <translation>TLS 已关闭：其他电脑无法使用 API。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py"/>
        <source>Certificate and key match. Fingerprint: %1</source>
        <translation>证书与私钥匹配。指纹：%1</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../gui/ui/dialogs/about.py"/>
        <source>measuring…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="133"/>
        <source>About Gatewatch</source>
        <extracomment>(component, licence, notice). Kept short; the full texts are at the URLs.</extracomment>
        <translation>关于 Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="150"/>
        <source>Receives, stores and shows the events Sophon face boxes push.</source>
        <translation>接收、保存并显示算能（Sophon）人脸盒子推送的事件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="164"/>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="165"/>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="166"/>
        <source>Log folder:</source>
        <translation>日志文件夹：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="167"/>
        <source>Database size:</source>
        <translation>数据库大小：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="168"/>
        <source>Runtime:</source>
        <translation>运行环境：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="171"/>
        <source>Bundled components and their licences:</source>
        <translation>内置组件及其许可证：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="178"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="180"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>AckToast</name>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="50"/>
        <source>Undo</source>
        <extracomment>How long the strip (and its Undo) stays: well inside the core&apos;s undo window.</extracomment>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="51"/>
        <source>Undo the acknowledgement</source>
        <translation>撤销确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="61"/>
        <source>✓ Acknowledged by %1: %2 · %3</source>
        <translation>✓ %1 已确认：%2 · %3</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="64"/>
        <source>✓ %1 alarms acknowledged by %2</source>
        <translation>✓ %2 已确认 %1 条告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="81"/>
        <source>Undone: the alarm is open again</source>
        <translation>已撤销：告警重新打开</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/ack_toast.py" line="82"/>
        <source>Undone: %1 alarms open again</source>
        <translation>已撤销：%1 条告警重新打开</translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="122"/>
        <source>note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="125"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="130"/>
        <source>Acknowledge all like this</source>
        <translation>确认全部同类告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="197"/>
        <source>Acknowledge (Space)</source>
        <translation>确认（空格键）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="229"/>
        <source>Acknowledge all %1 like this</source>
        <translation>确认全部 %1 条同类告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="162"/>
        <source>LATE</source>
        <translation>延迟</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="121"/>
        <source>Note</source>
        <translation type="unfinished">备注</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/ui/alarms/banner.py" line="224"/>
        <source>+%n more open</source>
        <translation>
            <numerusform>另有 %n 条未处理</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlarmCenter</name>
    <message>
        <location filename="../../gui/ui/alarms/center.py" line="159"/>
        <source>alarms are not running in this receiver</source>
        <extracomment>The open set or an alarm in it changed. A new alarm (``Alarm``) was raised: flash, notify. An acknowledgement was refused or failed (message for a status line, never a dialog). Alarms this window acknowledged (``list[Alarm]``, as stored): feedback, Undo. Acknowledgements this window took back (``list[Alarm]``, open again). Alarms closed while a reload&apos;s read was on its way (it may still list them open).</extracomment>
        <translation>此接收服务未启用告警</translation>
    </message>
</context>
<context>
    <name>AlarmRulesDialog</name>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="59"/>
        <source>Alarm settings</source>
        <extracomment>The fields this dialog owns.</extracomment>
        <translation>告警设置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="70"/>
        <source>Raise alarms for</source>
        <translation>触发告警的人员类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="74"/>
        <source>every camera (or: camera ids/names, comma separated)</source>
        <translation>所有摄像机（或填写摄像机 ID/名称，用逗号分隔）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="76"/>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="80"/>
        <source>Stranger alarms: where and when</source>
        <translation>陌生人告警：地点和时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="82"/>
        <source>every camera, all day — or one rule per line, e.g.
gate-2 22:00-06:00
* 08:00-18:00</source>
        <translation>所有摄像头，全天 — 或每行一条规则，例如
东门 22:00-06:00
* 08:00-18:00</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="89"/>
        <source>Strangers at</source>
        <translation>陌生人告警于</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="98"/>
        <source>any score</source>
        <translation>任意分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="103"/>
        <source>Matches scoring below this raise nothing (strangers always do). Percent of each box&apos;s own scale: 80 % is 0.80 from a box that scores 0–1 and 80 from a box that scores 0–100.</source>
        <translation>低于此分数的比对结果不告警（陌生人始终告警）。按各盒子自身的分数刻度计百分比：80 % 即 0–1 刻度盒子的 0.80、0–100 刻度盒子的 80。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="108"/>
        <source>Minimum score</source>
        <translation>最低分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="112"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="115"/>
        <source>The same person at the same camera within this folds into one alarm</source>
        <translation>同一人员在同一摄像机于此时间内只合并为一条告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="117"/>
        <source>Cooldown</source>
        <translation>冷却时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="121"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="123"/>
        <source>Events older than this on arrival raise a silent late alarm</source>
        <translation>到达时已超过此时长的事件只产生无声的延迟告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="124"/>
        <source>Late after</source>
        <translation>延迟判定</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="128"/>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="131"/>
        <source>mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="135"/>
        <source>Test sound</source>
        <translation>试听声音</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="136"/>
        <source>Play the alarm sound for two seconds</source>
        <translation>播放告警声音两秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="140"/>
        <source>Sound volume</source>
        <translation>提示音音量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="148"/>
        <source>the computer&apos;s user name</source>
        <translation>本机用户名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="149"/>
        <source>Operator</source>
        <translation>值班人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="154"/>
        <source>Wall tiles</source>
        <translation>大屏格数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="157"/>
        <source>the window&apos;s screen</source>
        <translation>窗口所在屏幕</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="163"/>
        <source>Wall screen</source>
        <translation>大屏显示器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="165"/>
        <source>start in wall mode</source>
        <translation>启动时进入大屏模式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="167"/>
        <source>closing the window keeps receiving (tray)</source>
        <translation>关闭窗口后继续接收（托盘）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="207"/>
        <source>Nothing will be heard: %1. Alarms are still shown.</source>
        <translation>听不到声音：%1。告警仍会显示。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="211"/>
        <source>Playing the alarm sound at %1 %…</source>
        <translation>正在以 %1 % 的音量播放告警声音…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="233"/>
        <source>Not understood (kept out): %1 — write CAMERA HH:MM-HH:MM</source>
        <translation>无法识别（未保存）：%1 — 请写成 摄像头 HH:MM-HH:MM</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="237"/>
        <source>Strangers raise alarms only there and then; other people as above.</source>
        <translation>陌生人只在这些地点和时段触发告警；其他人员按上面的规则。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="239"/>
        <source>Strangers raise alarms at every camera, all day.</source>
        <translation>陌生人在所有摄像头全天触发告警。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="190"/>
        <source>The receiver at %1 decides which events raise alarms (its own settings); sound, operator name and the wall below are this PC&apos;s.</source>
        <translation>哪些事件触发告警由 %1 的接收端决定（其自身设置）；下方的声音、值班员姓名和大屏设置属于本机。</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="61"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="61"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="61"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="62"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="62"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="62"/>
        <source>Seen</source>
        <translation>抓拍时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="63"/>
        <source>First arrived</source>
        <translation>首次到达</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="63"/>
        <source>Last arrived</source>
        <translation>最近到达</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="64"/>
        <source>Acknowledged</source>
        <translation>确认人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="64"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="86"/>
        <source>open</source>
        <translation>未处理</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="86"/>
        <source>acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="strings_in_fstrings.py" line="4"/>
        <source>late</source>
        <translation>延迟</translation>
    </message>
</context>
<context>
    <name>AlarmTray</name>
    <message>
        <location filename="../../gui/ui/tray.py" line="62"/>
        <source>Show Gatewatch</source>
        <translation>显示 Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="65"/>
        <source>Mute alarm sound</source>
        <translation>告警静音</translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="74"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="96"/>
        <source>Gatewatch — %1 open alarm(s)</source>
        <translation>Gatewatch — %1 条未处理告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="144"/>
        <source>Still receiving events; quit from this icon&apos;s menu.</source>
        <translation>仍在接收事件；如需退出，请使用此图标的菜单。</translation>
    </message>
</context>
<context>
    <name>AlarmsPage</name>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="182"/>
        <source>Open</source>
        <extracomment>Double-click opens the alarm&apos;s event (photos, details); never acknowledges.</extracomment>
        <translation>未处理</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="182"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="183"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="193"/>
        <source>Who acknowledges: type your name once per shift</source>
        <translation>确认人：每班输入一次姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="196"/>
        <source>Note</source>
        <translation type="unfinished">备注</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="197"/>
        <source>note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="198"/>
        <location filename="../../gui/ui/alarms/page.py" line="276"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="204"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="189"/>
        <location filename="../../gui/ui/alarms/page.py" line="207"/>
        <source>Operator</source>
        <translation>值班人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="214"/>
        <source>Alarms</source>
        <translation type="unfinished">告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="271"/>
        <location filename="../../gui/ui/alarms/page.py" line="288"/>
        <source>Blacklist alarms are acknowledged one at a time.</source>
        <translation>黑名单告警需逐条确认。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="273"/>
        <source>Acknowledge %1</source>
        <translation>确认 %1 条</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="246"/>
        <source>No open alarms</source>
        <translation>没有未处理的告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="247"/>
        <source>No acknowledged alarms</source>
        <translation>没有已确认的告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="248"/>
        <source>No alarms yet</source>
        <translation>还没有告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py"/>
        <source>Cannot read the alarms: %1</source>
        <translation>无法读取告警：%1</translation>
    </message>
</context>
<context>
    <name>BucketTable</name>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="104"/>
        <source>From</source>
        <extracomment>Statistics refresh this long after arrivals stop (a burst is one query).</extracomment>
        <translation>起始时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="106"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../gui/ui/crash.py" line="71"/>
        <source>Unexpected error</source>
        <extracomment>Set by the app: is the wall (full-screen guard view) showing right now?</extracomment>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="76"/>
        <source>Gatewatch ran into an unexpected error. Events are still being received.
The details below were also written to the log.</source>
        <translation>Gatewatch 遇到意外错误，事件仍在正常接收。
以下详细信息也已写入日志。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="91"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="95"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>CrashHandler</name>
    <message>
        <location filename="../../gui/ui/crash.py" line="195"/>
        <source>Internal error (logged): {0}</source>
        <translation>内部错误（已记录日志）：{0}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="49"/>
        <source>Export events</source>
        <translation>导出事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="53"/>
        <source>CSV (Excel)</source>
        <translation>CSV（Excel）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="54"/>
        <source>JSON Lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="57"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="59"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="66"/>
        <source>No photos</source>
        <translation>不含照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="67"/>
        <source>Photos into a folder</source>
        <translation>照片导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="68"/>
        <source>Photos into a zip file</source>
        <translation>照片打包为 zip 文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="70"/>
        <source>Photos to</source>
        <translation>照片保存到</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="77"/>
        <source>Photos are exported on the receiver&apos;s PC (gatewatch export --images)</source>
        <translation>照片在接收端的电脑上导出（gatewatch export --images）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="80"/>
        <source>%1 events match the current filter</source>
        <translation>当前筛选条件匹配 %1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="94"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="101"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="102"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="103"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="125"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="125"/>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="126"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="146"/>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="155"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="177"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="187"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="188"/>
        <source>Exported %1 events to %2</source>
        <translation>已导出 %1 个事件到 %2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="191"/>
        <source>%1 photos to %2</source>
        <translation>%1 张照片到 %2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="200"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="202"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py"/>
        <source>The photos are downloaded from the server, one event at a time</source>
        <translation>照片从服务器下载，每次一个事件</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../gui/ui/history/model.py" line="72"/>
        <source>Time</source>
        <extracomment>Rows kept in memory at most (about 80 MB). Beyond it the table says to narrow the filter or export: nobody reads 200,000 rows, and the count stays exact. Columns the header can sort by, and the core sort each one means. False until the first query: header set-up must not start reads of its own.</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="72"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="72"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="73"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="73"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="73"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="74"/>
        <source>Box</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="74"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="74"/>
        <source>Kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="101"/>
        <source>Face</source>
        <translation>人脸</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../gui/ui/history/page.py" line="88"/>
        <source>Error: %1</source>
        <extracomment>Typing in the name box waits this long before querying. New arrivals are acted on once they stop coming for this long (a burst is one reload).</extracomment>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="133"/>
        <source>1 new event since this list was loaded</source>
        <translation>列表加载后有 1 条新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="134"/>
        <source>%1 new events since this list was loaded</source>
        <translation>列表加载后有 %1 条新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="151"/>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="151"/>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="151"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="151"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="152"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="152"/>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="156"/>
        <source>From</source>
        <translation type="unfinished">起始时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="158"/>
        <source>Until</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="182"/>
        <source>All cameras</source>
        <translation>全部摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="187"/>
        <source>All boxes</source>
        <translation>全部盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="192"/>
        <source>Name or ID</source>
        <translation>姓名或 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="193"/>
        <source>Name or ID contains…</source>
        <translation>姓名或 ID 包含…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="198"/>
        <source>Minimum score</source>
        <translation type="unfinished">最低分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="200"/>
        <source>Maximum score</source>
        <translation>最高分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="206"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="209"/>
        <source>Percent of each box&apos;s own scale: 90 % finds 0.90 from a box that scores 0–1 and 90 from a box that scores 0–100.</source>
        <translation>按各盒子自身的分数刻度计百分比：90 % 匹配 0–1 刻度盒子的 0.90 和 0–100 刻度盒子的 90。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="215"/>
        <source>Any action</source>
        <translation>全部动作</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="220"/>
        <source>Warnings: any</source>
        <translation>警告：不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="220"/>
        <source>With warnings</source>
        <translation>有警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="221"/>
        <source>Without warnings</source>
        <translation>无警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="225"/>
        <source>Alarms: any</source>
        <translation>告警：不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="225"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="226"/>
        <source>Not acknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="232"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="234"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="237"/>
        <source>Kept events are never deleted by retention</source>
        <translation>保留的事件不会被保留策略删除</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="239"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="241"/>
        <source>Retention…</source>
        <translation>保留策略…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="242"/>
        <source>How long events and photos are kept</source>
        <translation>事件和照片的保存时长</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="248"/>
        <source>Score (% of box scale)</source>
        <translation>分数（占盒子刻度 %）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="268"/>
        <source>Events</source>
        <translation type="unfinished">事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="301"/>
        <source>Show</source>
        <translation type="unfinished">显示</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="302"/>
        <source>Show the new events</source>
        <translation type="unfinished">显示新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="328"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="388"/>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="391"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="394"/>
        <source>(the table lists the first %1: narrow the filter or export)</source>
        <translation>（表格仅列出前 %1 个：请缩小筛选范围或导出）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="390"/>
        <source>1 event</source>
        <translation>1 个事件</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="45"/>
        <source>Trust this server&apos;s certificate?</source>
        <translation>信任此服务器的证书？</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="51"/>
        <source>The server at %1 presents a certificate this PC has not seen before. Compare its fingerprint with the one noted when the server&apos;s certificate was made (gatewatch tls self-signed, or gatewatch tls fingerprint on the server). Trust it only if every character matches.</source>
        <translation>%1 上的服务器出示了本机从未见过的证书。请将其指纹与制作服务器证书时记下的指纹（服务器上的 gatewatch tls self-signed 或 gatewatch tls fingerprint）逐字比对。只有每个字符都一致时才信任它。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="67"/>
        <source>Once trusted, this PC accepts only this certificate from %1; a different one is refused with both fingerprints shown.</source>
        <translation>信任后，本机只接受 %1 的这一个证书；不同的证书将被拒绝，并显示两个指纹。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/pin.py" line="75"/>
        <source>Trust this certificate</source>
        <translation>信任此证书</translation>
    </message>
</context>
<context>
    <name>RetentionDialog</name>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="31"/>
        <source>Storage and retention</source>
        <translation>存储与保留策略</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="34"/>
        <location filename="../../gui/ui/history/retention_dialog.py" line="38"/>
        <source>for ever</source>
        <translation>永久</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="35"/>
        <location filename="../../gui/ui/history/retention_dialog.py" line="39"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="55"/>
        <source>Ages count from when Gatewatch received an event. Older photos lose the full image but keep their thumbnail. Over the size limit, or when the disk runs low, the oldest photos and then the oldest events go first. Events marked Keep are never deleted.</source>
        <translation>保存时长从 Gatewatch 收到事件时开始计算。超期照片会删除原图，但保留缩略图。超过容量上限或磁盘空间不足时，先删除最早的照片，再删除最早的事件。标记为“保留”的事件永不删除。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="65"/>
        <source>Keep events</source>
        <translation>事件保存时长</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="66"/>
        <source>Keep full photos</source>
        <translation>原图保存时长</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="67"/>
        <source>Data folder at most</source>
        <translation>数据文件夹上限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/retention_dialog.py" line="68"/>
        <source>Keep free on the disk</source>
        <translation>磁盘预留空间</translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="132"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="133"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="134"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="135"/>
        <source>Last 90 days</source>
        <translation>最近 90 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="141"/>
        <source>Per hour</source>
        <translation>按小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="142"/>
        <source>Per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="144"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="160"/>
        <source>Counts per period</source>
        <translation>各时段数量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="185"/>
        <source>Most seen people</source>
        <translation>出现最多的人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="187"/>
        <source>Strangers by hour of day</source>
        <translation>陌生人按时段分布</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="235"/>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="247"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="256"/>
        <source>nobody yet</source>
        <translation>暂无人员</translation>
    </message>
</context>
<context>
    <name>StorageStatus</name>
    <message>
        <location filename="../../gui/ui/history/status.py" line="66"/>
        <source>Data %1 · %2 free</source>
        <translation>数据 %1 · 剩余 %2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/status.py" line="73"/>
        <source>NOT STORING EVENTS</source>
        <translation>事件未保存</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/status.py" line="77"/>
        <source>Data folder: %1</source>
        <translation>数据文件夹：%1</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <location filename="../../gui/ui/wall.py" line="348"/>
        <location filename="../../gui/ui/wall.py" line="363"/>
        <source>no photo</source>
        <extracomment>Screen height / this = the size unit every font and margin derives from. Longest edge of a decoded face thumbnail for a tile. A new alarm flashes the wall this colour, this many times, so it is seen across a room. The score&apos;s scale, ``&quot;0-1&quot;`` or ``&quot;0-100&quot;``, and the box&apos;s threshold in it. Box and landmarks already mapped into ``scene``&apos;s pixels. The event&apos;s words, for an alarm&apos;s event that is not among the recent ones. Families with a real bold at every size (synthetic bold fades at large pixel sizes); the app&apos;s own families (CJK fallbacks included) follow.</extracomment>
        <translation>无照片</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../gui/ui/wall.py" line="424"/>
        <source>Gatewatch — wall</source>
        <translation>Gatewatch — 大屏（wall）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="496"/>
        <source>waiting for events…</source>
        <extracomment>While an alarm is open, the big panel shows its event (not the latest one).</extracomment>
        <translation>正在等待事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="497"/>
        <source>no registered photo</source>
        <translation>无注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="499"/>
        <source>Captured</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="501"/>
        <source>Registered photo</source>
        <translation type="unfinished">注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="595"/>
        <source>open alarms: %1</source>
        <translation>未处理告警：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="721"/>
        <source>No events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="726"/>
        <source>ALARM — the person who raised it</source>
        <translation>告警 — 触发告警的人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="736"/>
        <source>score %1</source>
        <translation>分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="766"/>
        <source>could not load pictures: %1</source>
        <translation>无法加载图片：%1</translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <location filename="../../gui/ui/startup.py" line="61"/>
        <source>Gatewatch is already running</source>
        <translation type="unfinished">Gatewatch 已在运行</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="62"/>
        <source>The data folder {folder} is used by another Gatewatch ({who}).

Close that one first, or start this one with another data folder (--data-dir).</source>
        <translation type="unfinished">数据文件夹 {folder} 正被另一个 Gatewatch 使用（{who}）。

请先关闭那个 Gatewatch，或用另一个数据文件夹启动本程序（--data-dir）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="74"/>
        <source>Database from a newer Gatewatch</source>
        <translation type="unfinished">数据库来自更新版本的 Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="75"/>
        <source>The database in {folder} was written by a newer version of Gatewatch, and this version ({version}) cannot read it. It has been left untouched.

Install the newer Gatewatch, or start this one with another data folder (--data-dir).</source>
        <translation type="unfinished">{folder} 中的数据库由更新版本的 Gatewatch 写入，本版本（{version}）无法读取。数据库未作任何改动。

请安装更新版本的 Gatewatch，或用另一个数据文件夹启动本程序（--data-dir）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="88"/>
        <source>TLS certificate not usable</source>
        <translation>TLS 证书无法使用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="89"/>
        <source>The API cannot be served over TLS: {why}

Fix tls_cert / tls_key in the settings (or --tls-cert / --tls-key), or leave them empty to serve the API to this PC only.</source>
        <translation>无法通过 TLS 提供 API：{why}

请修正设置中的 tls_cert / tls_key（或 --tls-cert / --tls-key），或将其留空，只向本机提供 API。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="208"/>
        <source>Backing up the database before upgrading it…</source>
        <extracomment>Whether the database needs the upgrade (and so the backup): the core decides.</extracomment>
        <translation>升级前正在备份数据库…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="213"/>
        <source>Upgrading Gatewatch</source>
        <translation>正在升级 Gatewatch</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="211"/>
        <location filename="../../gui/ui/dialogs/about.py" line="224"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
</context>
</TS>
