"""Every setting, declared once: type, default, one-line doc.

``Settings`` holds what the user chooses (``settings.json``); ``WindowState``
what the app remembers about its windows (``window-state.json``). Read them
as attributes; assign (or ``update``) to make a change the user keeps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gui.settings import files, stored
from gui.settings.live import LiveOptions, Option

log = logging.getLogger(__name__)


class Settings(LiveOptions):
    """Every persisted setting with its default. Types are enforced on load and change."""

    #: Where user changes are written (None = the default ``settings.json``).
    path: Path | None = None

    # receiver
    port = Option(int, 9528, "TCP port the boxes post to")
    bind = Option(str, "", "address to listen on; empty = every interface")
    data_dir = Option(str, "", "folder of the database and logs; empty = the platform default")
    store = Option(
        str, "", "where events are stored: empty = SQLite in the data folder; "
        "postgresql://user@host/db = that PostgreSQL database (shared by several receivers)"
    )  # fmt: skip
    allow: Option[list[str]] = Option(list[str], [], "networks allowed to post; empty = all")
    api_token = Option(str, "", "bearer token for the read API from other PCs; empty = local only")
    api_hosts: Option[list[str]] = Option(
        list[str], [], "extra host names the API answers to (DNS rebinding guard); IPs always"
    )
    tls_cert = Option(str, "", "TLS certificate (PEM) for the API on the network; empty = no TLS")
    tls_key = Option(str, "", "the TLS certificate's private key (PEM); empty = in tls_cert")
    tls_port = Option(int, 9529, "port of the API over TLS (the boxes keep the plain port)")
    tls_pins: Option[dict[str, str]] = Option(
        dict[str, str], {}, "servers' certificates this PC accepts: 'host:port' -> 'sha256:...'"
    )
    log_level = Option(str, "INFO", "logging level of the log file")
    # desktop
    language = Option(str, "", "'en' or 'zh_CN'; empty = from the system locale")
    theme = Option(str, "light", "'light' or 'dark'")
    overlays = Option(bool, True, "draw the face box and landmarks on photos")
    overlay_colours: Option[dict[str, str]] = Option(
        dict[str, str], {}, "overlay colour by person type number, '#rrggbb'"
    )
    layout = Option(str, "side", "feed beside the detail ('side') or above it ('stacked')")
    connect_panel_seen = Option(bool, False, "the Connect page was shown once at first start")
    # alarms
    alarm_person_types: Option[list[int]] = Option(
        list[int], [3, 4], "person types that raise an alarm (3 stranger, 4 blacklist)"
    )
    alarm_devices: Option[list[str]] = Option(
        list[str], [], "cameras that raise alarms; empty = every camera"
    )
    alarm_stranger_rules: Option[list[str]] = Option(
        list[str], [],
        "where and when strangers raise alarms, one 'CAMERA HH:MM-HH:MM' per entry ('*' = every"
        " camera, no times = all day); empty = every camera, always",
    )  # fmt: skip
    alarm_min_score: Option[float | None] = Option(
        float | None, None, "lowest score that raises an alarm; None = any"
    )
    alarm_cooldown_s = Option(int, 30, "same person at the same camera folds into one alarm")
    alarm_late_after_s = Option(int, 600, "an event older than this on arrival is marked late")
    alarm_volume = Option(float, 0.8, "alarm sound volume, 0..1")
    alarm_muted = Option(bool, False, "alarm sound off (alarms still show)")
    operator_name = Option(str, "", "who acknowledges; empty = the OS user name")
    # wall
    wall_tiles = Option(int, 8, "recent-event tiles under the wall's big panel")
    wall_screen = Option(int, -1, "monitor of the wall; -1 = the one the window is on")
    start_in_wall = Option(bool, False, "start full screen in wall mode")
    close_to_tray = Option(bool, False, "closing the window keeps Gatewatch in the tray")
    # retention
    keep_events_days = Option(int, 90, "events older than this are deleted; 0 = kept for ever")
    keep_photos_days = Option(int, 30, "full photos older than this are deleted; 0 = for ever")
    max_data_gb = Option(float, 10.0, "the data folder's size cap")
    min_free_gb = Option(float, 1.0, "free disk space kept")
    # devices
    silence_minutes = Option(int, 10, "a camera silent this long turns red")
    quiet_at_night: Option[list[str]] = Option(
        list[str], [], "cameras (ep_id) expected quiet at night"
    )
    silence_alarms = Option(bool, True, "a camera turning red raises a 'silence' alarm")
    box_gap_fill = Option(
        bool,
        True,
        "boxes added by address: fill each one's gap from its own store on start "
        "and when it reports again after a silence",
    )

    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else files.default_data_dir()

    def persist(self, changes: dict[str, Any]) -> None:
        try:
            stored.patch_settings(changes, self.path)
        except OSError as exc:
            log.warning("cannot save settings: %s", exc)


class WindowState(LiveOptions):
    """What the app remembers about its windows; not a choice the user makes."""

    path: Path | None = None

    geometry = Option(str, "", "base64 of the main window's QWidget.saveGeometry()")
    state = Option(str, "", "base64 of the main window's QMainWindow.saveState()")
    splitters = Option(str, "", "base64 splitter states, ';'-separated")

    def persist(self, changes: dict[str, Any]) -> None:
        try:
            stored.patch_window_state(changes, self.path)
        except OSError as exc:
            log.warning("cannot save the window state: %s", exc)
