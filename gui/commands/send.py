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


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "POST events to a receiver (this one or any other) and print each reply and its "
        "latency. Exits 1 when any post fails."
    )
    p.add_argument("url", help="full URL, or http://host:port (then /EventServer/api/HistoryEvent)")
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--sample", default=None,
        help=f"sample event to send (default employee_match): {', '.join(sender.sample_names())}",
    )  # fmt: skip
    src.add_argument("--file", type=Path, help="JSON file: one event or an array of events")
    p.add_argument(
        "--shape",
        choices=sender.SHAPES,
        default="1.0",
        help="payload shape to convert 1.0 events to (default 1.0)",
    )
    p.add_argument("--batch", type=int, default=1, help="events per request (a JSON array if > 1)")
    p.add_argument("--count", type=int, default=1, help="number of requests (default 1)")
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
    return [sender.load_sample(args.sample or "employee_match")]


def run(args: argparse.Namespace) -> int:
    try:
        events = _events(args)
    except (OSError, ValueError) as exc:
        print(f"gatewatch send: {exc}", file=sys.stderr)
        return 2
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
