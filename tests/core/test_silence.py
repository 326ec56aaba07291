from __future__ import annotations

import re
import time
from typing import Any

from gui.core import alarms, sender, silence
from gui.core.messages import SilenceLevelsChanged
from gui.core.silence import AMBER, OK, QUIET, RED, SilenceState, SilenceWatch
from tests.conftest import Client, load_sample, wait_for

MIN = 60_000


def test_levels_by_minutes():
    now = 10_000 * MIN
    assert silence.judge(now - 9 * MIN, now, 10)[0] == OK
    level, reason = silence.judge(now - 10 * MIN, now, 10)
    assert level == AMBER and reason == "nothing received for 10 min"
    assert silence.judge(now - 20 * MIN, now, 10)[0] == RED
    assert silence.judge(None, now, 10)[0] == OK
    assert silence.judge(None, now, 10, offline=True) == (RED, "the box reports it offline")
    # A camera whose events arrive is not silent, whatever its box reports.
    assert silence.judge(now, now, 10, offline=True) == (
        OK, "sending, although the box reports it offline"
    )  # fmt: skip
    level, reason = silence.judge(now - 12 * MIN, now, 10, offline=True)
    assert level == RED and reason == "the box reports it offline; nothing received for 12 min"


def test_quiet_at_night_only_at_night():
    cams = [{"ep_id": "car-park", "name": "P", "status": None, "first_seen": 0, "last_event_at": 0}]
    night = silence.evaluate([], cams, 100 * MIN, 10, ["car-park"], hour_of=lambda _ms: 23)
    assert night.level_of("car-park") == QUIET
    day = silence.evaluate([], cams, 100 * MIN, 10, ["car-park"], hour_of=lambda _ms: 12)
    assert day.level_of("car-park") == RED
    other = silence.evaluate([], cams, 100 * MIN, 10, [], hour_of=lambda _ms: 23)
    assert other.level_of("car-park") == RED


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time_ns() // 1_000_000

    def __call__(self) -> int:
        return self.now


def _run(receiver: Any, coro_factory: Any) -> Any:
    return receiver.thread.call(coro_factory)


def test_silence_warning_with_a_fake_clock(full_receiver):
    client = Client(full_receiver.port)
    published: list[SilenceState] = []
    full_receiver.subscribe(SilenceLevelsChanged, lambda message: published.append(message.state))
    clock = FakeClock()
    watch = SilenceWatch(full_receiver, full_receiver.settings, clock=clock, hour_of=lambda _m: 12)
    event = load_sample("employee_match")
    event["timestamp"] = clock.now
    assert client.post_json("/EventServer/api/RealTimeEvent", event).status == 200
    camera = event["ep_info"]["ep_id"]

    state = _run(full_receiver, watch.check)
    assert state.level_of(camera) == OK and state.level_of("SE3-A1B2C3D4") == OK

    clock.now += 11 * MIN
    state = _run(full_receiver, watch.check)
    assert state.level_of(camera) == AMBER
    assert published[-1].level_of(camera) == AMBER

    engine = alarms.engine_for(full_receiver)
    assert engine is not None
    clock.now += 10 * MIN
    state = _run(full_receiver, watch.check)
    assert state.level_of(camera) == RED
    _run(full_receiver, engine.drain)
    raised = full_receiver.store.read_sync(
        lambda c: c.execute("SELECT kind, ep_id, detail FROM alarms ORDER BY id").fetchall()
    )
    kinds = {(r[0], r[1]) for r in raised}
    assert ("silence", camera) in kinds and ("silence", "SE3-A1B2C3D4") in kinds
    assert any(re.search(r"nothing received for 2[01] min", r[2] or "") for r in raised)

    # a new event brings it back to ok, without a new alarm
    event["timestamp"] = clock.now
    event["identity_id"] = "E-2"
    full_receiver_now = time.time_ns() // 1_000_000
    clock.now = full_receiver_now
    assert client.post_json("/EventServer/api/RealTimeEvent", event).status == 200
    state = _run(full_receiver, watch.check)
    assert state.level_of(camera) == OK


def test_already_red_at_start_raises_no_alarm(full_receiver):
    client = Client(full_receiver.port)
    clock = FakeClock()
    event = load_sample("blacklist")
    event["timestamp"] = clock.now
    event["person_type"] = 1  # not an alarm of its own
    assert client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    clock.now += 60 * MIN
    watch = SilenceWatch(full_receiver, full_receiver.settings, clock=clock, hour_of=lambda _m: 12)
    state = _run(full_receiver, watch.check)
    assert state.level_of("gate-2") == RED
    _run(full_receiver, alarms.engine_for(full_receiver).drain)
    count = full_receiver.store.read_sync(
        lambda c: c.execute("SELECT count(*) FROM alarms WHERE kind = 'silence'").fetchone()[0]
    )
    assert count == 0


def test_watch_runs_as_a_receiver_task(full_receiver):
    watch = silence.watch_for(full_receiver)
    assert watch is not None
    assert wait_for(lambda: watch.state is not None)


def test_self_test_device_is_never_watched(full_receiver):
    client = Client(full_receiver.port)
    clock = FakeClock()
    event = sender.self_test_event(clock.now)
    reply = client.request(
        "POST", "/EventServer/api/HistoryEvent", sender.encode(event),
        {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"},
    )  # fmt: skip
    assert reply.status == 200
    clock.now += 60 * MIN
    watch = SilenceWatch(full_receiver, full_receiver.settings, clock=clock, hour_of=lambda _m: 12)
    state = _run(full_receiver, watch.check)
    assert state.level_of(sender.SELF_TEST_CAMERA) is None
    assert state.level_of(sender.SELF_TEST_BOX) is None


def test_silence_alarms_can_be_switched_off(full_receiver):
    client = Client(full_receiver.port)
    clock = FakeClock()
    full_receiver.settings.silence_alarms = False
    watch = SilenceWatch(full_receiver, full_receiver.settings, clock=clock, hour_of=lambda _m: 12)
    event = load_sample("blacklist")
    event["timestamp"] = clock.now
    event["person_type"] = 1
    assert client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    assert _run(full_receiver, watch.check).level_of("gate-2") == OK
    clock.now += 30 * MIN
    assert _run(full_receiver, watch.check).level_of("gate-2") == RED
    _run(full_receiver, alarms.engine_for(full_receiver).drain)
    count = full_receiver.store.read_sync(
        lambda c: c.execute("SELECT count(*) FROM alarms WHERE kind = 'silence'").fetchone()[0]
    )
    assert count == 0
