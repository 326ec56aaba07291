"""The command line explains itself: subcommands listed, sample names, ``--sample all``."""

from __future__ import annotations

import pytest

from gui import cli
from gui.core import sender


def test_help_lists_every_subcommand_with_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    listed = out[out.index("COMMAND\n") :]
    for name in ("export", "send", "simulate", *cli.SUBCOMMANDS):
        line = next(li for li in listed.splitlines() if li.strip().startswith(name + " "))
        assert len(line.split(name, 1)[1].strip()) > 10, f"{name} has no description"


def test_one_line_is_the_first_sentence() -> None:
    assert cli.one_line("Post events.  Exits 1 on failure.") == "Post events."
    assert cli.one_line("No full stop") == "No full stop"
    assert cli.one_line("") == ""


def test_send_help_lists_the_sample_names_and_all(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["send", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    names = sender.sample_names()
    assert {"stranger", "blacklist", "employee_match"} <= set(names)
    for name in names:
        assert name in out
    assert "all for every one" in out
    assert "/api/events/ID/raw" in out  # where an event.json comes from


def test_send_sample_all_posts_every_bundled_sample(full_receiver, capsys) -> None:
    url = f"http://127.0.0.1:{full_receiver.port}"
    assert cli.main(["send", url, "--sample", "all"]) == 0
    out = capsys.readouterr().out
    names = sender.sample_names()
    assert f"{len(names)}/{len(names)} requests ok" in out
    stored = full_receiver.store.read_sync(
        lambda c: sorted(r[0] for r in c.execute("SELECT person_type FROM events"))
    )
    assert len(stored) == len(names)
    assert {3, 4} <= set(stored)  # the blacklist and the stranger sample among them


def test_send_unknown_sample_is_a_one_line_error(capsys) -> None:
    assert cli.main(["send", "http://127.0.0.1:1", "--sample", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "no sample 'nobody'" in err and "stranger" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_refused_not_wrapped(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--headless", "--port", value])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "--port" in err and "not a port number" in err and "Traceback" not in err


def test_ports_in_range_are_taken() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["--port", "0"]).port == 0
    assert parser.parse_args(["--port", "65535"]).port == 65535
