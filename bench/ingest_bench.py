"""Ingest speed: the real headless receiver against a ceiling and a vendor-style peer.

``python -m bench.ingest_bench`` (or ``./dev.sh bench ingest_bench``) starts, one
after the other, three servers as separate processes on loopback and drives each
with the same aiohttp client and the same bodies:

* ``receiver`` — ``gatewatch --headless``: parse, normalise, decode, store in
  SQLite with ``synchronous=FULL``; the 200 comes after the commit (durable).
* ``ceiling`` — a bare aiohttp handler that reads the body and answers 200.
* ``vendor`` — a Flask receiver in the style of the vendor's example script:
  threaded dev server, parse the JSON, append it to a file (no fsync).

Each gets a steady phase (an event every 50 ms, open loop: latency is measured
from when the event was due, so a stalled server cannot hide its queue) and a
throughput phase (8 keep-alive posters back to back). Bodies are unique events
like ``employee_match.json`` with a noisy 1080p scene (~300 KB JPEG, ~450 KB body).

The comparison is made round by round: each round runs every server once, one
right after the other, in an order that rotates from round to round (each server
takes each position equally often), and the ratio of the receiver to
the ceiling is taken within each round. The median of those paired ratios is the
figure to judge by; the best round against the best round is printed too (how it
was read before). Each run also reports the CPU the posters and the server used
(is the ceiling the server's, or the posters'?) and, for the receiver, the median
of each phase of its ``Server-Timing`` header (where a reply's time went).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "assets" / "samples" / "employee_match.json"
PATH = "/EventServer/api/HistoryEvent"
_ID = "BENCH-IDENTITY-PLACEHOLDER"
_TS = 1_111_111_111_111


# ------------------------------------------------------------------ payloads


def noisy_scene(sigma: float = 6.0, quality: int = 85) -> bytes:
    """The sample's 1080p scene with sensor-like noise: compresses like a real camera frame."""
    from PIL import Image, ImageChops

    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    scene = Image.open(io.BytesIO(base64.b64decode(sample["spot_pic"]))).convert("RGB")
    if scene.size != (1920, 1080):
        scene = scene.resize((1920, 1080))
    noise = Image.merge("RGB", [Image.effect_noise(scene.size, sigma) for _ in range(3)])
    out = io.BytesIO()
    ImageChops.add(scene, noise, 1.0, -128).save(out, "JPEG", quality=quality)
    return out.getvalue()


class Bodies:
    """Unique event bodies: the sample with its own identity and timestamp per index."""

    def __init__(self, scene: bytes) -> None:
        event = json.loads(SAMPLE.read_text(encoding="utf-8"))
        event["spot_pic"] = base64.b64encode(scene).decode()
        event["identity_id"] = _ID
        event["timestamp"] = _TS
        text = json.dumps(event, ensure_ascii=False).encode()
        head, rest = text.split(_ID.encode())
        middle, tail = rest.split(str(_TS).encode())
        self._parts = (head, middle, tail)
        self.scene_bytes = len(scene)
        self.size = len(self.body("x", 0))

    def body(self, run: str, n: int) -> bytes:
        head, middle, tail = self._parts
        ident = f"{run}-{n:08d}".encode()
        return head + ident + middle + str(1_764_000_000_000 + n).encode() + tail


# ------------------------------------------------------------------ peer servers


def serve_ceiling(port: int, uvloop: bool = False) -> None:
    """The most any aiohttp receiver can do: read the body, answer 200.

    The target's reference is this on asyncio's default loop; ``uvloop`` (the
    ``ceiling-uvloop`` server, when uvloop is installed) shows what that loop
    would do to the reference itself.
    """
    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(
            text='{"code": 0, "message": "SUCCESS"}', content_type="application/json"
        )

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handler)
    loop = None
    if uvloop:
        import uvloop as uv

        loop = uv.new_event_loop()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, loop=loop)


def serve_vendor(port: int, out: Path) -> None:
    """A receiver as the vendor's example script writes one: Flask, threaded, append to a file."""
    from flask import Flask, jsonify, request

    app = Flask("vendor_style")

    @app.route("/EventServer/api/HistoryEvent", methods=["POST"])
    def history_event():  # type: ignore[no-untyped-def]
        data = request.get_json(force=True)
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False) + "\n")
        return jsonify({"code": 0, "message": "SUCCESS"})

    app.run(host="127.0.0.1", port=port, threaded=True)


# ------------------------------------------------------------------ driving them


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    args: list[str]
    ready_path: str
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            self.args, cwd=self.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}{self.ready_path}", timeout=1
                ):
                    return
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error status: it is up
                    return
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


