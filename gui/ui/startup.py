"""What the desktop app does before its receiver starts, in one call from ``app.py``.

``prepare(app, settings, args)``:

* single instance: another Gatewatch for this user and data dir is raised and
  this launch ends (exit 0), unless ``--new-instance``;
* refusals, each a dialog and one line on stderr: the data folder held by
  another Gatewatch (``--headless`` included, ``gui.folder_lock``), a database
  written by a newer Gatewatch;
* crash handling: the exception hooks and the faulthandler dump (``gui.logs``);
* the app icon;
* a schema upgrade's backup (SQLite online backup, page by page) runs here with
  a progress dialog, so the receiver then opens an already-current database;
* ``GATEWATCH_SMOKE_TEST=SECONDS``: quit cleanly after that long (CI starts the
  packaged app offscreen and checks it exits 0 with a clean log).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QProgressDialog

from gui import logs
from gui.core import database_files
from gui.resources import icon_path
from gui.settings import Settings

log = logging.getLogger(__name__)

SMOKE_TEST_ENV = "GATEWATCH_SMOKE_TEST"


def prepare(
    app: QApplication, current: Settings, args: argparse.Namespace | None = None
) -> int | None:
    """None to carry on; else the exit code (0: another instance was raised instead).

    A refused start (the data folder held by another Gatewatch, a database from
    a newer version) is a dialog saying what happened and what to do, and the
    same line on stderr; nothing is opened or changed.
    """
    from gui import folder_lock, preflight
    from gui.ui import crash, single_instance

    data_dir = current.resolved_data_dir()
    if single_instance.already_running(
        data_dir, new_instance=bool(getattr(args, "new_instance", False))
    ):
        return 0
    try:
        folder_lock.hold(data_dir, "desktop app", port=current.port)
    except folder_lock.FolderInUse as exc:
        refuse(
            QApplication.translate("startup", "Gatewatch is already running"),
            QApplication.translate(
                "startup",
                "The data folder {folder} is used by another Gatewatch ({who}).\n\n"
                "Close that one first, or start this one with another data folder "
                "(--data-dir).",
            ).format(folder=exc.folder, who=_holder_words(exc.holder)),
            exc.message(),
        )
        return preflight.EXIT_FOLDER_IN_USE
    refusal = preflight.newer_database(data_dir)
    if refusal:
        refuse(
            QApplication.translate("startup", "Database from a newer Gatewatch"),
            QApplication.translate(
                "startup",
                "The database in {folder} was written by a newer version of Gatewatch, "
                "and this version ({version}) cannot read it. It has been left untouched.\n\n"
                "Install the newer Gatewatch, or start this one with another data folder "
                "(--data-dir).",
            ).format(folder=data_dir, version=_version()),
            refusal,
        )
        return preflight.EXIT_REFUSED
    tls_problem = preflight.tls_problem(current.tls_cert, current.tls_key)
    if tls_problem:
        refuse(
            QApplication.translate("startup", "TLS certificate not usable"),
            QApplication.translate(
                "startup",
                "The API cannot be served over TLS: {why}\n\n"
                "Fix tls_cert / tls_key in the settings (or --tls-cert / --tls-key), "
                "or leave them empty to serve the API to this PC only.",
            ).format(why=tls_problem),
            tls_problem,
        )
        return preflight.EXIT_TLS
    crash.install(logs.log_dir(data_dir))
    app.setWindowIcon(app_icon())
    upgrade_database(data_dir)
    arm_smoke_test(app)
    return None


def prepare_attached(app: QApplication, current: Settings) -> int | None:
    """``prepare`` for a window attached to a remote receiver: no folder lock, no database.

    Several attached windows (and a local receiver) may run side by side.
    """
    from gui.ui import crash

    crash.install(logs.log_dir(current.resolved_data_dir()))
    app.setWindowIcon(app_icon())
    arm_smoke_test(app)
    return None


def trust_attached(current: Settings, server: Any) -> Any:
    """An https ``--connect`` server, pinned on first use (the fingerprint shown, confirmed).

    The stored pin for its ``host:port`` is used as it is (a different
    certificate is then refused by the connection, in words); a certificate an
    authority vouches for needs none. A server not reachable now is left as it
    is: the window opens, says so, and keeps trying. None: the user declined.
    """
    from gui.core.remote_client import RemoteError
    from gui.ui.dialogs.connect_server import decide_pin, probe_certificate

    if not server.secure or server.pinned_sha256:  # --pin, or pinned before
        return server
    stored = dict(current.tls_pins).get(server.where)
    if stored:
        return server.with_pin(stored)
    try:
        verified, presented = probe_certificate(server, None)
    except (RemoteError, OSError) as exc:
        log.warning("could not check the certificate of %s: %s", server.url, exc)
        return server
    return decide_pin(None, current, server, verified, presented)


def _version() -> str:
    from gui import __version__

    return __version__


def _holder_words(holder: dict) -> str:
    parts = [str(holder.get("mode") or "")]
    if holder.get("pid"):
        parts.append(f"pid {holder['pid']}")
    if holder.get("started"):
        parts.append(str(holder["started"]))
    return ", ".join(p for p in parts if p) or "?"


def refuse(title: str, text: str, line: str) -> None:
    """A start that cannot go on: the line to stderr and the log, then a dialog."""
    from gui import preflight

    preflight.say(line)
    log.warning("start refused: %s", line)
    if os.environ.get(SMOKE_TEST_ENV):
        return  # nobody to press OK
    show_refusal(title, text)


def show_refusal(title: str, text: str) -> None:
    """The modal dialog (tests replace this)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
    box.setTextFormat(Qt.TextFormat.PlainText)  # paths are not markup
    box.setWindowIcon(app_icon())
    box.exec()


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        path = icon_path(size)
        if path.exists():
            icon.addFile(str(path))
    return icon


