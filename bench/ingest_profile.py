"""Where the receiver's time per event goes, counted so that two builds can be compared.

Wall-clock rates on a shared machine swing more than the differences between
two builds, so this counts work instead: ``python -m bench.ingest_profile``
starts ``gatewatch --headless`` from each build given (a checkout: the current
one, and e.g. ``--build /tmp/old`` for ``git worktree add /tmp/old f2b7a65``),
posts the same fixed sequence of unique events (one poster, so every writer
batch holds one event), and reports per event:

* Python function calls in every thread of the receiver (cProfile, each thread
  profiled from its start; a run with no events is subtracted, so start-up and
  shutdown do not count), and the functions whose calls differ most between
  builds;
* with ``--callgrind``: instructions executed by the whole process (valgrind
  ``callgrind``, collection switched on once the receiver listens and off before
  it stops) — the one figure that does not depend on what else the machine does.

Bodies: like ``bench.ingest_bench`` (``employee_match.json``, own identity and
timestamp per event, a 1080p noisy scene), from a fixed random seed, so both
builds get byte-identical bodies.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PATH = "/EventServer/api/HistoryEvent"

#: Runs the receiver of the build on ``sys.path[0]`` with every thread profiled.
PROFILED_MAIN = r"""
import atexit, cProfile, marshal, sys, threading
profiles = []
_run = threading.Thread.run
def run(self):
    p = cProfile.Profile()
    p.enable()
    try:
        _run(self)
    finally:
        p.disable()
        profiles.append(p)
threading.Thread.run = run
main_profile = cProfile.Profile()
def dump():
    main_profile.disable()
    merged = {}
    for p in [main_profile, *profiles]:
        p.create_stats()
        for key, (cc, nc, tt, ct, _callers) in p.stats.items():
            old = merged.get(key, (0, 0, 0.0, 0.0))
            merged[key] = (old[0] + cc, old[1] + nc, old[2] + tt, old[3] + ct)
    with open(OUT, "wb") as f:
        marshal.dump(merged, f)
atexit.register(dump)
sys.argv = ["gatewatch", *ARGS]
import runpy
main_profile.enable()
runpy.run_module("gui", run_name="__main__", alter_sys=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_bodies(count: int, seed: int = 7) -> list[bytes]:
    """``count`` unique event bodies, the same for every build (fixed seed)."""
    import base64
    import io
    import random

    from PIL import Image

    sample = json.loads((ROOT / "assets" / "samples" / "employee_match.json").read_text("utf-8"))
    scene = Image.open(io.BytesIO(base64.b64decode(sample["spot_pic"]))).convert("RGB")
    scene = scene.resize((1920, 1080))
    rng = random.Random(seed)
    noise = bytes(rng.getrandbits(8) % 13 for _ in range(1920 * 1080 * 3))
    noisy = Image.frombytes("RGB", (1920, 1080), noise)
    scene = Image.blend(scene, noisy, 0.04)
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=85)
    sample["spot_pic"] = base64.b64encode(out.getvalue()).decode()
    bodies = []
    for n in range(count):
        sample["identity_id"] = f"PROFILE-{n:05d}"
        sample["timestamp"] = 1_700_000_000_000 + n * 1000
        bodies.append(json.dumps(sample, ensure_ascii=False).encode())
    return bodies


def _wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"receiver exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("receiver did not start")


def _post_all(port: int, bodies: list[bytes]) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for body in bodies:
        conn.request("POST", PATH, body, {"Content-Type": "application/json"})
        reply = conn.getresponse()
        reply.read()
        if reply.status != 200:
            raise RuntimeError(f"POST answered {reply.status}")
    conn.close()


def _settle(seconds: float = 2.0) -> None:
    """Thumbnails are made after the reply: let them finish before stopping."""
    time.sleep(seconds)


def profile_run(build: Path, bodies: list[bytes], workdir: Path) -> dict[Any, Any]:
    import marshal

    out = workdir / "profile.marshal"
    port = free_port()
    args = ["--headless", "--bind", "127.0.0.1", "--port", str(port), "--log-level", "WARNING",
            "--data-dir", str(workdir / "data")]  # fmt: skip
    code = f"OUT = {str(out)!r}\nARGS = {args!r}\n" + PROFILED_MAIN
    env = {**os.environ, "PYTHONPATH": str(build), "GATEWATCH_CONFIG_DIR": str(workdir / "cfg")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=build, env=env)
    try:
        _wait_listening(port, proc, 60)
        _post_all(port, bodies)
        _settle()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    with open(out, "rb") as f:
        stats: dict[Any, Any] = marshal.load(f)
    return stats


#: C functions only a thread making thumbnails runs (decoding or encoding pixels):
#: thumbnails wait for idle moments, so how many fall inside the window varies.
THUMBNAIL_MARKERS = ("ImagingJpegDecode", "ImagingJpegEncode", "ImagingResample")