@dataclass
class Phase:
    events: int = 0  # acknowledged inside the measuring window
    errors: int = 0
    acked: int = 0  # every 200, warm-up included
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    #: The server's ``Server-Timing`` phases (ms) of each reply counted (the receiver's).
    timings: list[dict[str, float]] = field(default_factory=list)
    #: CPU used during the window, in cores: the posters (this process) and the server.
    poster_cpu: float = float("nan")
    server_cpu: float = float("nan")
    #: Times the server's main thread (the event loop, for ``--headless`` and the
    #: peers) went to sleep during the window (Linux): waiting in epoll or for the
    #: GIL, which a C call that let go of it must take back from the writer.
    loop_sleeps: float = float("nan")

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def count(
        self,
        sent: float,
        done: float,
        ok: bool,
        begin: float,
        end: float,
        timing: dict[str, float] | None = None,
    ) -> None:
        """One reply of the throughput phase: counted when it came inside [begin, end].

        Replies are counted by when they arrived, whenever their request left: that
        is the server's rate. (Counting only requests both sent and answered inside
        the window left out the ~``workers`` replies in flight at its start: ~0.5 %
        of a receiver's 10 s, ~0.05 % of the ceiling's.)
        """
        self.acked += ok
        if not begin <= done <= end:
            return
        if ok:
            self.events += 1
            self.latencies.append(done - sent)
            if timing:
                self.timings.append(timing)
        else:
            self.errors += 1

    def phase_medians(self) -> dict[str, float]:
        """Median ms of each ``Server-Timing`` phase over the replies counted."""
        names: dict[str, None] = {}
        for timing in self.timings:
            names.update(dict.fromkeys(timing))
        return {name: statistics.median(t.get(name, 0.0) for t in self.timings) for name in names}


async def _post(session: Any, url: str, body: bytes) -> tuple[bool, str]:
    """Whether the reply was a 200, and its ``Server-Timing`` header ("" without)."""
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        await r.read()
        return r.status == 200, r.headers.get("Server-Timing", "")


class CpuMeter:
    """CPU seconds of this process (the posters) and of the server, read at two instants."""

    def __init__(self, server_pid: int | None) -> None:
        self._server = None
        self._status = Path(f"/proc/{server_pid}/task/{server_pid}/status")
        if server_pid is not None:
            import psutil

            with contextlib.suppress(psutil.Error):
                self._server = psutil.Process(server_pid)
        self._start: tuple[float, float, float, float] | None = None
        self.poster = float("nan")
        self.server = float("nan")
        self.loop_sleeps = float("nan")

    def _loop_sleeps(self) -> float:
        """The server's main thread's voluntary context switches so far (nan if unknown)."""
        with contextlib.suppress(OSError, ValueError):
            for line in self._status.read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    return float(line.split()[1])
        return float("nan")

    def _now(self) -> tuple[float, float, float, float]:
        server = float("nan")
        if self._server is not None:
            with contextlib.suppress(Exception):
                times = self._server.cpu_times()
                server = times.user + times.system
        return time.monotonic(), time.process_time(), server, self._loop_sleeps()

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> None:
        if self._start is None:
            return
        wall0, poster0, server0, sleeps0 = self._start
        wall1, poster1, server1, sleeps1 = self._now()
        elapsed = wall1 - wall0
        if elapsed > 0:
            self.poster = (poster1 - poster0) / elapsed
            self.server = (server1 - server0) / elapsed
        self.loop_sleeps = sleeps1 - sleeps0


async def throughput(
    port: int,
    make: Callable[[int], bytes],
    workers: int,
    seconds: float,
    warmup: float,
    server_pid: int | None = None,
) -> Phase:
    """``workers`` keep-alive posters back to back; counts replies inside the window."""
    import aiohttp

    from gui.core.phases import parse_header

    url = f"http://127.0.0.1:{port}{PATH}"
    phase = Phase()
    counter = iter(range(10**9))
    loop = asyncio.get_running_loop()
    begin = loop.time() + warmup
    end = begin + seconds
    meter = CpuMeter(server_pid)
    loop.call_at(begin, meter.start)
    loop.call_at(end, meter.stop)

    async def worker(session: Any) -> None:
        while loop.time() < end:
            body = make(next(counter))
            sent = loop.time()
            ok, timing = await _post(session, url, body)
            phase.count(sent, loop.time(), ok, begin, end, parse_header(timing) if timing else None)

    connector = aiohttp.TCPConnector(limit=workers)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(workers)))
    phase.seconds = seconds
    phase.poster_cpu, phase.server_cpu = meter.poster, meter.server
    phase.loop_sleeps = meter.loop_sleeps
    return phase


