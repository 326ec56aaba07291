"""Several receivers on one PostgreSQL database: one event, one alarm, one acknowledgement."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core.store import Store
from tests.core.conformance.conftest import REALTIME, Site, event


@pytest.fixture
def two_sites(pg_url: str, tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    a = Site(Store(tmp_path / "a", url=pg_url), tmp_path / "a")
    b = Site(Store(tmp_path / "b", url=pg_url), tmp_path / "b")
    try:
        yield a, b
    finally:
        for site in (a, b):
            site.stop()
            site.store.close()


def test_an_event_posted_to_both_receivers_is_stored_once_and_alarms_once(
    two_sites: tuple[Site, Site],
) -> None:
    a, b = two_sites
    now = int(time.time() * 1000)
    ev = event("blacklist", timestamp=now)
    a.post(ev, REALTIME)
    b.post(ev, REALTIME)  # the box's second URL
    assert len(a.events()) == len(b.events()) == 1
    (alarm,) = a.client.get_json("/api/alarms")["alarms"]
    assert alarm["count"] == 1
    assert b.client.get_json("/api/alarms")["alarms"] == [alarm]


def test_concurrent_sightings_at_two_receivers_fold_into_one_alarm(
    two_sites: tuple[Site, Site],
) -> None:
    a, b = two_sites
    now = int(time.time() * 1000)
    errors: list[Any] = []
    start = threading.Barrier(2)

    def send(site: Site, offset: int) -> None:
        try:
            start.wait(5)
            for n in range(8):
                site.post(event("blacklist", timestamp=now + offset + n * 10), REALTIME)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(s, off)) for s, off in ((a, 0), (b, 5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(a.events()) == 16
    alarms = a.client.get_json("/api/alarms")["alarms"]
    assert [(x["kind"], x["identity_id"], x["count"]) for x in alarms] == [("face", "B-0007", 16)]
    links = a.store.read_sync(
        lambda c: c.execute("SELECT count(*) FROM alarm_events").fetchone()[0]
    )
    assert links == 16


def test_an_acknowledgement_at_one_receiver_is_seen_and_respected_at_the_other(
    two_sites: tuple[Site, Site],
) -> None:
    a, b = two_sites
    a.post(event("blacklist", timestamp=int(time.time() * 1000)), REALTIME)
    (alarm,) = b.client.get_json("/api/alarms?state=open")["alarms"]
    reply = a.client.post_json(f"/api/alarms/{alarm['id']}/ack", {"by": "gatehouse 1"})
    assert reply.status == 200
    (seen,) = b.client.get_json("/api/alarms")["alarms"]
    assert (seen["state"], seen["acked_by"]) == ("acked", "gatehouse 1")
    again = b.client.post_json(f"/api/alarms/{alarm['id']}/ack", {"by": "control room"})
    assert again.status == 409 and "gatehouse 1" in again.json()["message"]
    assert len(b.events("acked=true")) == 1


def test_device_counts_from_two_receivers_add_up_without_waiting_on_each_other(
    pg_url: str, tmp_path: Path
) -> None:
    """Each receiver's batch counts a box's events while the other's batch is still open."""
    from gui.core import devices, pg

    stores = [Store(tmp_path / n, url=pg_url) for n in ("a", "b")]
    try:
        ev = event("employee_match")
        # the box and camera known already (the registry rows exist)
        stores[0].write_sync(lambda c: _tally_for(ev).before_commit(c))
        held = pg.connect(pg_url)
        # receiver A's writer: a batch that counted box SE3-A1B2C3D4 and has not committed
        held.execute("BEGIN")
        tally = _tally_for(ev)
        tally.before_commit(held)
        # receiver B's batch for the same box must not queue behind A's transaction
        done = threading.Event()

        def other_batch(conn: Any) -> None:
            conn.execute("SET LOCAL lock_timeout = '2s'")
            _tally_for(ev).before_commit(conn)
            done.set()

        stores[1].write_sync(other_batch, timeout=10)
        assert done.is_set()
        held.execute("COMMIT")
        held.close()
        listed = stores[0].read_sync(devices.list_devices)
        (box,) = [x for x in listed["boxes"] if x["sn"] == "SE3-A1B2C3D4"]
        assert box["event_count"] == 3
        (cam,) = listed["cameras"]
        assert cam["event_count"] == 3
        # folded into the registry rows: the same figures, no tally left
        from gui.core import tallies

        stores[0].write_sync(lambda c: tallies.fold(c, everyone=True))
        assert stores[0].read_sync(devices.list_devices) == listed
        plain = stores[0].read_sync(
            lambda c: (
                c.execute("SELECT event_count, last_seen FROM cameras").fetchone(),
                c.execute("SELECT count(*) FROM device_tallies").fetchone()[0],
            )
        )
        assert (tuple(plain[0]), plain[1]) == ((3, cam["last_seen"]), 0)
    finally:
        for store in stores:
            store.close()


def _tally_for(ev: dict[str, Any]) -> Any:
    from gui.core import devices, protocol
    from gui.core.event_rows import Arrival
    from tests.conftest import make_summary

    normalised = protocol.normalise(ev, received_at=1_764_000_000_000)
    tally = devices.DeviceTally()
    summary = make_summary(
        dev_sno=ev["dev_sno"], ep_id=ev["ep_info"]["ep_id"], device_id=None, score=0.9
    )
    arrival = Arrival(received_at=1_764_000_000_000, source_ip="10.0.0.9", path=REALTIME)
    tally.note(summary, normalised, arrival)
    return tally
