"""The shipped systemd units and nginx snippet say what the program accepts."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from gui import cli, preflight

CONTRIB = Path(__file__).resolve().parents[2] / "contrib"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((CONTRIB / "systemd" / name).read_text())
    return parser


def _env(name: str) -> dict[str, str]:
    out = {}
    for line in (CONTRIB / "systemd" / name).read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def _expand(command: str, env: dict[str, str], instance: str) -> list[str]:
    """systemd's expansion: %i, ${VAR} as one word, $VAR split on white space."""
    words: list[str] = []
    for word in shlex.split(command.replace("%i", instance)):
        if word.startswith("${") and word.endswith("}"):
            words.append(env[word[2:-1]])
        elif word.startswith("$"):
            words.extend(env[word[1:]].split())
        else:
            words.append(word)
    return words


def test_receiver_unit_starts_gatewatch_with_options_it_accepts() -> None:
    unit = _unit("gatewatch@.service")
    env = _env("gatewatch.env.example")
    argv = _expand(unit["Service"]["ExecStart"], env, "gate-a")
    assert argv[0].endswith("/gatewatch") and "--headless" in argv
    args = cli.build_parser().parse_args(argv[1:])
    assert args.headless and args.port == 9528 and str(args.data_dir) == "/var/lib/gatewatch/gate-a"
    assert args.tls_cert and args.tls_key and args.allow == ["10.20.0.0/16"]
    assert env["GATEWATCH_STORE"].startswith("postgresql://")
    assert unit["Service"]["EnvironmentFile"] == "/etc/gatewatch/%i.env"
    # restarting cannot fix these refusals: the unit stops instead of looping
    codes = {int(c) for c in unit["Service"]["RestartPreventExitStatus"].split()}
    assert codes == {
        cli.EXIT_PORT_IN_USE, preflight.EXIT_REFUSED, preflight.EXIT_FOLDER_IN_USE,
        preflight.EXIT_DATA_DIR, preflight.EXIT_TLS,
    }  # fmt: skip


def test_backup_unit_dumps_the_store_on_a_timer() -> None:
    unit = _unit("gatewatch-backup.service")
    assert "pg_dump --format=custom" in unit["Service"]["ExecStart"]
    assert "$GATEWATCH_STORE" in unit["Service"]["ExecStart"]
    timer = _unit("gatewatch-backup.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"


def test_nginx_snippet_relays_only_the_api_and_marks_it_forwarded() -> None:
    from gui.core.server import PROXY_HEADERS

    conf = (CONTRIB / "nginx" / "gatewatch.conf").read_text()
    assert "location /api/" in conf and "proxy_pass http://127.0.0.1:9528;" in conf
    # the receiver must see the relayed request as another PC's (it then needs a token)
    assert any(f"proxy_set_header {h} " in conf for h in PROXY_HEADERS)
    assert "proxy_buffering off;" in conf  # the event stream passes through as it comes


def _section(title: str) -> str:
    text = (CONTRIB.parent / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_site_section_commands_are_ones_gatewatch_accepts() -> None:
    """Every `gatewatch ...` line in "Site with many boxes" parses with today's options."""
    section = _section("Site with many boxes")
    lines = [
        line.strip() for line in section.splitlines()
        if line.strip().startswith(("gatewatch ", "GATEWATCH_TOKEN="))
    ]  # fmt: skip
    lines += [
        chunk.strip("` ") for chunk in section.split("`")
        if chunk.startswith("gatewatch ") and "\n" not in chunk
    ]  # fmt: skip
    assert len(lines) >= 6
    parser = cli.build_parser()
    for line in lines:
        words = shlex.split(line.split("#")[0])
        while "=" in words[0]:  # VAR=value before the command
            words.pop(0)
        assert words[0] == "gatewatch", line
        words = [w if "..." not in w else w.replace("...", "0" * 60) for w in words[1:]]
        try:
            parser.parse_args(words)
        except SystemExit as exc:
            raise AssertionError(f"README command does not parse: {line}") from exc
    for unit in ("gatewatch@.service", "gatewatch-backup.service", "gatewatch-backup.timer"):
        assert (CONTRIB / "systemd" / unit).is_file()
        assert unit.split(".")[0].rstrip("@") in section