async def steady(port: int, make: Callable[[int], bytes], rate: float, seconds: float) -> Phase:
    """Open loop: one event every 1/rate s whatever the replies do; latency from when it was due."""
    import aiohttp

    url = f"http://127.0.0.1:{port}{PATH}"
    phase = Phase(seconds=seconds)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    warmup = int(
        rate
    )  # the first second: first-use costs (imports, caches) are not the steady state

    async def one(n: int, due: float, session: Any) -> None:
        ok, _timing = await _post(session, url, make(n))
        if not ok:
            phase.errors += 1
            return
        phase.acked += 1
        if n >= warmup:
            phase.events += 1
            phase.latencies.append(loop.time() - due)

    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = []
        for n in range(int(rate * (seconds + 1))):
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            tasks.append(asyncio.ensure_future(one(n, due, session)))
        await asyncio.gather(*tasks)
    return phase


def stored_events(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=10) as r:
        return int(json.load(r)["events"])


# ------------------------------------------------------------------ main


def build_servers(workdir: Path, builds: Sequence[Path] = ()) -> dict[str, Server]:
    """The servers, each on a free port; ``builds`` adds a receiver per other checkout.

    Another build's receiver (``receiver@NAME``, NAME its folder's name) runs from
    that checkout's sources with this interpreter and its packages, as
    ``bench.ingest_profile --build`` does: an old build measured in the same
    rounds as the new one.
    """
    py = sys.executable
    me = [py, "-m", "bench.ingest_bench"]

    def receiver(name: str, data: str, build: Path | None) -> Server:
        args = [py, "-m", "gui", "--headless", "--bind", "127.0.0.1"]
        args += ["--log-level", "WARNING", "--data-dir", str(workdir / data)]
        env = {"GATEWATCH_CONFIG_DIR": str(workdir / f"config-{data}")}
        if build is not None:
            env["PYTHONPATH"] = str(build)
        return Server(name, args, "/api/health", env=env, cwd=build or ROOT)

    servers = {
        "receiver": receiver("receiver", "receiver", None),
        "ceiling": Server("ceiling", [*me, "--serve", "ceiling"], "/"),
        "ceiling-uvloop": Server("ceiling-uvloop", [*me, "--serve", "ceiling-uvloop"], "/"),
        "vendor": Server(
            "vendor", [*me, "--serve", "vendor", "--out", str(workdir / "vendor.jsonl")], "/"
        ),
    }
    for n, build in enumerate(builds):
        name = receiver_name(build)
        servers[name] = receiver(name, f"receiver-{n}", build.resolve())
    for server in servers.values():
        server.port = free_port()
        server.args += ["--port", str(server.port)]
    return servers


def receiver_name(build: Path) -> str:
    return f"receiver@{build.resolve().name}"


def is_receiver(name: str) -> bool:
    return name == "receiver" or name.startswith("receiver@")


@dataclass
class Result:
    """One server's figures: the steady phase, and every throughput round."""

    steady: Phase | None = None
    rounds: list[Phase] = field(default_factory=list)
    busy_before: list[float] = field(default_factory=list)
    unstored: int = 0  # acknowledged but not in the database (receiver only; must stay 0)

    @property
    def best(self) -> Phase:
        return max(self.rounds, key=lambda p: p.rate)


def round_order(names: Sequence[str], round_no: int) -> list[str]:
    """The servers' order in round ``round_no``: rotated by one each round.

    Over ``len(names)`` rounds each server runs once in each position: none is
    always the first (on a machine fresh from idle) or always the last.
    """
    shift = round_no % len(names) if names else 0
    return [*names[shift:], *names[:shift]]


def paired_ratios(results: dict[str, Result], num: str, den: str) -> list[float]:
    """``num``'s rate over ``den``'s, round by round (the two ran minutes apart at most)."""
    return [
        a.rate / b.rate
        for a, b in zip(results[num].rounds, results[den].rounds, strict=False)
        if b.rate > 0
    ]


def machine_busy() -> float:
    """CPU use of everything else over one second: this VM is shared, figures need context."""
    import psutil

    return psutil.cpu_percent(interval=1.0)


