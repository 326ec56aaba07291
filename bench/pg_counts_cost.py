"""What the PostgreSQL triggers of schema v7 and v9 cost each stored event.

    python -m bench.pg_counts_cost --pg postgresql://user@host/db [--events 300] [--rounds 3]

Stores ``--events`` sample events (``employee_match``, each its own writer job and
transaction, as real-time pushes arrive) through the real ingest path into a
scratch database on that server, alternately with the counting triggers
(``events_counted_*``: statistics' ``event_counts``; ``events_keep_identity``:
``event_identities``) enabled and disabled, ``--rounds`` times each. It prints the
writer's server process CPU time per event (from ``/proc``: the server must run on
this machine; other programs' load hardly changes it, unlike wall time, printed
beside it) and the rows each way left in ``event_counts``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TRIGGERS = ("events_counted_insert", "events_keep_identity")
PATH = "/EventServer/api/RealTimeEvent"


def _cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _round(store: Any, sample: dict[str, Any], n: int, pid: int, tag: str) -> tuple[float, float]:
    """(server CPU ms, wall ms) per event for ``n`` events, one job each."""
    from gui.core import ingest
    from gui.core.event_rows import Arrival

    cpu, wall = _cpu_ms(pid), time.perf_counter()
    for i in range(n):
        ev = copy.deepcopy(sample)
        ev["identity_id"] = f"{tag}-{i % 50}"
        ev["timestamp"] = 1_700_000_000_000 + i * 37_000
        body = json.dumps(ev).encode()
        received = int(time.time() * 1000)
        prepared = ingest.prepare(ingest.parse_body(body, "application/json", None),
                                  path=PATH, received_at=received)  # fmt: skip
        store.write_sync(ingest.store_job(prepared, Arrival(received, "127.0.0.1", PATH)))
    return (_cpu_ms(pid) - cpu) / n, (time.perf_counter() - wall) * 1000 / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_counts_cost", description=__doc__)
    parser.add_argument("--pg", metavar="URL", required=True, help="postgresql://user@host/db")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    import psycopg

    from gui.core.store import Store

    parts = urlsplit(args.pg)
    name = f"gw_counts_cost_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}"))
    sample = json.loads((ROOT / "assets" / "samples" / "employee_match.json").read_text())
    results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "data", url=url)
            try:
                pid = store.write_sync(lambda c: c.execute("SELECT pg_backend_pid()").fetchone()[0])
                _round(store, sample, 20, pid, "warm")  # the box and camera get known
                for r in range(args.rounds):
                    for enabled in (True, False) if r % 2 == 0 else (False, True):
                        verb = "ENABLE" if enabled else "DISABLE"
                        for trigger in TRIGGERS:
                            store.write_sync(
                                lambda c, t=trigger, v=verb: c.execute(
                                    f"ALTER TABLE events {v} TRIGGER {t}"
                                )
                            )
                        tag = f"r{r}{'on' if enabled else 'off'}"
                        results[enabled].append(_round(store, sample, args.events, pid, tag))
                rows = store.write_sync(
                    lambda c: c.execute("SELECT count(*) FROM event_counts").fetchone()[0]
                )
            finally:
                store.close()
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"{args.events} events x {args.rounds} rounds each way; load {os.getloadavg()[0]:.1f}")
    for enabled in (True, False):
        cpu = statistics.median(c for c, _ in results[enabled])
        wall = statistics.median(w for _, w in results[enabled])
        label = "triggers on " if enabled else "triggers off"
        print(f"{label}: server CPU {cpu:.2f} ms/event (median of rounds), wall {wall:.1f} ms/event"
              f"  rounds: {', '.join(f'{c:.2f}' for c, _ in results[enabled])}")  # fmt: skip
    print(f"event_counts rows after {args.rounds * args.events} counted events: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
