"""``gatewatch --headless``: the receiver on the main thread's loop, no Qt at all."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from gui import logs
from gui.core.receiver import PortInUse, Receiver, ReceiverConfig
from gui.settings import Settings

log = logging.getLogger(__name__)

EXIT_PORT_IN_USE = 2


def receiver_config(current: Settings) -> ReceiverConfig:
    return ReceiverConfig(
        data_dir=current.resolved_data_dir(),
        port=current.port,
        bind=current.bind,
        allow=list(current.allow),
        api_token=current.api_token or None,
    )


async def serve(receiver: Receiver, stop: asyncio.Event) -> None:
    await receiver.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await receiver.stop()


def run_headless(current: Settings) -> int:
    config = receiver_config(current)
    logs.setup(config.data_dir, current.log_level)
    receiver = Receiver(config)
    # Features that run beside the server register themselves (alarms, retention, ...).
    from gui.core import features

    features.install(receiver, current)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, AttributeError, ValueError):  # Windows
                signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
        try:
            await serve(receiver, stop)
        except PortInUse as exc:
            print(f"gatewatch: {exc.strerror}", file=sys.stderr)
            return EXIT_PORT_IN_USE
        return 0

    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(main())
    return 0