def callgrind_run(build: Path, bodies: list[bytes], workdir: Path) -> tuple[int, int]:
    """Instructions executed by the receiver while it takes ``bodies`` (valgrind callgrind).

    Returns the whole process's count and the count without the threads that made
    thumbnails (each thread is counted apart, ``--separate-threads``).
    """
    port = free_port()
    out = workdir / "callgrind.out"
    env = {**os.environ, "PYTHONPATH": str(build), "GATEWATCH_CONFIG_DIR": str(workdir / "cfg")}
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
           f"--callgrind-out-file={out}",
           sys.executable, "-m", "gui", "--headless", "--bind", "127.0.0.1", "--port", str(port),
           "--log-level", "WARNING", "--data-dir", str(workdir / "data")]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=build, env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc, 600)
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        _post_all(port, bodies)
        _settle(10.0)
        subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(600)
    keep = os.environ.get("INGEST_PROFILE_KEEP")
    total = without_thumbnails = 0
    for part in sorted(workdir.glob(f"{out.name}*")):
        if keep:  # for callgrind_annotate
            shutil.copy(part, Path(keep) / f"{part.name}.{build.name or 'build'}.{os.getpid()}")
        text = part.read_text(errors="replace")
        count = 0
        for line in text.splitlines():
            if line.startswith("summary:") or line.startswith("totals:"):
                count = max(count, int(line.split()[1]))
        total += count
        if not any(marker in text for marker in THUMBNAIL_MARKERS):
            without_thumbnails += count
    return total, without_thumbnails


def _by_function(stats: dict[Any, Any]) -> dict[str, tuple[int, float]]:
    """Calls and own time per function, keyed by a label that is the same in every build."""
    out: dict[str, tuple[int, float]] = {}
    for key, (_cc, nc, tt, _ct) in stats.items():
        filename, _line, name = key
        label = name if filename == "~" else f"{'/'.join(Path(filename).parts[-2:])}({name})"
        calls, own = out.get(label, (0, 0.0))
        out[label] = (calls + nc, own + tt)
    return out


def per_event(
    full: dict[Any, Any], empty: dict[Any, Any], n: int
) -> dict[str, tuple[float, float]]:
    a, b = _by_function(full), _by_function(empty)
    out = {}
    for label, (calls, own) in a.items():
        c0, t0 = b.get(label, (0, 0.0))
        out[label] = ((calls - c0) / n, (own - t0) / n)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile", description=__doc__)
    parser.add_argument("--build", action="append", type=Path,
                        help="a checkout to profile (repeat; default: this one)")  # fmt: skip
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--callgrind", action="store_true", help="count instructions too (slow)")
    parser.add_argument("--callgrind-events", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--json", type=Path, help="write the per-event figures here")
    args = parser.parse_args(argv)
    builds = args.build or [ROOT]
    bodies = make_bodies(args.events)
    print(f"{len(bodies)} bodies of {len(bodies[0]) // 1024} KiB, one poster", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for build in builds:
        name = str(build)
        rev = subprocess.run(["git", "-C", str(build), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="gw-profile-") as tmp:
            empty = profile_run(build, [], Path(tmp) / "empty")
        with tempfile.TemporaryDirectory(prefix="gw-profile-") as tmp:
            full = profile_run(build, bodies, Path(tmp) / "full")
        table = per_event(full, empty, len(bodies))
        calls = sum(c for c, _t in table.values())
        own = sum(t for _c, t in table.values())
        results[name] = {"rev": rev, "calls": calls, "cpu_ms": own * 1000, "table": table}
        print(f"{name} ({rev}): {calls:,.0f} Python calls per event, "
              f"{own * 1000:.2f} ms profiled CPU per event", flush=True)  # fmt: skip
        if args.callgrind:
            n = min(args.callgrind_events, len(bodies))
            with tempfile.TemporaryDirectory(prefix="gw-callgrind-") as tmp:
                instr, bare = callgrind_run(build, bodies[:n], Path(tmp))
            results[name]["instructions"] = instr / n
            results[name]["instructions_without_thumbnails"] = bare / n
            print(f"{name} ({rev}): {instr / n / 1e6:,.1f} M instructions per event, "
                  f"{bare / n / 1e6:,.2f} M without the threads that made thumbnails "
                  f"(callgrind, {n} events)", flush=True)  # fmt: skip
    for name, result in results.items():
        print(f"\n== {name} ({result['rev']}): top {args.top} by calls per event")
        rows = sorted(result["table"].items(), key=lambda kv: -kv[1][0])[: args.top]
        for label, (calls, own) in rows:
            print(f"{calls:10.1f} {own * 1e6:9.0f} us  {label}")
    if len(results) >= 2:
        (_a_name, a), (_b_name, b) = list(results.items())[:2]
        print(f"\n== calls per event, {b['rev']} minus {a['rev']} (largest differences)")
        labels = set(a["table"]) | set(b["table"])
        diffs = []
        for label in labels:
            ca, ta = a["table"].get(label, (0.0, 0.0))
            cb, tb = b["table"].get(label, (0.0, 0.0))
            diffs.append((cb - ca, tb - ta, label))
        for dc, dt, label in sorted(diffs, key=lambda d: -abs(d[0]))[: args.top]:
            print(f"{dc:+10.1f} {dt * 1e6:+9.0f} us  {label}")
    if args.json:
        args.json.write_text(json.dumps(
            {k: {**v, "table": {lbl: list(x) for lbl, x in v["table"].items()}}
             for k, v in results.items()}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
