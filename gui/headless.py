"""``gatewatch --headless``: the receiver on the main thread's loop, no Qt at all."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import logging
import os
import signal
import sys
from typing import NoReturn

from gui import folder_lock, logs, preflight
from gui.core.dbapi import redact_url
from gui.core.receiver import PortInUse, Receiver, ReceiverConfig
from gui.core.schema import NewerDatabase
from gui.core.store import DB_FILENAME, database_errors
from gui.settings import Settings

log = logging.getLogger(__name__)

EXIT_PORT_IN_USE = 2


def set_startup_heap_aside() -> int:
    """Exclude everything alive once the receiver is up from later full collections.

    A full collection walks every tracked object, most of them made at startup
    (modules, classes, functions: tens of thousands), while holding the GIL: on a
    2-core PC tens of ms during which no request moves, several times a minute
    under large uploads. Frozen objects are still freed by reference counting.
    The desktop app does the same once its window is up (``gui.ui.gui_gc``).
    """
    gc.freeze()
    return gc.get_freeze_count()


def receiver_config(current: Settings) -> ReceiverConfig:
    return ReceiverConfig(
        data_dir=current.resolved_data_dir(),
        port=current.port,
        bind=current.bind,
        allow=list(current.allow),
        api_token=current.api_token or None,
        api_hosts=list(current.api_hosts),
        tls_cert=current.tls_cert or None,
        tls_key=current.tls_key or None,
        tls_port=current.tls_port,
        store=current.store if current.store.strip().lower() not in ("", "sqlite") else None,
    )


async def serve(receiver: Receiver, stop: asyncio.Event) -> None:
    """Listen until ``stop``; a PostgreSQL server down at start may be waited for.

    A store this data folder's receiver has opened before (the server is
    restarting, or the PC booted faster than it) is retried with backoff, each
    attempt logged; boxes get "connection refused" meanwhile and retry. A store
    never reached yet (likely a wrong host or port), a refused password or a
    missing database end the start at once: exit 7, one line on stderr.
    """
    from gui.core.receiver import start_when_store_reachable
    from gui.core.store import store_reached_before

    config = receiver.config
    if config.store and store_reached_before(config.data_dir, config.store):
        if not await start_when_store_reachable(receiver, stop):
            return
    else:
        await receiver.start()
    log.debug("startup heap set aside from collection: %d objects", set_startup_heap_aside())
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await receiver.stop()


def run_headless(current: Settings) -> int:
    """The receiver until SIGINT/SIGTERM; a refused start is one line on stderr and its code."""
    config = receiver_config(current)
    try:
        lock = folder_lock.hold(config.data_dir, "headless", port=config.port)
    except folder_lock.FolderInUse as exc:
        preflight.say(exc.message())
        return preflight.EXIT_FOLDER_IN_USE
    except OSError as exc:
        preflight.say(f"cannot use the data folder {config.data_dir}: {exc.strerror or exc}")
        return preflight.EXIT_DATA_DIR
    try:
        refusal = None if config.store else preflight.newer_database(config.data_dir)
        if refusal:
            preflight.say(refusal)
            return preflight.EXIT_REFUSED
        logs.setup(config.data_dir, current.log_level)
        code = _serve_until_stopped(config, current)
    finally:
        lock.release()
    if code == 0:
        _exit_now(code)
    return code


def _exit_now(code: int) -> NoReturn:
    """End the process once the receiver has stopped cleanly, skipping the interpreter's
    teardown of every module and object (0.5-1 s on a busy 2-core PC, with hundreds
    of MB of uploads just abandoned): everything is committed and closed by now,
    and service managers expect an exit within seconds of SIGTERM. The exit
    handlers still run (log files flushed, the crash-dump file removed).
    """
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _serve_until_stopped(config: ReceiverConfig, current: Settings) -> int:
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
        except NewerDatabase as exc:  # written by a newer version since the check above
            db = redact_url(config.store) if config.store else config.data_dir / DB_FILENAME
            preflight.say(preflight.newer_database_message(db, exc.found, exc.understood))
            return preflight.EXIT_REFUSED
        except (OSError, *database_errors()) as exc:  # unwritable folder, broken database...
            if config.store:
                # The PostgreSQL server is down, refuses us, or the database does not exist.
                where = redact_url(config.store)
                log.error("cannot open the store %s: %s", where, exc)
                preflight.say(f"cannot open the store {where}: {exc}")
                return preflight.EXIT_STORE
            log.error("the receiver could not start: %s", exc)
            log.debug("why the receiver could not start", exc_info=True)
            preflight.say(f"the receiver could not start: {exc} (details in the log)")
            return 1
        return 0

    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(main())
    return 0
