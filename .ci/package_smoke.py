"""Smoke-test the built one-folder app: what a user double-clicks must work.

``.ci/package-smoke`` builds ``dist/gatewatch`` and runs this with the venv's
Python. The binary is exercised from outside, over HTTP, like a box would:

1. ``--headless`` on a free port: health, every sample posted, read back through
   the API, an overlay image checked, SIGTERM -> exit 0 within 3 s.
2. With a PostgreSQL server (``GATEWATCH_TEST_PG``; ``.ci/package-smoke`` starts a
   throwaway one when PostgreSQL is installed): ``--headless --store`` stores one
   posted event there, read back through the API and from the database.
3. ``tls self-signed`` makes a certificate and key (with the standard library)
   that ``--headless --tls-cert/--tls-key`` serves the API over TLS with, verified
   by a client trusting only that certificate.
4. The desktop build under ``QT_QPA_PLATFORM=offscreen`` for a few seconds
   (``GATEWATCH_SMOKE_TEST`` makes it quit by itself): a blacklist event posted
   raises an alarm whose sound plays or is skipped with its warning (no audio
   device); exit 0, no error in its log.
"""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "assets" / "samples"
STOP_LIMIT_S = 3.0
GUI_SECONDS = 8


def fail(message: str) -> None:
    print(f"package-smoke: FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes, str]:
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def isolated_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["GATEWATCH_CONFIG_DIR"] = str(tmp / "config")
    env.pop("QT_QPA_PLATFORM", None)
    return env


def log_problems(data_dir: Path) -> list[str]:
    log = data_dir / "logs" / "gatewatch.log"
    if not log.exists():
        return [f"no log file at {log}"]
    lines = log.read_text("utf-8", errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line or "Traceback" in line]


def start_headless(
    binary: Path, tmp: Path, port: int, args: list[str], label: str, limit_s: float
) -> tuple[subprocess.Popen[bytes], bytes]:
    """Start ``binary --headless ARGS`` and wait for its first ``/api/health`` answer (its body)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(binary), "--headless", "--port", str(port), "--bind", "127.0.0.1", *args],
        env=isolated_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                fail(f"{label} exited early with {proc.returncode}:\n{out}")
            try:
                status, body, _ = http("GET", f"http://127.0.0.1:{port}/api/health")
                if status == 200:
                    return proc, body
            except OSError:
                pass
            if time.monotonic() - started > limit_s:
                fail(f"{label} never answered /api/health")
            time.sleep(0.05)
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def headless(binary: Path, tmp: Path) -> None:
    port = free_port()
    data_dir = tmp / "headless-data"
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc, body = start_headless(binary, tmp, port, ["--data-dir", str(data_dir)], "headless", 30)
    try:
        ready_s = time.monotonic() - started
        health = json.loads(body)
        print(f"package-smoke: headless listening after {ready_s:.2f} s, health {health}")

        posted: list[tuple[str, dict[str, Any]]] = []
        for sample in sorted(SAMPLES.glob("*.json")):
            payload = sample.read_bytes()
            status, reply, _ = http("POST", f"{base}/EventServer/api/HistoryEvent", payload)
            if status != 200:
                fail(f"POST {sample.name}: HTTP {status} {reply[:300]!r}")
            posted.append((sample.name, json.loads(payload)))
        print(f"package-smoke: posted {len(posted)} samples")

        status, body, _ = http("GET", f"{base}/api/events?limit=100")
        if status != 200:
            fail(f"GET /api/events: HTTP {status}")
        events = json.loads(body)["events"]
        checked_overlay = 0
        for name, sample in posted:
            items = sample if isinstance(sample, list) else [sample]
            for item in items:
                match = [
                    e for e in events
                    if str(e.get("identity_id")) == str(item.get("identity_id"))
                    and e.get("timestamp") == item.get("timestamp")
                ]  # fmt: skip
                if not match:
                    fail(f"{name}: not found in /api/events")
                event = match[0]
                if not item.get("spot_pic"):
                    continue
                expected = Image.open(io.BytesIO(base64.b64decode(item["spot_pic"]))).size
                status, data, ctype = http(
                    "GET", f"{base}/api/events/{event['id']}/images/spot_pic?overlay=1"
                )
                if status != 200 or not data.startswith(b"\xff\xd8") or "jpeg" not in ctype:
                    fail(f"{name}: overlay is not a JPEG (HTTP {status}, {ctype})")
                got = Image.open(io.BytesIO(data))
                if got.format != "JPEG" or got.size != expected:
                    fail(f"{name}: overlay {got.format} {got.size}, expected JPEG {expected}")
                checked_overlay += 1
        if not checked_overlay:
            fail("no sample had a scene photo to check the overlay on")
        print(f"package-smoke: {len(events)} events read back, {checked_overlay} overlays OK")

        proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        try:
            code = proc.wait(timeout=STOP_LIMIT_S)
        except subprocess.TimeoutExpired:
            fail(f"headless still running {STOP_LIMIT_S} s after SIGTERM")
        print(f"package-smoke: SIGTERM -> exit {code} in {time.monotonic() - t0:.2f} s")
        if code != 0:
            fail(f"headless exit code {code} after SIGTERM")
        problems = log_problems(data_dir)
        if problems:
            fail("headless log has errors:\n" + "\n".join(problems[:20]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def desktop(binary: Path, tmp: Path) -> None:
    """The window up offscreen; a blacklist event raises an alarm and its sound is played,
    or skipped with the one warning when there is no audio device (Qt Multimedia must load)."""
    data_dir = tmp / "gui-data"
    env = isolated_env(tmp)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["GATEWATCH_SMOKE_TEST"] = str(GUI_SECONDS)
    port = free_port()
    cmd = [str(binary), "--port", str(port), "--bind", "127.0.0.1",
           "--data-dir", str(data_dir), "--new-instance"]  # fmt: skip
    out_path = tmp / "gui-output.txt"
    with out_path.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            while True:
                try:
                    if http("GET", f"{base}/api/health")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() - started > GUI_SECONDS:
                    fail("the desktop app never answered /api/health while its window was up")
                time.sleep(0.05)
            status, reply, _ = http(
                "POST",
                f"{base}/EventServer/api/HistoryEvent",
                (SAMPLES / "blacklist.json").read_bytes(),
            )
            if status != 200:
                fail(f"desktop app: POST blacklist.json: HTTP {status} {reply[:300]!r}")
            status, body, _ = http("GET", f"{base}/api/alarms?state=open")
            alarms = json.loads(body).get("alarms", []) if status == 200 else []
            if not alarms:
                fail(f"desktop app: no open alarm after a blacklist event (HTTP {status})")
            code = proc.wait(timeout=GUI_SECONDS + 30)
        except subprocess.TimeoutExpired:
            fail(f"the desktop app did not quit by itself within {GUI_SECONDS + 30} s")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = out_path.read_text("utf-8", errors="replace")
    if code != 0:
        fail(f"desktop app exit code {code}:\n{output[-4000:]}")
    problems = log_problems(data_dir)
    problems += [line for line in output.splitlines() if "Traceback" in line or " ERROR " in line]
    if problems:
        fail("desktop app logged errors:\n" + "\n".join(problems[:20]) + "\n" + output[-3000:])
    log_text = (data_dir / "logs" / "gatewatch.log").read_text("utf-8", errors="replace")
    silent = [line for line in log_text.splitlines() if "shown but not heard" in line]
    if any("Qt Multimedia is not available" in line for line in silent):
        fail("desktop app: the build cannot play sounds: " + silent[0])
    sound = silent[0].split("not heard: ", 1)[-1] if silent else "played"
    print(f"package-smoke: desktop app ran {GUI_SECONDS} s offscreen, raised {len(alarms)} "
          f"alarm(s) (sound: {sound}) and exited 0")  # fmt: skip


def bundled_assets(binary: Path) -> None:
    """Everything under assets/ that the program loads at run time is in the bundle."""
    internal = binary.parent / "_internal"
    root = internal if internal.is_dir() else binary.parent
    for pattern in ("i18n/*.qm", "sounds/*.wav", "samples/*.json", "icons/*.png", "icons/*.ico"):
        if any((ROOT / "assets").glob(pattern)) and not any((root / "assets").glob(pattern)):
            fail(f"assets/{pattern} is missing from the build")
    print("package-smoke: translations, sounds, samples and icons are bundled")


def tls_self_signed(binary: Path, tmp: Path) -> None:
    """``tls self-signed`` makes a pair the frozen app serves its API with over TLS.

    A client that trusts only that certificate verifies its signature and name, and
    the fingerprint printed is the one served.
    """
    import hashlib
    import ssl

    folder = tmp / "tls"
    made = subprocess.run(
        [str(binary), "tls", "self-signed", "--name", "127.0.0.1", "--name", "localhost",
         "--out", str(folder)],
        env=isolated_env(tmp), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        fail(f"tls self-signed: exit {made.returncode}\n{made.stdout}{made.stderr}")
    cert, key = folder / "gatewatch.crt", folder / "gatewatch.key"
    if not cert.is_file() or not key.is_file():
        fail(f"tls self-signed wrote no gatewatch.crt / gatewatch.key in {folder}")
    if sys.platform != "win32" and key.stat().st_mode & 0o077:
        fail(f"tls self-signed: the key is readable by others ({oct(key.stat().st_mode)})")
    port, tls_port = free_port(), free_port()
    proc, _health = start_headless(
        binary, tmp, port,
        ["--data-dir", str(tmp / "tls-data"), "--tls-port", str(tls_port),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        "headless --tls-cert", 30,
    )  # fmt: skip
    try:
        context = ssl.create_default_context(cafile=str(cert))
        request = urllib.request.Request(f"https://127.0.0.1:{tls_port}/api/health")
        with urllib.request.urlopen(request, timeout=10, context=context) as resp:
            if resp.status != 200:
                fail(f"GET /api/health over TLS: HTTP {resp.status}")
        served = ssl.get_server_certificate(("127.0.0.1", tls_port))
        pin = hashlib.sha256(ssl.PEM_cert_to_DER_cert(served)).hexdigest()
        if f"sha256:{pin}" not in made.stdout:
            fail(f"tls self-signed printed another fingerprint than the one served:\n{made.stdout}")
        print("package-smoke: tls self-signed: the API served over TLS with it, verified")
        proc.send_signal(signal.SIGTERM)
        if proc.wait(timeout=STOP_LIMIT_S) != 0:
            fail("headless --tls-cert: non-zero exit after SIGTERM")
    except subprocess.TimeoutExpired:
        fail(f"headless --tls-cert still running {STOP_LIMIT_S} s after SIGTERM")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def headless_postgresql(binary: Path, tmp: Path, url: str) -> None:
    """``--headless --store postgresql://...``: psycopg and its C library work frozen.

    One sample posted is stored in the database (read back through the API and
    straight from PostgreSQL), and SIGTERM ends it cleanly.
    """
    import psycopg

    port = free_port()
    data_dir = tmp / "headless-pg-data"
    base = f"http://127.0.0.1:{port}"
    sample = json.loads((SAMPLES / "employee_match.json").read_text("utf-8"))
    sample["timestamp"] = int(time.time() * 1000)  # its own event, whatever the database holds
    sample["identity_id"] = f"smoke-{time.time_ns()}"
    started = time.monotonic()
    proc, _health = start_headless(
        binary, tmp, port, ["--data-dir", str(data_dir), "--store", url], "headless --store", 60
    )
    try:
        print(f"package-smoke: headless --store postgresql listening after "
              f"{time.monotonic() - started:.2f} s")  # fmt: skip
        status, reply, _ = http(
            "POST", f"{base}/EventServer/api/HistoryEvent", json.dumps(sample).encode()
        )
        if status != 200 or json.loads(reply)["events"][0]["result"] != "new":
            fail(f"POST to the PostgreSQL store: HTTP {status} {reply[:300]!r}")
        status, body, _ = http("GET", f"{base}/api/events?limit=20")
        ids = [e.get("identity_id") for e in json.loads(body)["events"]] if status == 200 else []
        if sample["identity_id"] not in ids:
            fail(f"the posted event is not in /api/events (HTTP {status})")
        with psycopg.connect(url) as db:
            stored = db.execute(
                "SELECT count(*) FROM events WHERE identity_id = %s", (sample["identity_id"],)
            ).fetchone()
        if not stored or stored[0] != 1:
            fail(f"the posted event is in PostgreSQL {stored} times, not once")
        print("package-smoke: one event stored in PostgreSQL and read back")
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_LIMIT_S)
        except subprocess.TimeoutExpired:
            fail(f"headless --store still running {STOP_LIMIT_S} s after SIGTERM")
        if code != 0:
            fail(f"headless --store exit code {code} after SIGTERM")
        problems = log_problems(data_dir)
        if problems:
            fail("headless --store log has errors:\n" + "\n".join(problems[:20]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main() -> int:
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "gatewatch" / "gatewatch")
    if not binary.exists():
        fail(f"{binary} does not exist (build first)")
    with tempfile.TemporaryDirectory(prefix="gatewatch-smoke-") as name:
        tmp = Path(name)
        status = subprocess.run([str(binary), "--version"], capture_output=True, check=False)
        print(f"package-smoke: {status.stdout.decode().strip()}")
        if status.returncode != 0 or not status.stdout.startswith(b"gatewatch "):
            fail(f"--version: exit {status.returncode}")
        bundled_assets(binary)
        headless(binary, tmp)
        tls_self_signed(binary, tmp)
        groups = 5
        pg_url = os.environ.get("GATEWATCH_TEST_PG", "").strip()
        if pg_url:
            headless_postgresql(binary, tmp, pg_url)
            groups += 1
        elif os.environ.get("GATEWATCH_REQUIRE_PG"):
            fail("GATEWATCH_REQUIRE_PG is set but no PostgreSQL server (GATEWATCH_TEST_PG)")
        else:
            print("package-smoke: no PostgreSQL server (GATEWATCH_TEST_PG): --store not tried")
        desktop(binary, tmp)
    # Any failure above exits 1 at once, so reaching here means every group passed:
    # --version, bundled assets, headless round trip, TLS with a self-signed
    # certificate, (PostgreSQL store,) desktop.
    print(f"package-smoke: {groups} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
