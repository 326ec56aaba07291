"""``gatewatch simulate``: fake boxes streaming realistic traffic to a receiver."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gui.cli import SUBCOMMANDS
from gui.core import sender
from gui.core.simulator import Simulator


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Emit a realistic stream from fake boxes: a mix of person types with photos, "
        "real-time pushes and history batches (sometimes retried), and /DeviceStatus reports."
    )
    p.add_argument("base_url", help="receiver base URL, like http://127.0.0.1:9528")
    p.add_argument("--boxes", type=int, default=2, help="fake boxes (default 2)")
    p.add_argument("--cameras", type=int, default=4, help="cameras per box (default 4)")
    p.add_argument("--rate", type=float, default=2.0, help="events per second in total (default 2)")
    p.add_argument("--duration", type=float, default=None, help="seconds (default: until Ctrl-C)")
    p.add_argument("--shapes", default="1.0",
                   help="comma-separated payload shapes given to the boxes in turn: "
                        "1.0,legacy,2.0 (default 1.0)")  # fmt: skip
    p.add_argument("--health-every", type=float, default=30.0, help="seconds between reports")
    p.add_argument("--self-test", action="store_true", help="mark the traffic as self-test")
    p.add_argument("--seed", type=int, default=None, help="random seed (repeatable streams)")
    p.add_argument("--verbose", action="store_true", help="print every request")


def run(args: argparse.Namespace) -> int:
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    bad = [s for s in shapes if s not in sender.SHAPES]
    if bad or not shapes or args.boxes < 1 or args.cameras < 1 or args.rate <= 0:
        print(
            f"gatewatch simulate: shapes must be among {', '.join(sender.SHAPES)}; boxes, "
            "cameras and rate must be positive",
            file=sys.stderr,
        )
        return 2

    def show(what: str, result: sender.SendResult) -> None:
        if args.verbose or not result.ok:
            print(f"{what}: {result.summary()}", flush=True)

    sim = Simulator(
        args.base_url, boxes=args.boxes, cameras=args.cameras, rate=args.rate,
        duration=args.duration, shapes=shapes, health_every=args.health_every,
        self_test=args.self_test, seed=args.seed, on_result=show,
    )  # fmt: skip
    print(
        f"simulating {args.boxes} box(es) x {args.cameras} camera(s) at {args.rate:g} events/s "
        f"({', '.join(shapes)}) -> {sim.base}",
        flush=True,
    )
    try:
        stats = asyncio.run(sim.run())
    except KeyboardInterrupt:
        stats = sim.stats
    print(stats.line())
    return 1 if stats.failed and stats.failed == stats.requests else (1 if stats.failed else 0)


SUBCOMMANDS["simulate"] = (configure, run)
