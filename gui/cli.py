"""Command line: the app (desktop or ``--headless``) and the script subcommands.

Settings give the defaults; what is typed on the command line wins for this
run (and is not saved: a one-off ``--port`` must not stick).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gui import __version__, settings

#: Subcommands register here: name -> (configure parser, run). Keeps this module small.
SUBCOMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {}

EXIT_PORT_IN_USE = 2
#: What argparse exits with for bad arguments; ours are the same kind of mistake.
EXIT_BAD_ARGUMENTS = 2
#: The API token for ``--connect`` when not on the command line (other users see those).
TOKEN_ENV = "GATEWATCH_TOKEN"
#: The environment variable naming the store (below ``--store``, above the setting).
STORE_ENV = "GATEWATCH_STORE"


def port_number(text: str) -> int:
    """``--port``: 0 (any free port) to 65535; anything else is refused, not wrapped."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535)")
    return value


def add_receiver_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=port_number, help="port to listen on (default 9528)")
    p.add_argument("--bind", help="address to listen on (default: all interfaces)")
    p.add_argument("--data-dir", type=Path, help="database and logs (default: per-user data dir)")
    p.add_argument(
        "--store",
        metavar="LOCATION",
        help="where events are stored: postgresql://user@host/db (shared by several receivers);"
        " default: SQLite in the data dir, or $GATEWATCH_STORE",
    )
    p.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper)
    p.add_argument(
        "--allow",
        action="append",
        metavar="NET",
        help="only accept events from these addresses/networks (repeatable; default: everyone)",
    )
    p.add_argument("--api-token", help="let other machines read /api/ with this bearer token")
    p.add_argument(
        "--tls-cert", metavar="PEM", help="serve the API to other PCs over TLS with this cert"
    )
    p.add_argument("--tls-key", metavar="PEM", help="the certificate's private key (PEM)")
    p.add_argument(
        "--tls-port", type=port_number, help="port of the API over TLS (default 9529)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gatewatch",
        description="Receive, store and show the face-recognition events Sophon boxes push.",
    )
    parser.add_argument("--version", action="version", version=f"gatewatch {__version__}")
    parser.add_argument("--headless", action="store_true", help="run the receiver with no window")
    parser.add_argument("--wall", action="store_true", help="start full screen in wall mode")
    parser.add_argument("--screen", type=int, help="monitor for wall mode (0 = first)")
    parser.add_argument(
        "--new-instance", action="store_true", help="start even if Gatewatch is already running"
    )
    parser.add_argument(
        "--connect",
        metavar="URL",
        help="open a window on a remote receiver (e.g. https://server:9528) instead of receiving",
    )
    parser.add_argument(
        "--pin",
        metavar="sha256:HEX",
        help="with an https --connect: accept exactly the server certificate with this SHA-256 "
        "fingerprint (as `gatewatch tls self-signed` printed it); asked on first use otherwise",
    )
    parser.add_argument(
        "--token",
        help="API token for --connect (or the GATEWATCH_TOKEN environment variable)",
    )
    add_receiver_options(parser)
    _load_subcommands()
    if SUBCOMMANDS:
        subs = parser.add_subparsers(
            dest="command",
            metavar="COMMAND",
            title="commands",
            description="run `gatewatch COMMAND --help` for a command's options",
        )
        for name, (configure, _run) in SUBCOMMANDS.items():
            # The one line ``gatewatch --help`` shows is the first sentence of the
            # description the command gives itself (argparse wants it up front).
            probe = argparse.ArgumentParser(add_help=False)
            configure(probe)
            configure(subs.add_parser(name, help=one_line(probe.description or "")))
    return parser


def one_line(description: str) -> str:
    """The first sentence of a description, for a list of commands."""
    text = " ".join(description.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _load_subcommands() -> None:
    """Import the modules that register subcommands (each optional while being built)."""
    import importlib

    for module in (
        "gui.commands.export",
        "gui.commands.send",
        "gui.commands.simulate",
        "gui.commands.box",
        "gui.commands.users",
        "gui.commands.tls",
        "gui.commands.migrate",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def effective_settings(args: argparse.Namespace) -> settings.Settings:
    """Stored settings with this run's command-line values on top, as overrides.

    Overrides hold for this run only: a change the user makes to another
    option later never writes them to the settings file.
    """
    current = settings.load()
    one_off: dict[str, object] = {}
    for name in ("port", "bind", "log_level", "api_token", "tls_cert", "tls_key", "tls_port"):
        value = getattr(args, name, None)
        if value is not None:
            one_off[name] = value
    if getattr(args, "data_dir", None) is not None:
        one_off["data_dir"] = str(args.data_dir)
    # --store wins over GATEWATCH_STORE, which wins over the stored setting; neither is saved.
    store = getattr(args, "store", None)
    if store is None:
        store = os.environ.get(STORE_ENV) or None
    if store is not None:
        one_off["store"] = store
    if getattr(args, "allow", None) is not None:
        one_off["allow"] = list(args.allow)
    if getattr(args, "wall", False):
        one_off["start_in_wall"] = True
    if getattr(args, "screen", None) is not None:
        one_off["wall_screen"] = args.screen
    current.override(**one_off)
    return current


def check_allow(values: Sequence[str] | None) -> str | None:
    """One line saying what is wrong with the ``--allow`` values, or None."""
    if values is None:
        return None
    from gui.core.server import BadNetwork, parse_networks

    try:
        parse_networks(values)
    except BadNetwork as exc:
        return str(exc)
    return None


def check_store(location: str) -> str | None:
    """One line saying what is wrong with a store location, or None."""
    from gui.core.store import store_location_problem

    return store_location_problem(location)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None):
        _configure, run = SUBCOMMANDS[args.command]
        return run(args)
    problem = check_allow(getattr(args, "allow", None))
    if problem:
        print(f"gatewatch: {problem}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    current = effective_settings(args)
    if getattr(args, "connect", None):
        if args.headless:
            print("gatewatch: --connect opens a window; it cannot be --headless", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
        from gui.core.pinning import BadPin, parse_pin
        from gui.core.remote_client import BadServerAddress, RemoteServer

        token = args.token or os.environ.get(TOKEN_ENV) or None
        try:
            server = RemoteServer.parse(args.connect, token)
            given = parse_pin(args.pin) if args.pin else None
        except BadServerAddress as exc:
            print(f"gatewatch: --connect: {exc}", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
        except BadPin as exc:
            print(f"gatewatch: --pin: {exc}", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
        if given and not server.secure:
            print("gatewatch: --pin is for an https:// server", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
        # --pin for this run (never saved), else a certificate pinned on first use before
        args.remote_server = server.with_pin(given or current.tls_pins.get(server.where))
    elif getattr(args, "token", None) or getattr(args, "pin", None):
        print("gatewatch: --token and --pin go with --connect", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    problem = check_store(current.store)
    if problem:
        print(f"gatewatch: {problem}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    from gui import preflight

    # the desktop app says it in a dialog too (``startup.prepare``)
    problem = preflight.tls_problem(current.tls_cert, current.tls_key) if args.headless else None
    if problem:
        preflight.say(problem)
        return preflight.EXIT_TLS
    if args.headless:
        from gui.headless import run_headless

        return run_headless(current)
    why = preflight.no_display()
    if why:  # Qt would abort with a message about a platform plugin
        preflight.say(why)
        return preflight.EXIT_NO_DISPLAY
    from gui.ui.app import run_desktop

    return run_desktop(current, args)


if __name__ == "__main__":
    sys.exit(main())