def run(args: argparse.Namespace) -> dict[str, Result]:
    scene = noisy_scene()
    bodies = Bodies(scene)
    print(
        f"bodies: {bodies.size / 1024:.0f} KiB (scene JPEG {bodies.scene_bytes / 1024:.0f} KiB); "
        f"{args.workers} posters, {args.seconds:.0f} s per throughput run, "
        f"{args.rounds} rounds; Python {platform.python_version()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    names = [*args.only, *(receiver_name(b) for b in args.build)]
    results = {name: Result() for name in names}
    for round_no in range(args.rounds):
        for name in round_order(names, round_no):
            workdir = Path(tempfile.mkdtemp(prefix="gatewatch-bench-", dir=args.tmp))
            try:
                server = build_servers(workdir, args.build)[name]
                result = results[name]
                result.busy_before.append(machine_busy())
                server.start()
                acked = 0
                try:
                    tag = f"{name}-{round_no}"
                    if round_no == 0 and args.steady_seconds:
                        result.steady = asyncio.run(
                            steady(
                                server.port, lambda n, t=tag: bodies.body(t + "s", n),
                                args.rate, args.steady_seconds,
                            )
                        )  # fmt: skip
                        acked += result.steady.acked
                    assert server.proc is not None
                    load = asyncio.run(
                        throughput(
                            server.port, lambda n, t=tag: bodies.body(t + "t", n),
                            args.workers, args.seconds, args.warmup, server.proc.pid,
                        )
                    )  # fmt: skip
                    acked += load.acked
                    result.rounds.append(load)
                    if is_receiver(name):
                        result.unstored += max(0, acked - stored_events(server.port))
                finally:
                    server.stop()
                print(f"  round {round_no + 1}: {describe(name, result, load)}", flush=True)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    return results


def describe(name: str, result: Result, load: Phase) -> str:
    line = (
        f"{name:9s} {load.rate:6.0f} events/s  p50 {load.pct(50):6.1f} ms  "
        f"p99 {load.pct(99):6.1f} ms  errors {load.errors}  "
        f"cores: posters {load.poster_cpu:.2f}, server {load.server_cpu:.2f}  "
        f"(machine {result.busy_before[-1]:.0f}% busy before)"
    )
    if load.events and load.loop_sleeps == load.loop_sleeps:  # not nan
        per_event = load.loop_sleeps / load.events
        line += f"\n             loop thread slept {per_event:.1f} times per event"
    medians = load.phase_medians()
    if medians:
        line += "\n             phases, median ms: " + ", ".join(
            f"{phase} {ms:.1f}" for phase, ms in medians.items()
        )
    return line


def _spread(values: Sequence[float], fmt: str) -> str:
    """``median (min-max)`` of the values, each formatted with ``fmt``."""
    if not values:
        return "n/a"
    middle = format(statistics.median(values), fmt)
    return f"{middle} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def summary(results: dict[str, Result], args: argparse.Namespace) -> None:
    print("\nbest round of each (events/s with p50/p99 reply latency under 8 posters):")
    for name, result in results.items():
        best = result.best
        rates = ", ".join(f"{p.rate:.0f}" for p in result.rounds)
        print(
            f"  {name:9s} {best.rate:6.0f} events/s  p50 {best.pct(50):6.1f} ms  "
            f"p99 {best.pct(99):6.1f} ms   (rounds: {rates})"
        )
    print(f"steady {args.rate:g} events/s for {args.steady_seconds:g} s, open loop:")
    for name, result in results.items():
        st = result.steady
        if st is not None:
            print(
                f"  {name:9s} p50 {st.pct(50):6.1f} ms  p99 {st.pct(99):6.1f} ms  "
                f"max {st.pct(100):6.1f} ms  ({st.events} events, {st.errors} errors)"
            )
    for name, result in results.items():
        if is_receiver(name):
            print(f"{name}: acknowledged but not stored: {result.unstored}")
    for name in results:
        if not is_receiver(name):
            continue
        peers = [("ceiling", ".1%", ""), ("ceiling-uvloop", ".1%", ""), ("vendor", ".2f", "x")]
        if name == "receiver":
            peers += [(other, ".2f", "x") for other in results if other.startswith("receiver@")]
        for peer, fmt, unit in peers:
            if peer not in results:
                continue
            paired = paired_ratios(results, name, peer)
            best = results[name].best.rate / results[peer].best.rate
            rounds = ", ".join(format(r, fmt) + unit for r in paired)
            print(
                f"{name} / {peer}: median of paired rounds {_spread(paired, fmt)}{unit} "
                f"(rounds: {rounds}); best against best {format(best, fmt)}{unit}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__)
    parser.add_argument(
        "--serve", choices=["ceiling", "ceiling-uvloop", "vendor"], help=argparse.SUPPRESS
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="+", default=["ceiling", "vendor", "receiver"])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput window")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=20.0, help="steady phase events/s")
    parser.add_argument("--steady-seconds", type=float, default=15.0)
    parser.add_argument(
        "--rounds", type=int, default=5,
        help="throughput rounds; every server runs once per round, ratios are paired by round",
    )  # fmt: skip
    parser.add_argument(
        "--build", type=Path, action="append", default=[],
        help="another checkout whose receiver runs in the same rounds (e.g. an old build)",
    )  # fmt: skip
    parser.add_argument("--tmp", help="where the databases go (must be a real disk, not tmpfs)")
    args = parser.parse_args(argv)
    if args.serve in ("ceiling", "ceiling-uvloop"):
        serve_ceiling(args.port, uvloop=args.serve == "ceiling-uvloop")
        return 0
    if args.serve == "vendor":
        with contextlib.suppress(KeyboardInterrupt):
            serve_vendor(args.port, args.out)
        return 0
    summary(run(args), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
