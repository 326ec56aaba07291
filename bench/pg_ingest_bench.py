"""Ingest with PostgreSQL from one and from two receivers, against SQLite, in one run.

``python -m bench.pg_ingest_bench`` (or ``./dev.sh bench pg_ingest_bench``) starts
a throwaway PostgreSQL cluster with durable settings (``scripts/pg-cluster.sh
start --durable``: fsync on, synchronous commit) unless ``--pg URL`` names a
server, then measures, round after round so a busy moment of a shared machine
hits every configuration alike:

* ``sqlite`` — one ``gatewatch --headless`` on SQLite (``synchronous=FULL``);
* ``pg-1`` — one receiver with ``--store postgresql://...``;
* ``pg-2`` — two receivers on the same database, the posters split between them
  (boxes split across receivers).

Each gets the same unique ~450 KB events (``bench.ingest_bench.Bodies``) from
``--workers`` keep-alive posters back to back. Reported: events/s acknowledged
(every 200 is a commit), p50/p95 latency, and the CPU the receiver processes
used per second of the window (cores), which is what a receiver PC pays for
storage besides parsing. Every acknowledged event is counted in the database
afterwards: a 200 that did not store is a failure of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.ingest_bench import (
    ROOT,
    Bodies,
    Phase,
    Server,
    free_port,
    machine_busy,
    noisy_scene,
    throughput,
)

CONFIGS = ("sqlite", "pg-1", "pg-2")


def start_cluster() -> tuple[str, str]:
    """A durable throwaway cluster: (url, folder)."""
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "start", "--durable"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"cannot start PostgreSQL: {proc.stderr.strip()}")
    return proc.stdout.strip(), proc.stderr.strip().splitlines()[-1]


def stop_cluster(folder: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "stop", folder],
        capture_output=True, check=False, timeout=60,
    )  # fmt: skip


def new_database(server_url: str) -> str:
    import psycopg

    name = f"gw_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def count_pg(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM events").fetchone()
        return int(row[0]) if row else 0


def count_sqlite(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "gatewatch.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


def receiver(workdir: Path, name: str, store: str | None) -> Server:
    args = [sys.executable, "-m", "gui", "--headless", "--bind", "127.0.0.1",
            "--log-level", "WARNING", "--data-dir", str(workdir / name)]  # fmt: skip
    if store:
        args += ["--store", store]
    server = Server(name, args, "/api/health", env={"GATEWATCH_CONFIG_DIR": str(workdir / "cfg")})
    server.port = free_port()
    server.args += ["--port", str(server.port)]
    return server


@dataclass
class Round:
    phase: Phase
    cores: float  # CPU seconds of the receiver processes per second of the window


@dataclass
class Result:
    rounds: list[Round] = field(default_factory=list)
    acked: int = 0
    stored: int = 0

    @property
    def best(self) -> Round:
        return max(self.rounds, key=lambda r: r.phase.rate)


def _cpu(servers: list[Server]) -> float:
    import psutil

    total = 0.0
    for s in servers:
        assert s.proc is not None
        times = psutil.Process(s.proc.pid).cpu_times()
        total += times.user + times.system
    return total


async def _drive(servers: list[Server], bodies: Bodies, tag: str, args: argparse.Namespace,
                 offset: int) -> Phase:  # fmt: skip
    share = max(1, args.workers // len(servers))
    phases = await asyncio.gather(*(
        throughput(
            s.port, lambda n, i=i: bodies.body(f"{tag}-{i}", offset + n), share,
            args.seconds, args.warmup,
        )
        for i, s in enumerate(servers)
    ))  # fmt: skip
    out = Phase(seconds=args.seconds)
    for p in phases:
        out.events += p.events
        out.errors += p.errors
        out.acked += p.acked
        out.latencies += p.latencies
    return out


def run(args: argparse.Namespace) -> dict[str, Result]:
    bodies = Bodies(noisy_scene())
    print(f"bodies: {bodies.size / 1024:.0f} KiB; {args.workers} posters; "
          f"{args.seconds:.0f} s windows, {args.rounds} rounds", flush=True)  # fmt: skip
    cluster = None
    server_url = args.pg
    if not server_url:
        server_url, cluster = start_cluster()
        print(f"PostgreSQL: throwaway durable cluster in {cluster}", flush=True)
    results = {name: Result() for name in args.only}
    workdir = Path(tempfile.mkdtemp(prefix="gw-pgbench-", dir=args.tmp))
    try:
        stores: dict[str, str | None] = {}
        servers: dict[str, list[Server]] = {}
        for name in args.only:
            stores[name] = None if name == "sqlite" else new_database(server_url)
            count = 2 if name == "pg-2" else 1
            servers[name] = [receiver(workdir, f"{name}-{i}", stores[name]) for i in range(count)]
        for round_no in range(args.rounds):
            for name in args.only:
                group = servers[name]
                for s in group:
                    s.start()
                try:
                    busy = machine_busy()
                    cpu_before, started = _cpu(group), time.monotonic()
                    phase = asyncio.run(_drive(group, bodies, name, args, round_no * 10**6))
                    cores = (_cpu(group) - cpu_before) / (time.monotonic() - started)
                finally:
                    for s in group:
                        s.stop()
                results[name].rounds.append(Round(phase, cores))
                results[name].acked += phase.acked
                print(f"round {round_no + 1} {name:7s} {phase.rate:6.0f} ev/s  "
                      f"p50 {phase.pct(50):5.0f} ms  p95 {phase.pct(95):5.0f} ms  "
                      f"receiver CPU {cores:4.2f} cores  errors {phase.errors}  "
                      f"(others' CPU before: {busy:.0f}%)", flush=True)  # fmt: skip
        for name in args.only:
            store = stores[name]
            results[name].stored = (
                count_sqlite(workdir / f"{name}-0") if store is None else count_pg(store)
            )
    finally:
        if cluster:
            stop_cluster(cluster)
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    return results


def summary(results: dict[str, Result], args: argparse.Namespace) -> None:
    import psutil

    print()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB; Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")  # fmt: skip
    print("| store | best events/s | p50 ms | p95 ms | receiver CPU (cores) | acked | stored |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        b = r.best
        print(f"| {name} | {b.phase.rate:.0f} | {b.phase.pct(50):.0f} | {b.phase.pct(95):.0f} "
              f"| {b.cores:.2f} | {r.acked} | {r.stored} |")  # fmt: skip
    lost = {n: r.acked - r.stored for n, r in results.items() if r.stored < r.acked}
    if lost:
        print(f"ACKNOWLEDGED BUT NOT STORED: {lost}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_ingest_bench", description=__doc__)
    parser.add_argument("--pg", help="a PostgreSQL server URL (default: start a throwaway one)")
    parser.add_argument("--only", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tmp", help="where the SQLite databases go (a real disk, not tmpfs)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    results = run(args)
    summary(results, args)
    return 1 if any(r.stored < r.acked for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
