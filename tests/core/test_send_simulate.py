from __future__ import annotations

import time

import pytest

from gui import cli
from gui.core import protocol, sender
from gui.core.receiver import free_port
from gui.core.simulator import Simulator
from tests.conftest import load_sample


def _count(receiver, sql: str = "SELECT count(*) FROM events") -> int:
    return receiver.store.read_sync(lambda c: c.execute(sql).fetchone()[0])


@pytest.mark.parametrize("shape", ["legacy", "2.0"])
def test_shapes_normalise_back_to_the_same_event(shape):
    event = load_sample("employee_match")
    converted = sender.to_shape(event, shape)
    assert protocol.detect_format(converted) == shape
    a = protocol.normalise(event, received_at=event["timestamp"])
    b = protocol.normalise(converted, received_at=event["timestamp"])
    assert a.natural_key == b.natural_key
    assert (a.identity_id, a.person_type, a.dev_sno) == (b.identity_id, b.person_type, b.dev_sno)
    assert a.face_box == b.face_box
    assert not [w for w in b.warnings if w.code in ("missing_field", "wrong_type")]
    if shape == "2.0":
        assert converted["score"] == 93.0 and converted["user_type"] == "employee"
        assert b.landmarks == a.landmarks and b.landmark_layout == "interleaved"
        assert converted["mq_license_key"] == "SE3-A1B2C3D4"
    else:
        assert converted["ext_data"]["spot_pic"] == event["spot_pic"]
        assert "api_version" not in converted


def test_payloads_get_unique_timestamps_unless_repeated():
    event = load_sample("stranger")
    fresh = list(sender.build_payloads([event], shape="1.0", count=5, batch=1, repeat=False))
    assert len({p["timestamp"] for p in fresh}) == 5
    assert len({p["identity_id"] for p in fresh}) == 5  # strangers get new identities
    same = list(sender.build_payloads([event], shape="2.0", count=3, batch=2, repeat=True))
    assert all(len(p) == 2 for p in same)
    assert {p["in_timestamp"] for batch in same for p in batch} == {event["timestamp"]}


def test_send_command_against_a_real_receiver(full_receiver, capsys):
    url = f"http://127.0.0.1:{full_receiver.port}"
    code = cli.main(["send", url, "--sample", "stranger", "--shape", "2.0", "--count", "3",
                     "--batch", "2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("200 in") == 3 and "3/3 requests ok" in out
    assert _count(full_receiver) == 6
    assert _count(full_receiver, "SELECT count(DISTINCT format) FROM events") == 1
    assert cli.main(["send", url + "/RealTimeEvent", "--repeat", "--count", "2"]) == 0
    assert _count(full_receiver) == 7  # the repeat was a duplicate


def test_send_self_test_is_flagged(full_receiver):
    url = f"http://127.0.0.1:{full_receiver.port}/EventServer/api/HistoryEvent"
    assert cli.main(["send", url, "--self-test", "--quiet"]) == 0
    assert _count(full_receiver, "SELECT count(*) FROM events WHERE self_test = 1") == 1


def test_send_fails_with_nonzero_exit(capsys, tmp_path):
    port = free_port()
    assert cli.main(["send", f"http://127.0.0.1:{port}", "--timeout", "2"]) == 1
    assert "connection refused" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert cli.main(["send", "http://127.0.0.1:1", "--file", str(bad)]) == 2


def test_send_file_rejected_by_receiver_fails(full_receiver, tmp_path, capsys):
    path = tmp_path / "e.json"
    path.write_text('{"hello": "world"}')
    code = cli.main(["send", f"http://127.0.0.1:{full_receiver.port}", "--file", str(path)])
    assert code == 1
    assert "400 in" in capsys.readouterr().out


@pytest.mark.alone  # events sent within 1.5 s: a rate, with no other test beside it
def test_simulate_against_a_real_receiver(full_receiver):
    sim = Simulator(
        f"http://127.0.0.1:{full_receiver.port}", boxes=2, cameras=3, rate=40, duration=1.5,
        shapes=("1.0", "legacy", "2.0"), health_every=0.5, batch_every=0.3, retry_chance=0.5,
        seed=7,
    )  # fmt: skip
    import asyncio

    stats = asyncio.run(sim.run())
    assert stats.failed == 0, stats.errors
    assert stats.events > 20 and stats.health_reports >= 2
    stored = _count(full_receiver)
    assert stored == stats.events, stats  # retries stored nothing twice, nothing lost
    formats = full_receiver.store.read_sync(
        lambda c: {r[0] for r in c.execute("SELECT DISTINCT format FROM events")}
    )
    assert formats == {"1.0", "legacy"}  # two boxes: the first two shapes
    assert _count(full_receiver, "SELECT count(*) FROM boxes WHERE report IS NOT NULL") == 2
    assert _count(full_receiver, "SELECT count(*) FROM cameras") == 6
    types = full_receiver.store.read_sync(
        lambda c: {r[0] for r in c.execute("SELECT DISTINCT person_type FROM events")}
    )
    assert len(types) >= 3


def test_simulate_command(full_receiver, capsys):
    start = time.monotonic()
    code = cli.main(["simulate", f"http://127.0.0.1:{full_receiver.port}", "--boxes", "1",
                     "--cameras", "2", "--rate", "10", "--duration", "1",
                     "--shapes", "2.0"])  # fmt: skip
    assert code == 0
    assert time.monotonic() - start < 30
    assert "0 failed" in capsys.readouterr().out
    assert _count(full_receiver, "SELECT count(*) FROM events WHERE format = '2.0'") > 3


def test_curl_command_posts_the_saved_body(full_receiver, tmp_path):
    import shutil
    import subprocess

    body = tmp_path / "a dir" / "event's.json"
    body.parent.mkdir()
    body.write_bytes(sender.encode(sender.refreshed(load_sample("stranger"), 1764000999000)))
    url = f"http://127.0.0.1:{full_receiver.port}/EventServer/api/HistoryEvent"
    command = sender.curl_command(url, body, self_test=True, windows=False)
    assert "--data-binary @" in command
    win = sender.curl_command(url, r"C:\Users\a b\e.json", windows=True)
    assert '@"C:\\Users\\a b\\e.json"' in win and "'" not in win
    if shutil.which("curl") is None:
        pytest.skip("no curl here")
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and '"SUCCESS"' in done.stdout
    assert _count(full_receiver, "SELECT count(*) FROM events WHERE self_test = 1") == 1
