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
    p.add_argument(
        "base_url", nargs="?", help="receiver base URL, like http://127.0.0.1:9528 (not with --box)"
    )
    box = p.add_argument_group(
        "box emulator",
        "--box runs one emulated box instead: its API on ports 5555/8888 and the real-time "
        "WebSocket on 5679 of --address; point it at a receiver with `gatewatch box add`",
    )
    box.add_argument("--box", choices=["v5", "v6"], help="firmware family to emulate")
    box.add_argument(
        "--address",
        default="127.0.0.2",
        help="the box's own address (default 127.0.0.2; any 127.x works on Linux)",
    )
    box.add_argument("--password", default="admin", help="the box's API password (default admin)")
    box.add_argument(
        "--stored",
        type=int,
        default=20,
        help="events already in the box's store at start (default 20)",
    )
    box.add_argument(
        "--every",
        type=float,
        default=3.0,
        help="seconds between new events, about (default 3; 0 = none)",
    )
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


def run_box(args: argparse.Namespace) -> int:
    """One emulated box until Ctrl-C (or --duration)."""
    import time

    from gui.core.box.emulator import BoxEmulator

    async def main() -> None:
        box = BoxEmulator(
            args.box, args.address, password=args.password, seed=args.seed,
            generate_every=args.every or None,
        )  # fmt: skip
        await box.start()
        box.generate(args.stored, t=time.time() - 60 * args.stored, step=60,
                     push_realtime=False)  # fmt: skip
        print(
            f"box {args.box} ({box.version}, serial {box.serial}) on {args.address}: "
            f"API :{box.ports['face']} / :{box.ports['system']}, WebSocket :{box.ports['ws']}; "
            f"{len(box.events)} stored events; login admin/{args.password}",
            flush=True,
        )
        try:
            if args.duration:
                await asyncio.sleep(args.duration)
            else:
                await asyncio.Event().wait()
        finally:
            print(
                f"{len(box.events)} events, {box.history_posts} history posts, "
                f"{box.status_posts} reports", flush=True,
            )  # fmt: skip
            await box.stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"gatewatch simulate: cannot bind the box's ports on {args.address}: {exc}",
              file=sys.stderr)  # fmt: skip
        return 2
    return 0


def run(args: argparse.Namespace) -> int:
    if args.box:
        return run_box(args)
    if not args.base_url:
        print("gatewatch simulate: give a receiver URL, or --box v5|v6", file=sys.stderr)
        return 2
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
