<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="190"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="43"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="143"/>
        <source>▲ %1 new</source>
        <extracomment>The detail pane follows the newest event at most this often while following. The size the window opens at on a big screen the first time (later: as it was left).</extracomment>
        <translation>▲ %1 条新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="213"/>
        <location filename="../../gui/ui/main_window.py" line="713"/>
        <source>Live</source>
        <extracomment>The window is really closing (not hidden): the app shuts the core down. Ids that arrived before today&apos;s count was read (None once it is in).</extracomment>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="348"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="349"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="350"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="351"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="412"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="413"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="414"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="415"/>
        <source>Feed &amp;above details</source>
        <translation>列表在详情上方(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="416"/>
        <source>Face box and &amp;landmarks</source>
        <translation>人脸框和关键点(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="417"/>
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="418"/>
        <source>Jump to &amp;newest</source>
        <translation>跳到最新(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="419"/>
        <source>&amp;About Gatewatch</source>
        <translation>关于 Gatewatch(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="454"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="468"/>
        <source>Listening</source>
        <translation>正在监听</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="479"/>
        <source>(+%1 more)</source>
        <translation>(另有 %1 个)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="480"/>
        <source>Boxes post to %1</source>
        <translation>盒子推送地址：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="482"/>
        <source>Port %1 in use</source>
        <translation>端口 %1 被占用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="483"/>
        <location filename="../../gui/ui/main_window.py" line="492"/>
        <source>What to do…</source>
        <translation>怎么办…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="486"/>
        <source>Not receiving: another program uses port %1.</source>
        <translation>未在接收：另一个程序占用了端口 %1。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="488"/>
        <source>Close it, or pick another port in Settings.</source>
        <translation>请关闭该程序，或在设置中选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="506"/>
        <source>Port %1 is already in use, so boxes cannot reach Gatewatch.</source>
        <translation>端口 %1 已被占用，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="508"/>
        <source>Is another Gatewatch already running (maybe in the tray)? Close it.</source>
        <translation>是否已有另一个 Gatewatch 在运行（可能在托盘中）？请关闭它。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="509"/>
        <source>Or choose another port in Settings, and set the boxes to it.</source>
        <translation>或在设置中选择其他端口，并在盒子上改用该端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="513"/>
        <source>The receiver could not start, so boxes cannot reach Gatewatch.</source>
        <translation>接收服务无法启动，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="515"/>
        <source>Check the bind address and data folder in Settings, then try again.</source>
        <translation>请在设置中检查监听地址和数据文件夹，然后重试。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="517"/>
        <source>Details: %2</source>
        <translation>详细信息：%2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="491"/>
        <source>Server error</source>
        <translation>服务器错误</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="496"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="520"/>
        <source>Not receiving events</source>
        <translation>未在接收事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="522"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="229"/>
        <location filename="../../gui/ui/main_window.py" line="557"/>
        <source>no events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="561"/>
        <source>last %1 s ago</source>
        <translation>最近一条 %1 秒前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="563"/>
        <source>last %1 min ago</source>
        <translation>最近一条 %1 分钟前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="565"/>
        <source>last %1 h ago</source>
        <translation>最近一条 %1 小时前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="567"/>
        <source>last %1 days ago</source>
        <translation>最近一条 %1 天前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="569"/>
        <source>Today: %1   Last minute: %2   %3</source>
        <translation>今天：%1   最近一分钟：%2   %3</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="711"/>
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
        <location filename="../../gui/ui/views/words.py" line="44"/>
        <source>recognised</source>
        <translation>已识别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="45"/>
        <source>new stranger registered</source>
        <translation>新陌生人已注册</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="46"/>
        <source>library photo updated</source>
        <translation>底库照片已更新</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="48"/>
        <source>action %1</source>
        <translation>动作 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="55"/>
        <source>gate / snapshot camera</source>
        <translation>闸机 / 抓拍机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="56"/>
        <source>video stream</source>
        <translation>视频流</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="57"/>
        <source>ID-card check</source>
        <translation>人证核验</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="58"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="59"/>
        <source>GB/T 28181 camera</source>
        <translation>GB/T 28181 摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="278"/>
        <source>Name</source>
        <extracomment>The same pictures already scaled to the size they are shown at (device pixels). The box the event came from, with its score scale and threshold (or None). Emitted once an event&apos;s data is on screen (tests, screenshots).</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="279"/>
        <source>Identity id</source>
        <translation>身份 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="280"/>
        <source>Image id</source>
        <translation>图片 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="281"/>
        <source>Face ids</source>
        <translation>人脸 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="282"/>
        <source>Person type</source>
        <translation>人员类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="283"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="284"/>
        <source>Score scale</source>
        <translation>分数刻度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="285"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="286"/>
        <source>Face attributes</source>
        <translation>人脸属性</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="95"/>
        <source>box</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="128"/>
        <location filename="../../gui/ui/installer/devices.py" line="147"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="129"/>
        <location filename="../../gui/ui/installer/devices.py" line="147"/>
        <source>memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="130"/>
        <location filename="../../gui/ui/installer/devices.py" line="148"/>
        <source>disk</source>
        <translation>磁盘</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="147"/>
        <source>TPU</source>
        <translation>TPU</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="154"/>
        <source>{n} GB free</source>
        <translation>剩余 {n} GB</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="160"/>
        <source>fault: {text}</source>
        <translation>故障：{text}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="166"/>
        <source>scores {scale}</source>
        <translation>分数 {scale}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="168"/>
        <source>threshold {t}</source>
        <translation>阈值 {t}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="41"/>
        <location filename="../../gui/ui/installer/devices.py" line="175"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="178"/>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="180"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="182"/>
        <source>{n} h ago</source>
        <translation>{n} 小时前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="209"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="288"/>
        <source>Device</source>
        <extracomment>&quot;status&quot; is what the box says in its health report; &quot;traffic&quot; what we receive.</extracomment>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="209"/>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="209"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="209"/>
        <source>Box reports</source>
        <translation>盒子上报</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <location filename="../../gui/ui/installer/inspector.py" line="285"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="118"/>
        <location filename="../../gui/ui/installer/devices.py" line="210"/>
        <source>Last event</source>
        <translation>最近事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="210"/>
        <source>Events / hour, 24 h</source>
        <translation>每小时事件数（24 小时）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="210"/>
        <source>Events received</source>
        <translation>收到的事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="211"/>
        <source>Health</source>
        <translation>运行状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="218"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="218"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="226"/>
        <source>silent</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="226"/>
        <source>silent (red)</source>
        <translation>长时间无数据</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="227"/>
        <source>quiet at night</source>
        <translation>夜间静默</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="229"/>
        <source>reports only</source>
        <translation>仅有状态上报</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="230"/>
        <source>sending</source>
        <translation>正在发送</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="238"/>
        <source>No health report from the box mentions this device.</source>
        <translation>盒子的状态上报中没有提到这个设备。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="239"/>
        <source>The box&apos;s own health report, {ago}.</source>
        <translation>盒子自己的状态上报，{ago}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="244"/>
        <source>Its events arrive nevertheless: the report is out of date, or the box names this camera differently in its reports.</source>
        <translation>但它的事件仍在到达：上报已过时，或者盒子在上报中用另一个名字称呼这台摄像机。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="289"/>
        <source>{n} events in the last 24 h (oldest hour on the left)</source>
        <translation>最近 24 小时共 {n} 个事件（最早的小时在左侧）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="295"/>
        <source>Events arrive.</source>
        <translation>事件正在到达。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="344"/>
        <source>A device that sends nothing for {n} minutes turns amber, then red after {m}.</source>
        <translation>设备 {n} 分钟没有发送数据时变为黄色，{m} 分钟后变为红色。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="369"/>
        <source>Select a box to see its last health report</source>
        <translation>选择一个盒子以查看其最近的设备状态报告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/devices.py" line="434"/>
        <source>Expected quiet at night (20:00–07:00)</source>
        <translation>夜间预期无人（20:00–07:00）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="287"/>
        <source>Resident (platform)</source>
        <translation>住户（平台）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="289"/>
        <source>Device type</source>
        <translation>设备类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="290"/>
        <source>Camera IP</source>
        <translation>摄像机 IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="291"/>
        <source>Camera id (ep_id)</source>
        <translation>摄像机 ID (ep_id)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="292"/>
        <source>Device id</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="293"/>
        <source>Box serial (dev_sno)</source>
        <translation>盒子序列号 (dev_sno)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="295"/>
        <source>Box event id</source>
        <translation>盒子事件 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="296"/>
        <source>Event time</source>
        <translation>事件时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="297"/>
        <source>Leave time</source>
        <translation>离开时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="298"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="299"/>
        <source>Clock skew (PC − box)</source>
        <translation>时钟偏差（电脑 − 盒子）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="300"/>
        <source>Sent from</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="301"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="305"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="306"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="307"/>
        <source>wheel: zoom · drag: pan · double-click: full size</source>
        <translation>滚轮：缩放 · 拖动：平移 · 双击：原始大小</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="308"/>
        <source>Registered photo</source>
        <translation>注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="309"/>
        <source>Face crop</source>
        <translation>人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="310"/>
        <source>IR photo</source>
        <translation>红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="311"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="312"/>
        <source>Raw JSON</source>
        <translation>原始 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="313"/>
        <source>Copy JSON</source>
        <translation>复制 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="332"/>
        <source>No event selected</source>
        <translation>未选择事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="338"/>
        <source>Select an event to see its photos</source>
        <translation>选择一个事件以查看照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="376"/>
        <source>Cannot read this event: %1</source>
        <translation>无法读取此事件：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="383"/>
        <source>Event %1 is no longer stored</source>
        <translation>事件 %1 已不在数据库中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="401"/>
        <source>(no name)</source>
        <translation>（无姓名）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="413"/>
        <source>score %1</source>
        <translation>分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="436"/>
        <source>V6 real-time events carry no scene photo: the face box is not drawn</source>
        <translation>V6 实时事件不带场景照片：不绘制人脸框</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="438"/>
        <source>no scene photo in this event: the face box is not drawn</source>
        <translation>此事件没有场景照片：不绘制人脸框</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="502"/>
        <source>No warnings: the event is well-formed.</source>
        <translation>无警告：事件格式正确。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="510"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="516"/>
        <source>photo removed by the retention policy</source>
        <translation>照片已按保留策略删除</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="518"/>
        <source>this picture could not be decoded</source>
        <translation>无法解码此图片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="520"/>
        <source>no scene photo in this event</source>
        <translation>此事件没有场景图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="523"/>
        <source>no registered photo — stranger</source>
        <translation>无注册照 — 陌生人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="524"/>
        <source>no registered photo</source>
        <translation>无注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="526"/>
        <source>no face crop</source>
        <translation>无人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="527"/>
        <source>no IR photo</source>
        <translation>无红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="570"/>
        <source>age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="571"/>
        <source>age code</source>
        <translation>年龄代码</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="572"/>
        <source>gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="573"/>
        <source>mask</source>
        <translation>口罩</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="574"/>
        <source>glasses</source>
        <translation>眼镜</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="575"/>
        <source>hat</source>
        <translation>帽子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="576"/>
        <source>expression</source>
        <translation>表情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="577"/>
        <source>quality check passed</source>
        <translation>质量检测通过</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="584"/>
        <source>yaw</source>
        <translation>偏航</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="584"/>
        <source>pitch</source>
        <translation>俯仰</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="584"/>
        <source>roll</source>
        <translation>翻滚</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="591"/>
        <source>head pose</source>
        <translation>头部姿态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="594"/>
        <source>quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="48"/>
        <source>receiving</source>
        <translation>正在接收</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="49"/>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="50"/>
        <source>reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="51"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="55"/>
        <source>({n} events)</source>
        <translation>（{n} 个事件）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="67"/>
        <source>reporting again after a silence: filling the gap</source>
        <translation>沉默后重新上报：正在补齐缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="69"/>
        <source>nothing stored yet to measure a gap from</source>
        <translation>尚无已存事件，无法计算缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="71"/>
        <source>filling the gap since the last stored event ({minutes} min)</source>
        <translation>正在补齐自最后一个已存事件以来的缺口（{minutes} 分钟）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="75"/>
        <source>gap filled: {n} new event(s)</source>
        <translation>缺口已补齐：新增 {n} 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="77"/>
        <source>gap fill failed: {error}</source>
        <translation>补齐缺口失败：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="85"/>
        <source>running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="86"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="87"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="88"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="90"/>
        <source>{done}/{total}: {new} new, {dup} already stored</source>
        <translation>{done}/{total}：新增 {new}，已有 {dup}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="118"/>
        <source>Firmware</source>
        <translation>固件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="118"/>
        <source>Reachable</source>
        <translation>可连接</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="118"/>
        <source>Pointed at us</source>
        <translation>已指向本机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="119"/>
        <source>Gap</source>
        <translation>缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="119"/>
        <source>Real-time pull</source>
        <translation>实时拉取</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="119"/>
        <source>Backfill</source>
        <translation>补录</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="136"/>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="137"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="599"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="137"/>
        <location filename="../../gui/ui/installer/boxes.py" line="140"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="599"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="142"/>
        <source>yes, connected</source>
        <translation>是，已连通</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="142"/>
        <source>yes, waiting for the first event</source>
        <translation>是，等待第一个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="181"/>
        <source>since the last stored event</source>
        <extracomment>Backfill ranges: None = since the box&apos;s last stored event (minus 5 min).</extracomment>
        <translation>自最后一个已存事件起</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="181"/>
        <source>the last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="181"/>
        <source>the last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="182"/>
        <source>the last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="185"/>
        <source>Boxes</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="214"/>
        <source>Box features are not running in this receiver.</source>
        <translation>此接收端未运行盒子功能。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="232"/>
        <source>Add a box by its address: Gatewatch reads its firmware, serial, push URLs and cameras, can point it at this PC, fill gaps from the box&apos;s own store, and pull real-time events when the box cannot reach this PC.</source>
        <translation>按地址添加盒子：Gatewatch 读取其固件、序列号、推送地址和摄像机，可将其指向本机、从盒子自身的存储补齐缺失的事件，并在盒子无法连接本机时拉取实时事件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="240"/>
        <source>Box address, e.g. 192.168.1.19</source>
        <translation>盒子地址，例如 192.168.1.19</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="242"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="246"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="248"/>
        <source>Add box</source>
        <translation>添加盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="270"/>
        <source>No boxes added yet.</source>
        <translation>尚未添加盒子。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="274"/>
        <source>Point at this PC</source>
        <translation>指向本机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="276"/>
        <source>Set the box&apos;s history, real-time and status URLs to this receiver, keeping the other URLs it has</source>
        <translation>将盒子的历史、实时和状态推送地址设为本接收端，保留其原有的其他地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="283"/>
        <source>Fill gap</source>
        <translation>补齐缺口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="284"/>
        <source>Import the events stored on the box, with photos</source>
        <translation>导入盒子上存储的事件及照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="286"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="288"/>
        <source>Pull real-time</source>
        <translation>拉取实时事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="290"/>
        <source>Receive real-time events over the box&apos;s WebSocket (for a box that cannot reach this PC)</source>
        <translation>通过盒子的 WebSocket 接收实时事件（用于无法连接本机的盒子）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="293"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="380"/>
        <source>Type the box&apos;s address first.</source>
        <translation>请先输入盒子地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="384"/>
        <source>Contacting {address}…</source>
        <translation>正在联系 {address}…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="394"/>
        <source>Added {address}: {firmware}, serial {serial}, {n} camera(s).</source>
        <translation>已添加 {address}：{firmware}，序列号 {serial}，{n} 个摄像机。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="410"/>
        <source>Pointing {address} at this PC…</source>
        <translation>正在将 {address} 指向本机…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="419"/>
        <source>The box now sends history events to: {urls}. Waiting for the first event or report…</source>
        <translation>盒子现在将历史事件发送到：{urls}。正在等待第一个事件或状态报告…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="442"/>
        <source>Filling the gap from {address}…</source>
        <translation>正在从 {address} 补齐缺口…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="476"/>
        <source>Remove box</source>
        <translation>移除盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="477"/>
        <source>Remove {address}? Gatewatch can also put back the push URLs the box had before it was pointed here.</source>
        <translation>移除 {address}？Gatewatch 还可以恢复盒子在指向本机之前的推送地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/boxes.py" line="492"/>
        <source>Removed {address}.</source>
        <translation>已移除 {address}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="609"/>
        <source>building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="609"/>
        <source>room</source>
        <translation>房间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="609"/>
        <source>floor</source>
        <translation>楼层</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="610"/>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="625"/>
        <source>0–100 display score</source>
        <translation>0–100 显示分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="625"/>
        <source>0–1 similarity</source>
        <translation>0–1 相似度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="630"/>
        <source>threshold %1 (vendor default)</source>
        <translation>阈值 %1（厂商默认）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="631"/>
        <source>threshold %1 (box setting)</source>
        <translation>阈值 %1（盒子设置）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="632"/>
        <location filename="../../gui/ui/views/words.py" line="140"/>
        <source>threshold %1</source>
        <translation>阈值 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="64"/>
        <source>Overlay colour</source>
        <translation>叠加颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="72"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="79"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="82"/>
        <location filename="../../gui/ui/installer/connect.py" line="99"/>
        <location filename="../../gui/ui/installer/connect.py" line="373"/>
        <source>all interfaces</source>
        <translation>所有网卡</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="83"/>
        <source>Listen on address</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="87"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="92"/>
        <location filename="../../gui/ui/dialogs/settings.py" line="158"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="93"/>
        <source>A new data folder is used from the next start.</source>
        <translation>新的数据文件夹将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="100"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="104"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="107"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="108"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="110"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="119"/>
        <source>Colour: %1</source>
        <translation>颜色：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="120"/>
        <source>Default colours</source>
        <translation>默认颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="143"/>
        <source>Port in use</source>
        <translation>端口被占用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="144"/>
        <source>Port %1 is already in use on this PC. Choose another port.</source>
        <translation>本机端口 %1 已被占用，请选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="53"/>
        <location filename="../../gui/ui/alarms/install.py" line="94"/>
        <source>Alarms</source>
        <extracomment>F11 alone is the main window&apos;s plain full screen. Acknowledge from anywhere in the window (Space only works on the banner itself).</extracomment>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="62"/>
        <source>&amp;Alarms</source>
        <translation>告警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="63"/>
        <source>&amp;Acknowledge current alarm</source>
        <translation>确认当前告警(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="67"/>
        <source>&amp;Open alarms</source>
        <translation>未处理告警(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="75"/>
        <source>&amp;Wall mode</source>
        <translation>大屏模式(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="70"/>
        <source>&amp;Mute alarm sound</source>
        <translation>告警静音(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="79"/>
        <source>Alarm &amp;settings…</source>
        <translation>告警设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="94"/>
        <source>Alarms (%1)</source>
        <translation>告警 (%1)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="21"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="23"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/__init__.py" line="32"/>
        <source>Storage and retention…</source>
        <translation>存储与保留策略…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="30"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="31"/>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="32"/>
        <location filename="../../gui/ui/installer/__init__.py" line="50"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="44"/>
        <source>Connect a box…</source>
        <translation>连接盒子…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="47"/>
        <source>Request inspector</source>
        <translation>请求检查器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="53"/>
        <source>Send test event…</source>
        <translation>发送测试事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="60"/>
        <location filename="../../gui/ui/installer/__init__.py" line="67"/>
        <source>Select an event first</source>
        <translation>请先选择一个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="71"/>
        <source>Replay selected event to…</source>
        <translation>将所选事件重放到…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/__init__.py" line="74"/>
        <source>Copy selected event as curl</source>
        <translation>将所选事件复制为 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/common.py" line="38"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/common.py" line="39"/>
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
        <location filename="../../gui/ui/installer/boxes.py" line="118"/>
        <location filename="../../gui/ui/installer/connect.py" line="144"/>
        <location filename="../../gui/ui/views/detail_pane.py" line="294"/>
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
        <location filename="../../gui/ui/installer/send.py" line="91"/>
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
        <location filename="../../gui/ui/installer/connect.py" line="231"/>
        <source>Connect a box</source>
        <extracomment>source ip -&gt; {&quot;who&quot;: &quot;ip (serial)&quot;, &quot;shapes&quot;: [(format, kind), ...]} source ip -&gt; the last refusal it got, while other boxes are sending</extracomment>
        <translation>连接盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="238"/>
        <location filename="../../gui/ui/installer/connect.py" line="504"/>
        <source>Waiting for the first request…</source>
        <translation>正在等待第一个请求…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="264"/>
        <source>Type these URLs into the box&apos;s event and device-status settings. Use the address on the same network as the box.</source>
        <translation>将这些地址填入盒子的事件和设备状态设置中。请使用与盒子在同一网络的地址。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="275"/>
        <source>Refresh addresses</source>
        <translation>刷新地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="277"/>
        <source>Run self-test</source>
        <translation>运行自检</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="279"/>
        <source>Post a sample event to this PC&apos;s own address, and check the firewall</source>
        <translation>向本机自己的地址发送一个示例事件，并检查防火墙</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="284"/>
        <source>Change port or address…</source>
        <translation>更改端口或地址…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="313"/>
        <source>What each box sends</source>
        <translation>各盒子发送的内容</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="327"/>
        <source>Nothing received yet.</source>
        <translation>尚未收到任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="438"/>
        <source>Box {who} connected, sending {what} events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="445"/>
        <source>(+{n} more)</source>
        <translation>（另有 {n} 台）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="447"/>
        <source>{n} boxes connected: {names}</source>
        <translation>已连接 {n} 台盒子：{names}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="102"/>
        <source>Listening on port {port}, {bind}.</source>
        <translation>正在监听端口 {port}，{bind}。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="386"/>
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
        <location filename="../../gui/ui/installer/connect.py" line="413"/>
        <source>Events from this PC ({ip}) arrive: {format} {kind}. No box has sent anything yet.</source>
        <translation>已收到来自本机（{ip}）的 {format} 格式{kind}事件。还没有盒子发送任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="460"/>
        <source>Box {ip} is sending to {path}, but its request was refused ({status}): {reason}</source>
        <translation>盒子 {ip} 正在发送到 {path}，但请求被拒绝（{status}）：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="473"/>
        <source>Box {ip} connected, sending health reports (no events yet)</source>
        <translation>盒子 {ip} 已连接，正在发送设备状态报告（尚无事件）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="512"/>
        <source>Box {who} has sent events recently: {what}</source>
        <translation>盒子 {who} 最近发送过事件：{what}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="532"/>
        <source>Posting a sample event to {url} …</source>
        <translation>正在向 {url} 发送示例事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="533"/>
        <source>Checking the firewall…</source>
        <translation>正在检查防火墙…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="547"/>
        <source>firewall check failed: {e}</source>
        <translation>防火墙检查失败：{e}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="556"/>
        <source>Self-test passed: Gatewatch answered {status} in {ms:.0f} ms at {url}. (It is marked as a test and kept out of statistics and alarms.) A post from this PC does not prove the box gets through the firewall: see below.</source>
        <translation>自检通过：Gatewatch 在 {ms:.0f} 毫秒内于 {url} 应答 {status}。（该事件标记为测试，不计入统计和报警。）从本机发送成功并不能证明盒子能通过防火墙：见下文。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="561"/>
        <source>Self-test failed: {url}: {error}</source>
        <translation>自检失败：{url}：{error}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="563"/>
        <source>Self-test failed: {url} answered {status}: {reply}</source>
        <translation>自检失败：{url} 应答 {status}：{reply}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/connect.py" line="570"/>
        <source>Firewall:</source>
        <translation>防火墙：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <source>Time</source>
        <extracomment>Rows held in memory at most; older ones are fetched again when scrolled to. While paused, live rows wait here so the list does not move under the mouse.</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <location filename="../../gui/ui/installer/inspector.py" line="281"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="184"/>
        <location filename="../../gui/ui/installer/inspector.py" line="283"/>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="185"/>
        <source>Content type</source>
        <translation>内容类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="185"/>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="185"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="185"/>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="186"/>
        <source>Our answer</source>
        <translation>我们的应答</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="266"/>
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
        <location filename="../../gui/ui/installer/inspector.py" line="342"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="275"/>
        <source>Keep the list still while requests arrive</source>
        <translation>请求到达时保持列表不动</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="315"/>
        <source>Copy as curl</source>
        <translation>复制为 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="316"/>
        <source>Save the body to a file and copy a curl command using it</source>
        <translation>将请求体保存为文件，并复制使用该文件的 curl 命令</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="325"/>
        <source>Select a request to see its headers and body</source>
        <translation>选择一个请求以查看其请求头和请求体</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="340"/>
        <source>Paused — {n} new</source>
        <translation>已暂停 — {n} 条新请求</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="340"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="375"/>
        <source>This request is no longer in the log.</source>
        <translation>该请求已不在日志中。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="381"/>
        <source>#{id} {method} {path} from {source} at {time}: we answered {status} — {reply}</source>
        <translation>#{id} {method} {path}，来自 {source}，时间 {time}：我们应答 {status} — {reply}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="392"/>
        <source>View {path}</source>
        <translation>查看 {path}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="397"/>
        <source>Open event {id}</source>
        <translation>打开事件 {id}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="420"/>
        <source>That picture cannot be shown (cut off or not an image).</source>
        <translation>无法显示该图片（被截断或不是图片）。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="454"/>
        <location filename="../../gui/ui/installer/send.py" line="159"/>
        <source>Copied: {command}</source>
        <translation>已复制：{command}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="469"/>
        <source>Warnings:</source>
        <translation>警告：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="473"/>
        <source>Our answer ({status}):</source>
        <translation>我们的应答（{status}）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="478"/>
        <source>Body (became events {ids}; shown as stored, pictures shortened):</source>
        <translation>正文（已成为事件 {ids}；按存储内容显示，图片已缩写）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="485"/>
        <source>Body ({size} bytes{cut}):</source>
        <translation>请求体（{size} 字节{cut}）：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="486"/>
        <source>, cut off at 64 KB</source>
        <translation>，截断于 64 KB</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="492"/>
        <source>The body became events {ids}: each is stored with its photos.</source>
        <translation>请求体已保存为事件 {ids}：每个事件连同照片一起保存。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/inspector.py" line="497"/>
        <source>(no body)</source>
        <translation>（无请求体）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="42"/>
        <source>Send test event</source>
        <translation>发送测试事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="55"/>
        <source>mark as self-test (kept out of statistics and alarms)</source>
        <translation>标记为自检（不计入统计和告警）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="57"/>
        <source>URL</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="58"/>
        <source>Sample</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="59"/>
        <source>Shape</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="66"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="69"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="83"/>
        <source>Sending to {url} …</source>
        <translation>正在发送到 {url}…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="91"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="109"/>
        <source>Replay to…</source>
        <translation>重放到…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="109"/>
        <source>Post event {id} to this URL:</source>
        <translation>将事件 {id} 发送到此地址：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="121"/>
        <location filename="../../gui/ui/installer/send.py" line="156"/>
        <source>event {id} not found</source>
        <translation>未找到事件 {id}</translation>
    </message>
    <message>
        <location filename="../../gui/ui/installer/send.py" line="126"/>
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
        <source>Waiting for boxes</source>
        <translation>正在等待盒子</translation>
    </message>
    <message>
        <source>No event has arrived yet. Type this URL into the box&apos;s event settings (history and real-time events):</source>
        <translation>还没有收到任何事件。请把这个地址填入盒子的事件设置（历史事件和实时事件）：</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="128"/>
        <source>About Gatewatch</source>
        <extracomment>(component, licence, notice). Kept short; the full texts are at the URLs.</extracomment>
        <translation>关于 Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="145"/>
        <source>Receives, stores and shows the events Sophon face boxes push.</source>
        <translation>接收、保存并显示算能（Sophon）人脸盒子推送的事件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="159"/>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="160"/>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="161"/>
        <source>Log folder:</source>
        <translation>日志文件夹：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="162"/>
        <source>Database size:</source>
        <translation>数据库大小：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="163"/>
        <source>Runtime:</source>
        <translation>运行环境：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="166"/>
        <source>Bundled components and their licences:</source>
        <translation>内置组件及其许可证：</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="173"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="175"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="92"/>
        <source>note (optional)</source>
        <extracomment>(background, text) per look.</extracomment>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="95"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="159"/>
        <source>Acknowledge (Space)</source>
        <translation>确认（空格键）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="125"/>
        <source>LATE</source>
        <translation>延迟</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/ui/alarms/banner.py" line="186"/>
        <source>+%n more open</source>
        <translation>
            <numerusform>另有 %n 条未处理</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlarmCenter</name>
    <message>
        <location filename="../../gui/ui/alarms/center.py" line="129"/>
        <source>alarms are not running in this receiver</source>
        <extracomment>The open set or an alarm in it changed. A new alarm (``Alarm``) was raised: flash, notify. An acknowledgement was refused or failed (message for a status line, never a dialog).</extracomment>
        <translation>此接收服务未启用告警</translation>
    </message>
</context>
<context>
    <name>AlarmRulesDialog</name>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="56"/>
        <source>Alarm settings</source>
        <extracomment>The fields this dialog owns.</extracomment>
        <translation>告警设置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="67"/>
        <source>Raise alarms for</source>
        <translation>触发告警的人员类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="71"/>
        <source>every camera (or: camera ids/names, comma separated)</source>
        <translation>所有摄像机（或填写摄像机 ID/名称，用逗号分隔）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="73"/>
        <source>Cameras</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="79"/>
        <source>any score</source>
        <translation>任意分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="82"/>
        <source>Matches scoring below this raise nothing (strangers always do)</source>
        <translation>低于此分数的比对结果不告警（陌生人始终告警）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="84"/>
        <source>Minimum score</source>
        <translation>最低分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="88"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="91"/>
        <source>The same person at the same camera within this folds into one alarm</source>
        <translation>同一人员在同一摄像机于此时间内只合并为一条告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="93"/>
        <source>Cooldown</source>
        <translation>冷却时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="97"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="99"/>
        <source>Events older than this on arrival raise a silent late alarm</source>
        <translation>到达时已超过此时长的事件只产生无声的延迟告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="100"/>
        <source>Late after</source>
        <translation>延迟判定</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="106"/>
        <source>mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="110"/>
        <source>Test sound</source>
        <translation>试听声音</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="111"/>
        <source>Play the alarm sound for two seconds</source>
        <translation>播放告警声音两秒</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="115"/>
        <source>Sound volume</source>
        <translation>提示音音量</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="123"/>
        <source>the computer&apos;s user name</source>
        <translation>本机用户名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="124"/>
        <source>Operator</source>
        <translation>值班人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="129"/>
        <source>Wall tiles</source>
        <translation>大屏格数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="132"/>
        <source>the window&apos;s screen</source>
        <translation>窗口所在屏幕</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="138"/>
        <source>Wall screen</source>
        <translation>大屏显示器</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="140"/>
        <source>start in wall mode</source>
        <translation>启动时进入大屏模式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="142"/>
        <source>closing the window keeps receiving (tray)</source>
        <translation>关闭窗口后继续接收（托盘）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="161"/>
        <source>Nothing will be heard: %1. Alarms are still shown.</source>
        <translation>听不到声音：%1。告警仍会显示。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/rules.py" line="165"/>
        <source>Playing the alarm sound at %1 %…</source>
        <translation>正在以 %1 % 的音量播放告警声音…</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="77"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="77"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="77"/>
        <source>First</source>
        <translation>首次</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="78"/>
        <source>Last</source>
        <translation>最近</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="78"/>
        <source>Acknowledged</source>
        <translation>确认人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="78"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="100"/>
        <source>open</source>
        <translation>未处理</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="100"/>
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
        <location filename="../../gui/ui/alarms/page.py" line="184"/>
        <source>Open</source>
        <translation>未处理</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="184"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="185"/>
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
        <source>note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="197"/>
        <location filename="../../gui/ui/alarms/page.py" line="250"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="203"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="206"/>
        <source>Operator</source>
        <translation>值班人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="245"/>
        <location filename="../../gui/ui/alarms/page.py" line="262"/>
        <source>Blacklist alarms are acknowledged one at a time.</source>
        <translation>黑名单告警需逐条确认。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="247"/>
        <source>Acknowledge %1</source>
        <translation>确认 %1 条</translation>
    </message>
    <message>
        <source>No open alarms</source>
        <translation>没有未处理的告警</translation>
    </message>
    <message>
        <source>No acknowledged alarms</source>
        <translation>没有已确认的告警</translation>
    </message>
    <message>
        <source>No alarms yet</source>
        <translation>还没有告警</translation>
    </message>
</context>
<context>
    <name>BucketTable</name>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="99"/>
        <source>From</source>
        <translation>起始时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="101"/>
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
        <location filename="../../gui/ui/history/export_dialog.py" line="47"/>
        <source>Export events</source>
        <translation>导出事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="51"/>
        <source>CSV (Excel)</source>
        <translation>CSV（Excel）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="52"/>
        <source>JSON Lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="56"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="63"/>
        <source>No photos</source>
        <translation>不含照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="64"/>
        <source>Photos into a folder</source>
        <translation>照片导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="65"/>
        <source>Photos into a zip file</source>
        <translation>照片打包为 zip 文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="70"/>
        <source>%1 events match the current filter</source>
        <translation>当前筛选条件匹配 %1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="84"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="91"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="92"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="93"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="115"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="115"/>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="116"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="136"/>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="144"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="165"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="175"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="176"/>
        <source>Exported %1 events to %2</source>
        <translation>已导出 %1 个事件到 %2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="179"/>
        <source>%1 photos to %2</source>
        <translation>%1 张照片到 %2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="188"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/export_dialog.py" line="190"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何内容。</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../gui/ui/history/model.py" line="123"/>
        <source>Time</source>
        <extracomment>Rows kept in memory at most (about 80 MB). Beyond it the table says to narrow the filter or export: nobody reads 200,000 rows, and the count stays exact. Columns the header can sort by, and the core sort each one means. False until the first query: header set-up must not start reads of its own.</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="123"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="123"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="124"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="124"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="124"/>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="125"/>
        <source>Box</source>
        <translation>盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="125"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/model.py" line="125"/>
        <source>Kept</source>
        <translation>保留</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../gui/ui/history/page.py" line="93"/>
        <source>Error: %1</source>
        <extracomment>Typing in the name box waits this long before querying.</extracomment>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="104"/>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="104"/>
        <source>Last hour</source>
        <translation>最近 1 小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="104"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="104"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="105"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="105"/>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="133"/>
        <source>All cameras</source>
        <translation>全部摄像机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="138"/>
        <source>All boxes</source>
        <translation>全部盒子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="143"/>
        <source>Name or ID contains…</source>
        <translation>姓名或 ID 包含…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="153"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="158"/>
        <source>Any action</source>
        <translation>全部动作</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="163"/>
        <source>Warnings: any</source>
        <translation>警告：不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="163"/>
        <source>With warnings</source>
        <translation>有警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="164"/>
        <source>Without warnings</source>
        <translation>无警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="168"/>
        <source>Alarms: any</source>
        <translation>告警：不限</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="168"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="169"/>
        <source>Not acknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="175"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="177"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="180"/>
        <source>Kept events are never deleted by retention</source>
        <translation>保留的事件不会被保留策略删除</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="182"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="184"/>
        <source>Retention…</source>
        <translation>保留策略…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="185"/>
        <source>How long events and photos are kept</source>
        <translation>事件和照片的保存时长</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="191"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="253"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="311"/>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="313"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/page.py" line="316"/>
        <source>(the table lists the first %1: narrow the filter or export)</source>
        <translation>（表格仅列出前 %1 个：请缩小筛选范围或导出）</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 个事件</translation>
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
        <location filename="../../gui/ui/history/stats_page.py" line="127"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="128"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="129"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="130"/>
        <source>Last 90 days</source>
        <translation>最近 90 天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="136"/>
        <source>Per hour</source>
        <translation>按小时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="137"/>
        <source>Per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="139"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="178"/>
        <source>Most seen people</source>
        <translation>出现最多的人员</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="180"/>
        <source>Strangers by hour of day</source>
        <translation>陌生人按时段分布</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="206"/>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="218"/>
        <source>%1 events</source>
        <translation>%1 个事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/history/stats_page.py" line="226"/>
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
        <location filename="../../gui/ui/wall.py" line="337"/>
        <location filename="../../gui/ui/wall.py" line="352"/>
        <source>no photo</source>
        <extracomment>Screen height / this = the size unit every font and margin derives from. Longest edge of a decoded face thumbnail for a tile. A new alarm flashes the wall this colour, this many times, so it is seen across a room. Box and landmarks already mapped into ``scene``&apos;s pixels. The event&apos;s words, for an alarm&apos;s event that is not among the recent ones. Families with a real bold at every size (synthetic bold fades at large pixel sizes); the app&apos;s own families (CJK fallbacks included) follow.</extracomment>
        <translation>无照片</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../gui/ui/wall.py" line="413"/>
        <source>Gatewatch — wall</source>
        <translation>Gatewatch — 大屏（wall）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="486"/>
        <source>waiting for events…</source>
        <extracomment>While an alarm is open, the big panel shows its event (not the latest one).</extracomment>
        <translation>正在等待事件…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="487"/>
        <source>no registered photo</source>
        <translation>无注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="489"/>
        <source>Captured</source>
        <translation>抓拍</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="491"/>
        <source>Registered photo</source>
        <translation type="unfinished">注册照</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="585"/>
        <source>open alarms: %1</source>
        <translation>未处理告警：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="704"/>
        <source>No events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="709"/>
        <source>ALARM — the person who raised it</source>
        <translation>告警 — 触发告警的人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="718"/>
        <source>score %1</source>
        <translation>分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="757"/>
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
        <location filename="../../gui/ui/startup.py" line="172"/>
        <source>Backing up the database before upgrading it…</source>
        <translation>升级前正在备份数据库…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="177"/>
        <source>Upgrading Gatewatch</source>
        <translation>正在升级 Gatewatch</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../gui/ui/dialogs/about.py" line="206"/>
        <location filename="../../gui/ui/dialogs/about.py" line="219"/>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
</context>
</TS>