# -- schema upgrade with a visible backup ----------------------------------------------------

#: Whether the database needs the upgrade (and so the backup): the core decides.
needs_upgrade = database_files.needs_upgrade


class _Progress(QObject):
    step = Signal(int, int)


def upgrade_database(data_dir: Path) -> bool:
    """Back up and migrate an old database with a progress dialog; True if it ran.

    The work runs on a worker thread (the backup of a big database takes a while)
    while a local event loop keeps the dialog painted.
    """
    from gui.ui.background import BackgroundWork

    db_path = database_files.database_path(data_dir)
    if not needs_upgrade(db_path):
        return False
    dialog = QProgressDialog(
        QApplication.translate("startup", "Backing up the database before upgrading it…"),
        "",
        0,
        100,
    )
    dialog.setWindowTitle(QApplication.translate("startup", "Upgrading Gatewatch"))
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setAutoClose(False)
    progress = _Progress()
    progress.step.connect(lambda done, total: _show_step(dialog, done, total))
    loop = QEventLoop()
    errors: list[BaseException] = []

    def upgrade() -> None:
        database_files.upgrade(data_dir, progress.step.emit)

    def failed(exc: BaseException) -> None:  # reported below; the receiver will report it too
        errors.append(exc)
        loop.quit()

    dialog.show()
    work = BackgroundWork(None, threads=1)
    work.run(upgrade, lambda _none: loop.quit(), failed)
    loop.exec()
    work.close(wait=True)
    work.deleteLater()
    dialog.close()
    dialog.deleteLater()
    if errors:
        log.error("database upgrade failed: %s", errors[0])
    return not errors


def _show_step(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(max(total, 1))
    dialog.setValue(min(done, max(total, 1)))


# -- CI: quit by itself -------------------------------------------------------------------


#: Timers armed by ``arm_smoke_test`` (kept so tests can stop them).
smoke_timers: list[QTimer] = []


def _single_shot(app: QApplication, ms: int, fn: object) -> QTimer:
    timer = QTimer(app)
    timer.setSingleShot(True)
    timer.timeout.connect(fn)
    timer.start(ms)
    smoke_timers.append(timer)
    return timer


def arm_smoke_test(app: QApplication, seconds: float | None = None) -> bool:
    """With ``GATEWATCH_SMOKE_TEST=N``, close the window after N s as a user would."""
    if seconds is None:
        raw = os.environ.get(SMOKE_TEST_ENV, "")
        try:
            seconds = float(raw) if raw else None
        except ValueError:
            seconds = None
    if not seconds or seconds <= 0:
        return False
    log.info("smoke test: quitting after %.1f s", seconds)

    def finish() -> None:
        log.info("smoke test: time is up, closing")
        for w in app.topLevelWidgets():
            if isinstance(w, QMainWindow):
                w.close()  # the app's own shutdown path: receiver stopped, store closed
        # Still running 10 s later (closing only hid it, or no window): quit outright.
        _single_shot(app, 10_000, app.quit)

    # Counted from when the event loop runs, not from now: a slow start (a
    # loaded CI machine) must not eat the time the window is meant to be up.
    _single_shot(app, 0, lambda: _single_shot(app, int(seconds * 1000), finish))
    return True


def disarm_smoke_test() -> None:
    while smoke_timers:
        smoke_timers.pop().stop()
