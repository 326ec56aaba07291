"""Smoke-test Gatewatch installed from its wheel, as a user who has no checkout.

``.ci/wheel-smoke`` builds the wheel, installs it into a fresh venv in a
temporary folder and runs this with that venv's Python, from that folder:

1. the package and its assets come from the venv, not the checkout;
2. ``gatewatch --version``;
3. a ``--headless`` receiver started from the install; ``gatewatch send
   --sample stranger`` and ``--sample all`` reach it and are stored;
4. ``gatewatch simulate`` for a few seconds adds events;
5. the Chinese translation loads, the icon and the alarm sound are found;
6. the desktop app runs offscreen for a few seconds and exits 0 with a clean log.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SIMULATE_S = 3
GUI_SECONDS = 4
passed: list[str] = []


def fail(message: str) -> None:
    print(f"wheel-smoke: FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


def ok(what: str) -> None:
    passed.append(what)
    print(f"wheel-smoke: ok: {what}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def run(cmd: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        fail(f"{' '.join(cmd)} -> exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def python_check(venv: Path, env: dict[str, str], code: str) -> str:
    return run([str(venv / "bin" / "python"), "-c", code], env).stdout.strip()


def installed_from_the_venv(venv: Path, checkout: Path, env: dict[str, str]) -> None:
    where = json.loads(python_check(venv, env, (
        "import json, gui, gui.resources as r;"
        "print(json.dumps([gui.__file__, str(r.assets_dir())]))"
    )))  # fmt: skip
    for path in where:
        if not Path(path).resolve().is_relative_to(venv.resolve()):
            fail(f"{path} is not inside the fresh venv {venv}")
        if Path(path).resolve().is_relative_to(checkout.resolve()):
            fail(f"{path} comes from the checkout")
    ok(f"package and assets from the venv ({where[1]})")


def version(gatewatch: str, env: dict[str, str]) -> None:
    out = run([gatewatch, "--version"], env).stdout.strip()
    if not out.startswith("gatewatch "):
        fail(f"--version printed {out!r}")
    ok(f"--version: {out}")


def receiver_round_trip(gatewatch: str, env: dict[str, str], tmp: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tmp / "data"
    proc = subprocess.Popen(
        [gatewatch, "--headless", "--port", str(port), "--bind", "127.0.0.1",
         "--data-dir", str(data_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        started = time.monotonic()
        while True:
            if proc.poll() is not None:
                fail(f"headless exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                get_json(f"{base}/api/health")
                break
            except OSError:
                if time.monotonic() - started > 30:
                    fail("headless never answered /api/health")
                time.sleep(0.1)
        ok("headless receiver started from the install")

        out = run([gatewatch, "send", base, "--sample", "stranger"], env).stdout
        events = get_json(f"{base}/api/events?limit=100")["events"]
        if len(events) != 1 or events[0].get("person_type") != 4:
            fail(f"send --sample stranger stored {events!r:.300}\n{out}")
        ok("send --sample stranger stored one stranger")

        run([gatewatch, "send", base, "--sample", "all", "--quiet"], env)
        after_all = get_json(f"{base}/api/health")["events"]
        if after_all <= 1:
            fail(f"send --sample all stored nothing ({after_all} events)")
        ok(f"send --sample all ({after_all} events stored)")

        done = run(
            [gatewatch, "simulate", base, "--duration", str(SIMULATE_S), "--rate", "5"],
            env, timeout=SIMULATE_S + 30,
        )  # fmt: skip
        after_sim = get_json(f"{base}/api/health")["events"]
        if after_sim <= after_all:
            fail(f"simulate added no events\n{done.stdout}\n{done.stderr}")
        ok(f"simulate for {SIMULATE_S} s added {after_sim - after_all} events")

        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
        output = proc.stdout.read()
        if code != 0 or "Traceback" in output:
            fail(f"headless exit {code} after SIGTERM:\n{output}")
        ok("headless stopped cleanly")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


QT_CHECK = """
import json
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.resources import asset_path
from gui.ui import i18n, startup
from gui.ui.sound import QtPlayer
i18n.install("zh_CN")
sound = asset_path("sounds", "alarm.wav")
player = QtPlayer()
print(json.dumps({
    "history": QCoreApplication.translate("", "History"),
    "translators": len(i18n._installed),
    "icon_sizes": sorted(s.width() for s in startup.app_icon().availableSizes()),
    "sound": str(sound),
    "sound_bytes": sound.stat().st_size if sound.is_file() else 0,
    "player_source": player._effect.source().toLocalFile() if player._effect else "",
}))
"""


def desktop_assets(venv: Path, env: dict[str, str]) -> None:
    qt_env = dict(env, QT_QPA_PLATFORM="offscreen")
    found = json.loads(python_check(venv, qt_env, QT_CHECK).splitlines()[-1])
    if found["history"] != "历史" or not found["translators"]:
        fail(f"the Chinese translation did not load: {found}")
    ok("Chinese translation loads (History -> 历史)")
    if not {16, 32, 256} <= set(found["icon_sizes"]):
        fail(f"app icon sizes {found['icon_sizes']}")
    ok(f"app icon found ({len(found['icon_sizes'])} sizes)")
    if found["sound_bytes"] < 1000 or found["player_source"] != found["sound"]:
        fail(f"alarm sound not found: {found}")
    ok(f"alarm sound found ({found['sound_bytes']} bytes)")


def desktop_runs(gatewatch: str, env: dict[str, str], tmp: Path) -> None:
    data_dir = tmp / "gui-data"
    gui_env = dict(env, QT_QPA_PLATFORM="offscreen", GATEWATCH_SMOKE_TEST=str(GUI_SECONDS))
    done = subprocess.run(
        [gatewatch, "--port", str(free_port()), "--bind", "127.0.0.1",
         "--data-dir", str(data_dir)],
        env=gui_env, capture_output=True, text=True, timeout=GUI_SECONDS + 40,
    )  # fmt: skip
    log = (data_dir / "logs" / "gatewatch.log").read_text("utf-8", errors="replace")
    bad = [line for line in (log + done.stderr).splitlines()
           if " ERROR " in line or "Traceback" in line]  # fmt: skip
    if done.returncode != 0 or bad:
        fail(f"desktop app exit {done.returncode}:\n" + "\n".join(bad) + done.stderr[-3000:])
    ok(f"desktop app ran {GUI_SECONDS} s offscreen and exited 0")


def main() -> int:
    venv = Path(sys.argv[1])
    checkout = Path(sys.argv[2])
    gatewatch = str(venv / "bin" / "gatewatch")
    with tempfile.TemporaryDirectory(prefix="gatewatch-wheel-run-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QT_QPA_PLATFORM")}
        env["GATEWATCH_CONFIG_DIR"] = str(tmp / "config")
        installed_from_the_venv(venv, checkout, env)
        version(gatewatch, env)
        receiver_round_trip(gatewatch, env, tmp)
        desktop_assets(venv, env)
        desktop_runs(gatewatch, env, tmp)
    print(f"wheel-smoke: {len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
