"""Pulled records and WebSocket events match the push of the same event (key, time)."""

from __future__ import annotations

from gui.core import protocol, records
from gui.core.box.emulator import BoxEmulator


def test_records_and_websocket_events_key_like_the_push() -> None:
    """Every emulated event: the box's record and its push get one natural key and time."""
    for family in ("v5", "v6"):
        box = BoxEmulator(family, "127.0.0.1", seed=5)
        made = box.generate(500, t=1_796_150_000.0, step=0.1237, push_realtime=False)
        for ev in made:
            push = protocol.normalise(box.push_payload(ev), received_at=0)
            pulled = protocol.normalise(records.record_to_event(box.record(ev), {}), received_at=0)
            # truncated like the push: exact, except where the record's 6 decimals round up
            assert abs(pulled.timestamp - push.timestamp) <= 1
            if round(ev.t, 6) * 1000 // 1 == ev.t * 1000 // 1:
                assert pulled.natural_key == push.natural_key
        if family == "v6":  # the flat WebSocket event names its camera itself
            ws = protocol.normalise(box.ws_message(made[0], {}), received_at=0)
            assert (
                ws.natural_key
                == protocol.normalise(box.push_payload(made[0]), received_at=0).natural_key
            )


def test_v5_camera_ep_ids_need_the_mac() -> None:
    from gui.core.box.service import Box

    cams = [{"id": "u1", "key": "192.0.2.31"}, {"id": "u2", "key": "rtsp://192.0.2.32/ch1"}]
    assert Box("b", "x", cameras=cams).camera_ep_ids() == {}
    assert Box("b", "x", cameras=cams, mac="e0a509aabbcc").camera_ep_ids() == {
        "u1": "0xe0a509aabbcc__192.0.2.31", "u2": "0xe0a509aabbcc__rtsp://192.0.2.32/ch1",
    }  # fmt: skip
    learnt = Box("b", "x", cameras=cams, mac="e0a509aabbcc", ep_ids={"u1": "0xother__1"})
    assert learnt.camera_ep_ids()["u1"] == "0xother__1"  # what pushes showed wins


def test_store_event_folds_an_event_1_ms_off_but_not_300_ms_off(tmp_path) -> None:
    from gui.core.event_rows import Arrival, store_event
    from gui.core.store import Store

    store = Store(tmp_path)
    try:
        pushed = Arrival(received_at=0, source_ip="x", path="/HistoryEvent")
        pulled = Arrival(received_at=0, source_ip="x", path="http://box:5555/SophonFace/api/events",
                         approximate_time=True)  # fmt: skip

        def put(ts: int, arrival: Arrival = pulled) -> str:
            ev = protocol.normalise(
                {"api_version": "1.0", "identity_id": "E-1", "timestamp": ts,
                 "ep_info": {"ep_id": "cam"}}, received_at=ts,
            )  # fmt: skip
            return store.write_sync(lambda c: store_event(c, ev, [], arrival, []).outcome)

        assert put(1700000000100, pushed) == "new"
        assert put(1700000000101) == "duplicate"  # the record's rounding: the same event
        assert put(1700000000099) == "duplicate"
        assert put(1700000000400) == "new"  # the same person 300 ms later: another event
        assert put(1700000001100) == "new"  # never merged by the second
        # a push 1 ms from a stored record: the same event
        assert put(1700000001101, pushed) == "duplicate"
        # two pushes 1 ms apart are two events (only record times are approximate)
        assert put(1700000005000, pushed) == "new"
        assert put(1700000005001, pushed) == "new"
    finally:
        store.close()
