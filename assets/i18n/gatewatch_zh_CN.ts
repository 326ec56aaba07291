<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../gui/ui/main_window.py" line="131"/>
        <source>▲ %1 new</source>
        <extracomment>The detail pane follows the newest event at most this often while following.</extracomment>
        <translation>▲ %1 条新事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="196"/>
        <location filename="../../gui/ui/main_window.py" line="664"/>
        <source>Live</source>
        <extracomment>The window is really closing (not hidden): the app shuts the core down.</extracomment>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="317"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="318"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="319"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="320"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="378"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="379"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="380"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="381"/>
        <source>Feed &amp;above details</source>
        <translation>列表在详情上方(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="382"/>
        <source>Face box and &amp;landmarks</source>
        <translation>人脸框和关键点(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="383"/>
        <source>&amp;Full screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="384"/>
        <source>Jump to &amp;newest</source>
        <translation>跳到最新(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="385"/>
        <source>&amp;About Gatewatch</source>
        <translation>关于 Gatewatch(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="420"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="434"/>
        <source>Listening</source>
        <translation>正在监听</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="445"/>
        <source>(+%1 more)</source>
        <translation>(另有 %1 个)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="446"/>
        <source>Boxes post to %1</source>
        <translation>盒子推送地址：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="448"/>
        <source>Port %1 in use</source>
        <translation>端口 %1 被占用</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="449"/>
        <location filename="../../gui/ui/main_window.py" line="458"/>
        <source>What to do…</source>
        <translation>怎么办…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="452"/>
        <source>Not receiving: another program uses port %1.</source>
        <translation>未在接收：另一个程序占用了端口 %1。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="454"/>
        <source>Close it, or pick another port in Settings.</source>
        <translation>请关闭该程序，或在设置中选择其他端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="472"/>
        <source>Port %1 is already in use, so boxes cannot reach Gatewatch.</source>
        <translation>端口 %1 已被占用，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="474"/>
        <source>Is another Gatewatch already running (maybe in the tray)? Close it.</source>
        <translation>是否已有另一个 Gatewatch 在运行（可能在托盘中）？请关闭它。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="475"/>
        <source>Or choose another port in Settings, and set the boxes to it.</source>
        <translation>或在设置中选择其他端口，并在盒子上改用该端口。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="479"/>
        <source>The receiver could not start, so boxes cannot reach Gatewatch.</source>
        <translation>接收服务无法启动，盒子无法连接到 Gatewatch。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="481"/>
        <source>Check the bind address and data folder in Settings, then try again.</source>
        <translation>请在设置中检查监听地址和数据文件夹，然后重试。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="483"/>
        <source>Details: %2</source>
        <translation>详细信息：%2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="649"/>
        <source>Gatewatch %1</source>
        <translation>Gatewatch %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="650"/>
        <source>Receives, stores and shows the face-recognition events Sophon boxes push.</source>
        <translation>接收、存储并显示算能盒子推送的人脸识别事件。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="651"/>
        <source>Data folder: %2</source>
        <translation>数据文件夹：%2</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="457"/>
        <source>Server error</source>
        <translation>服务器错误</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="462"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="486"/>
        <source>Not receiving events</source>
        <translation>未在接收事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="488"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="519"/>
        <source>no events yet</source>
        <translation>尚无事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="523"/>
        <source>last %1 s ago</source>
        <translation>最近一条 %1 秒前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="525"/>
        <source>last %1 min ago</source>
        <translation>最近一条 %1 分钟前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="527"/>
        <source>last %1 h ago</source>
        <translation>最近一条 %1 小时前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="529"/>
        <source>last %1 days ago</source>
        <translation>最近一条 %1 天前</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="531"/>
        <source>Today: %1   Last minute: %2   %3</source>
        <translation>今天：%1   最近一分钟：%2   %3</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="655"/>
        <source>About Gatewatch</source>
        <translation>关于 Gatewatch</translation>
    </message>
    <message>
        <location filename="../../gui/ui/main_window.py" line="662"/>
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
        <location filename="../../gui/ui/views/words.py" line="29"/>
        <source>unknown type</source>
        <translation>未知类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="30"/>
        <source>type %1</source>
        <translation>类型 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="43"/>
        <source>recognised</source>
        <translation>已识别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="44"/>
        <source>new stranger registered</source>
        <translation>新陌生人已注册</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="45"/>
        <source>library photo updated</source>
        <translation>底库照片已更新</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="47"/>
        <source>action %1</source>
        <translation>动作 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="54"/>
        <source>gate / snapshot camera</source>
        <translation>闸机 / 抓拍机</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="55"/>
        <source>video stream</source>
        <translation>视频流</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="56"/>
        <source>ID-card check</source>
        <translation>人证核验</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/words.py" line="57"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="257"/>
        <source>Name</source>
        <extracomment>Emitted once an event&apos;s data is on screen (tests, screenshots).</extracomment>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="258"/>
        <source>Identity id</source>
        <translation>身份 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="259"/>
        <source>Image id</source>
        <translation>图片 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="260"/>
        <source>Face ids</source>
        <translation>人脸 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="261"/>
        <source>Person type</source>
        <translation>人员类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="262"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="263"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="264"/>
        <source>Face attributes</source>
        <translation>人脸属性</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="265"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="266"/>
        <source>Device type</source>
        <translation>设备类型</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="267"/>
        <source>Camera IP</source>
        <translation>摄像头 IP</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="268"/>
        <source>Camera id (ep_id)</source>
        <translation>摄像头 ID (ep_id)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="269"/>
        <source>Device id</source>
        <translation>设备 ID</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="270"/>
        <source>Box serial (dev_sno)</source>
        <translation>盒子序列号 (dev_sno)</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="271"/>
        <source>Event time</source>
        <translation>事件时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="272"/>
        <source>Leave time</source>
        <translation>离开时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="273"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="274"/>
        <source>Clock skew (PC − box)</source>
        <translation>时钟偏差（电脑 − 盒子）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="275"/>
        <source>Sent from</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="276"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="280"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="281"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="282"/>
        <source>wheel: zoom · drag: pan · double-click: full size</source>
        <translation>滚轮：缩放 · 拖动：平移 · 双击：原始大小</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="283"/>
        <source>Registered photo</source>
        <translation>注册照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="284"/>
        <source>Face crop</source>
        <translation>人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="285"/>
        <source>IR photo</source>
        <translation>红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="286"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="287"/>
        <source>Raw JSON</source>
        <translation>原始 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="288"/>
        <source>Copy JSON</source>
        <translation>复制 JSON</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="307"/>
        <source>No event selected</source>
        <translation>未选择事件</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="313"/>
        <source>Select an event to see its photos</source>
        <translation>选择一个事件以查看照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="341"/>
        <source>Cannot read this event: %1</source>
        <translation>无法读取此事件：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="348"/>
        <source>Event %1 is no longer stored</source>
        <translation>事件 %1 已不在数据库中</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="367"/>
        <source>(no name)</source>
        <translation>（无姓名）</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="375"/>
        <source>score %1</source>
        <translation>分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="441"/>
        <source>No warnings: the event is well-formed.</source>
        <translation>无警告：事件格式正确。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="449"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="455"/>
        <source>photo removed by the retention policy</source>
        <translation>照片已按保留策略删除</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="457"/>
        <source>this picture could not be decoded</source>
        <translation>无法解码此图片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="459"/>
        <source>no scene photo in this event</source>
        <translation>此事件没有现场照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="462"/>
        <source>no registered photo — stranger</source>
        <translation>无注册照片 — 陌生人</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="463"/>
        <source>no registered photo</source>
        <translation>无注册照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="465"/>
        <source>no face crop</source>
        <translation>无人脸抠图</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="466"/>
        <source>no IR photo</source>
        <translation>无红外照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="507"/>
        <source>age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="508"/>
        <source>gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="509"/>
        <source>mask</source>
        <translation>口罩</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="510"/>
        <source>glasses</source>
        <translation>眼镜</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="511"/>
        <source>hat</source>
        <translation>帽子</translation>
    </message>
    <message>
        <location filename="../../gui/ui/views/detail_pane.py" line="512"/>
        <source>expression</source>
        <translation>表情</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="67"/>
        <source>Overlay colour</source>
        <extracomment>The fields this dialog edits (and saves).</extracomment>
        <translation>叠加颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="75"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="82"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="85"/>
        <source>all interfaces</source>
        <translation>所有网卡</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="86"/>
        <source>Listen on address</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="90"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="95"/>
        <location filename="../../gui/ui/dialogs/settings.py" line="138"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="96"/>
        <source>A new data folder is used from the next start.</source>
        <translation>新的数据文件夹将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="103"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="107"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="110"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="111"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="113"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="122"/>
        <source>Colour: %1</source>
        <translation>颜色：%1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/dialogs/settings.py" line="123"/>
        <source>Default colours</source>
        <translation>默认颜色</translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="62"/>
        <location filename="../../gui/ui/alarms/install.py" line="88"/>
        <source>Alarms</source>
        <extracomment>F11 alone is the main window&apos;s plain full screen.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="72"/>
        <source>&amp;Wall mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="76"/>
        <source>&amp;Mute alarm sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/install.py" line="88"/>
        <source>Alarms (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlarmBanner</name>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="83"/>
        <source>note (optional)</source>
        <extracomment>(background, text) per look.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="86"/>
        <source>Acknowledge (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/banner.py" line="116"/>
        <source>LATE</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/ui/alarms/banner.py" line="164"/>
        <source>+%n more open</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlarmCenter</name>
    <message>
        <location filename="../../gui/ui/alarms/center.py" line="130"/>
        <source>alarms are not running in this receiver</source>
        <extracomment>The open set or an alarm in it changed. A new alarm (``Alarm``) was raised: flash, notify. An acknowledgement was refused or failed (message for a status line, never a dialog).</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="74"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="74"/>
        <source>Alarm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="74"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="75"/>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="75"/>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="75"/>
        <source>First</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>Last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="76"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="104"/>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="104"/>
        <source>acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlarmTray</name>
    <message>
        <location filename="../../gui/ui/tray.py" line="61"/>
        <source>Show Gatewatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="64"/>
        <source>Mute alarm sound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="69"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="91"/>
        <source>Gatewatch — %1 open alarm(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/tray.py" line="137"/>
        <source>Still receiving events; quit from this icon&apos;s menu.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlarmsPage</name>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="188"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="188"/>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="189"/>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="197"/>
        <source>Who acknowledges: type your name once per shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="200"/>
        <source>note (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="201"/>
        <location filename="../../gui/ui/alarms/page.py" line="253"/>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="207"/>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="210"/>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="248"/>
        <location filename="../../gui/ui/alarms/page.py" line="265"/>
        <source>Blacklist alarms are acknowledged one at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/alarms/page.py" line="250"/>
        <source>Acknowledge %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../gui/ui/crash.py" line="67"/>
        <source>Unexpected error</source>
        <extracomment>Set by the app: is the wall (full-screen guard view) showing right now?</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="72"/>
        <source>Gatewatch ran into an unexpected error. Events are still being received.
The details below were also written to the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="87"/>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/crash.py" line="91"/>
        <source>Open log folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CrashHandler</name>
    <message>
        <location filename="../../gui/ui/crash.py" line="192"/>
        <source>Internal error (logged): {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../../gui/ui/wall.py" line="351"/>
        <source>Gatewatch — wall</source>
        <extracomment>Screen height / this = the size unit every font and margin derives from. Longest edge of a decoded face thumbnail for a tile. Box and landmarks already mapped into ``scene``&apos;s pixels.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="405"/>
        <source>waiting for events…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="406"/>
        <source>no registered photo</source>
        <translation type="unfinished">无注册照片</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="482"/>
        <source>open alarms: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="529"/>
        <source>No events yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="537"/>
        <source>score %1</source>
        <translation type="unfinished">分数 %1</translation>
    </message>
    <message>
        <location filename="../../gui/ui/wall.py" line="571"/>
        <source>could not load pictures: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <location filename="../../gui/ui/startup.py" line="99"/>
        <source>Backing up the database before upgrading it…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../gui/ui/startup.py" line="104"/>
        <source>Upgrading Gatewatch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
