"""SQL statements the receiver's write connections run per stored event, by statement.

``python -m bench.ingest_statements [--events 40]`` starts the real receiver
(``Receiver`` on its thread, as ``gatewatch --headless`` runs it) on an empty
data dir, posts a few warm-up events (the box, its camera and address are then
known), then ``--events`` unique ``employee_match.json`` events one after the
other, and prints the statements traced on every write connection, per event.
Counts do not depend on the machine's load, except that more events share a
writer batch (one BEGIN/COMMIT) when the writer falls behind.

``--posters N`` posts from N connections at once, as ``ingest_bench`` does (8):
the writer's batches then hold several events, and what is written once per
batch or per request-log flush shows as less than one statement per event. The
writer's transactions per event are printed; they depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PATH = "/EventServer/api/HistoryEvent"


def _post(port: int, event: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", PATH, json.dumps(event).encode(), {"Content-Type": "application/json"})
    reply = conn.getresponse()
    reply.read()
    conn.close()
    if reply.status != 200:
        raise RuntimeError(f"POST answered {reply.status}")


def _shape(sql: str) -> str:
    """The statement without its literal values, so repeats count together."""
    sql = re.sub(r"x'[0-9a-f]*'", "x'…'", " ".join(sql.split()))
    sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)
    return re.sub(r"\b\d+\b", "N", sql)[:110]


def _post_all(port: int, events: list[dict[str, Any]], posters: int) -> None:
    """``events`` from ``posters`` connections at once, each taking the next one."""
    todo = iter(events)
    lock = threading.Lock()
    failed: list[BaseException] = []

    def poster() -> None:
        while True:
            with lock:
                event = next(todo, None)
            if event is None:
                return
            try:
                _post(port, event)
            except BaseException as exc:  # reported after the others finish
                failed.append(exc)
                return

    threads = [threading.Thread(target=poster) for _ in range(posters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise failed[0]


def run(events: int, posters: int = 1) -> tuple[float, list[tuple[str, float]]]:
    from gui.core import store as store_mod
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    counts: collections.Counter[str] = collections.Counter()
    original = store_mod.connect

    def connect(path: Path, *, readonly: bool = False) -> Any:
        conn = original(path, readonly=readonly)
        if not readonly and threading.current_thread() is not threading.main_thread():
            conn.set_trace_callback(lambda sql: counts.update([_shape(sql)]))
        return conn

    store_mod.connect = connect  # type: ignore[assignment]
    try:
        tmp = Path(tempfile.mkdtemp(prefix="gw-statements-"))
        receiver = Receiver(ReceiverConfig(data_dir=tmp / "data", port=0, bind="127.0.0.1"))
        thread = ReceiverThread(receiver)
        thread.start()
        try:
            base = json.loads((ROOT / "assets/samples/employee_match.json").read_text("utf-8"))
            for i in range(5):
                _post(receiver.port, dict(base, timestamp=1_700_000_000_000 + i))
            time.sleep(2.0)  # thumbnails of the warm-up events
            counts.clear()
            _post_all(receiver.port, [
                dict(base, timestamp=1_800_000_000_000 + i, identity_name=f"Statement {i}")
                for i in range(events)
            ], posters)  # fmt: skip
            time.sleep(2.0)
        finally:
            thread.stop()
    finally:
        store_mod.connect = original  # type: ignore[assignment]
    total = sum(counts.values()) / events
    return total, [(sql, n / events) for sql, n in counts.most_common()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_statements", description=__doc__)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--posters", type=int, default=1, help="connections posting at once")
    args = parser.parse_args(argv)
    total, rows = run(args.events, args.posters)
    batches = dict(rows).get("BEGIN IMMEDIATE", 0.0)
    print(f"{total:.1f} statements per event on the write connections ({args.events} events, "
          f"{args.posters} posters, {batches:.2f} writer transactions per event)")
    for sql, n in rows:
        print(f"{n:6.2f}  {sql}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
