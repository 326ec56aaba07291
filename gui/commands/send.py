"""``gatewatch send``: post sample or file events to any receiver and print each reply."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from gui.cli import SUBCOMMANDS
from gui.core import sender

#: ``--sample all``: every bundled sample, one after the other.
ALL_SAMPLES = "all"
DEFAULT = "employee_match"


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "POST events to a receiver (this one or any other) and print each reply and its "
        "latency. Exits 1 when any post fails."
    )
    p.add_argument("url", help="full URL, or http://host:port (then /EventServer/api/HistoryEvent)")
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--sample", default=None, metavar="NAME",
        help=f"bundled sample to send (default employee_match): "
        f"{', '.join(sender.sample_names())}, or {ALL_SAMPLES} for every one in turn",
    )  # fmt: skip
    src.add_argument(
        "--file", type=Path,
        help="JSON file: one event or an array of events, e.g. one saved with "
        "curl http://127.0.0.1:9528/api/events/ID/raw > event.json",
    )  # fmt: skip
    p.add_argument(
        "--shape",
        choices=sender.SHAPES,
        default="1.0",
        help="payload shape to convert 1.0 events to (default 1.0)",
    )
    p.add_argument("--batch", type=int, default=1, help="events per request (a JSON array if > 1)")
    p.add_argument(
        "--count", type=int, default=None,
        help=f"number of requests (default 1; with --sample {ALL_SAMPLES}, enough for each once)",
    )  # fmt: skip
    p.add_argument("--rate", type=float, default=None, help="requests per second (default: fast)")
    p.add_argument(
        "--repeat",
        action="store_true",
        help="send the events exactly as they are (same timestamps: duplicates)",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="mark as self-test (Gatewatch keeps these out of statistics and alarms)",
    )
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    p.add_argument("--quiet", action="store_true", help="print only the summary")  # fmt: skip


def _events(args: argparse.Namespace) -> list[dict[str, Any]]:
    if args.file is not None:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(i, dict) for i in items):
            raise ValueError(f"{args.file}: expected an event object or an array of objects")
        return items
    names = sender.sample_names() if args.sample == ALL_SAMPLES else [args.sample or DEFAULT]
    events: list[dict[str, Any]] = []
    for name in names:
        loaded = sender.load_sample(name)
        events.extend(loaded if isinstance(loaded, list) else [loaded])
    if not events:
        raise ValueError(f"no bundled samples in {sender.SAMPLES_DIR}")
    return events


def _default_count(args: argparse.Namespace, events: list[dict[str, Any]]) -> int:
    if args.count is not None:
        return int(args.count)
    if args.sample == ALL_SAMPLES:
        return -(-len(events) // max(1, args.batch))  # each sample sent once
    return 1


def run(args: argparse.Namespace) -> int:
    try:
        events = _events(args)
    except (OSError, ValueError) as exc:
        print(f"gatewatch send: {exc}", file=sys.stderr)
        return 2
    args.count = _default_count(args, events)
    if args.count < 1 or args.batch < 1:
        print("gatewatch send: --count and --batch must be at least 1", file=sys.stderr)
        return 2
    url = sender.with_path(args.url)
    payloads = sender.build_payloads(
        events, shape=args.shape, count=args.count, batch=args.batch, repeat=args.repeat
    )

    def show(n: int, result: sender.SendResult) -> None:
        if not args.quiet:
            print(f"[{n + 1}/{args.count}] {result.events} event(s) -> {result.summary()}",
                  flush=True)  # fmt: skip

    try:
        results = asyncio.run(
            sender.send_many(
                url, payloads, rate=args.rate, self_test=args.self_test, timeout=args.timeout,
                on_result=show,
            )
        )  # fmt: skip
    except KeyboardInterrupt:
        return 130
    failed = [r for r in results if not r.ok]
    latencies = sorted(r.latency_ms for r in results)
    if latencies:
        median = latencies[len(latencies) // 2]
        print(
            f"{len(results) - len(failed)}/{len(results)} requests ok to {url}; latency median "
            f"{median:.1f} ms, max {latencies[-1]:.1f} ms"
        )
    return 1 if failed else 0


SUBCOMMANDS["send"] = (configure, run)
