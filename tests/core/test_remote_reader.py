"""``RemoteReader`` against a real receiver: every Reader call answers what the store's does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import query
from gui.core.attached import AttachedCore
from gui.core.reader import Reader, StoreReader
from gui.core.receiver import ReceiverThread
from gui.core.remote_client import RemoteError, RemoteServer, Unreachable, normalize_url
from gui.core.remote_reader import RemoteReader
from gui.core.retention import Policy
from tests.conftest import Client, load_sample, wait_for

HISTORY = "/EventServer/api/HistoryEvent"


@pytest.fixture
def loaded(full_receiver: Any) -> tuple[Any, StoreReader, Client, list[int]]:
    """A receiver holding the four samples and one self-test."""
    client = Client(full_receiver.port)
    ids = []
    for name in ("employee_match", "stranger", "blacklist", "seed_example"):
        reply = client.post_json(HISTORY, load_sample(name))
        assert reply.status == 200, reply.body[:200]
        ids.append(reply.json()["events"][0]["id"])
    test = dict(load_sample("employee_match"), timestamp=1_764_000_300_000)
    headers = {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"}
    reply = client.request("POST", HISTORY, json.dumps(test).encode(), headers)
    ids.append(reply.json()["events"][0]["id"])
    local = StoreReader(full_receiver.store)
    wait_for(lambda: len(local.requests()) == 5)
    return full_receiver, local, client, ids


@pytest.fixture
def remote(loaded: Any, tmp_path: Path) -> Iterator[RemoteReader]:
    """An attached core on its own loop thread, reading the loaded receiver over HTTP."""
    rec = loaded[0]
    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{rec.port}"), data_dir=tmp_path / "me")
    thread = ReceiverThread(core)
    thread.start()
    try:
        yield core.reader
    finally:
        thread.stop()


def test_it_is_a_reader(remote: RemoteReader) -> None:
    reader: Reader = remote  # the type checker holds it to the Protocol
    protocol = {n for n in vars(Reader) if not n.startswith("_")}
    assert protocol <= set(dir(reader))


def test_events_pages_and_counts_match_the_store(loaded: Any, remote: RemoteReader) -> None:
    _rec, local, _client, ids = loaded
    assert remote.latest_events(10) == local.latest_events(10)
    assert [e.id for e in remote.latest_events(10)] == ids[::-1]
    assert remote.latest_events(10, self_tests=False) == local.latest_events(10, self_tests=False)
    assert remote.latest_events(2, before_id=ids[2]) == local.latest_events(2, before_id=ids[2])
    assert remote.arrivals_since(0) == local.arrivals_since(0)

    everything = query.EventFilter()
    first = remote.events_page(everything, limit=2)
    assert first == local.events_page(everything, limit=2)
    second = remote.events_page(everything, before=first.rows[-1].key, limit=10)
    assert second == local.events_page(everything, before=first.rows[-1].key, limit=10)
    assert sorted(r.id for r in first.rows + second.rows) == sorted(ids)
    for sort in ("score", "name"):
        for descending in (None, True, False):
            page = local.events_page(everything, sort=sort, descending=descending, limit=2)
            assert remote.events_page(everything, sort=sort, descending=descending,
                                      limit=2) == page  # fmt: skip
            after = local.events_page(
                everything, sort=sort, descending=descending, before=page.rows[-1].key
            )
            assert remote.events_page(
                everything, sort=sort, descending=descending, before=page.rows[-1].key
            ) == after
    picky = query.EventFilter(person_types=(3,), include_self_test=False, q="a")
    assert remote.events_page(picky) == local.events_page(picky)
    assert remote.count_events(everything) == 5
    assert remote.count_events(picky) == local.count_events(picky)


def test_one_event_its_text_and_photos_match_the_store(loaded: Any, remote: RemoteReader) -> None:
    _rec, local, _client, ids = loaded
    event_id = ids[0]
    assert remote.event(event_id) == local.event(event_id)
    assert remote.event_raw(event_id) == local.event_raw(event_id)
    assert remote.event_raw_text(event_id) == local.event_raw_text(event_id)
    for kwargs in ({}, {"thumb": True}, {"overlay": True}, {"thumb": True, "overlay": True}):
        got = remote.image(event_id, "spot_pic", **kwargs)
        assert got is not None and got.format == "JPEG" and got.data[:2] == b"\xff\xd8"
    assert remote.image(event_id, "spot_pic") == local.image(event_id, "spot_pic")
    assert remote.image(event_id, "no_such_kind") is None
    thumb = wait_for(lambda: remote.face_thumbnail(event_id))
    assert thumb == local.face_thumbnail(event_id)
    event = local.event(event_id)
    assert event is not None and remote.event_box(event) == local.event_box(event)
    assert remote.event(10_000) is None and remote.event_raw(10_000) is None
    assert remote.event_raw_text(10_000) == "" and remote.face_thumbnail(10_000) is None


def test_devices_alarms_requests_and_figures_match_the_store(
    loaded: Any, remote: RemoteReader, tmp_path: Path
) -> None:
    _rec, local, _client, ids = loaded
    assert remote.device_names() == local.device_names()
    assert remote.devices() == local.devices()
    now = int(time.time() * 1000)
    assert set(remote.device_activity(now)) == {"cameras", "boxes"}

    wait_for(lambda: local.alarms("open"))
    assert remote.alarms() == local.alarms()
    assert remote.alarms("open") == local.alarms("open")
    newest = local.alarms()
    assert remote.alarms(before_id=newest[0].id) == local.alarms(before_id=newest[0].id)
    assert remote.alarms(limit=1) == newest[:1]

    assert remote.requests() == local.requests()
    first = local.requests()[0]["id"]
    assert remote.requests(before=first) == local.requests(before=first)
    assert remote.requests(status=404) == []
    rid = local.requests()[-1]["id"]
    assert remote.request(rid) == local.request(rid)
    assert remote.request_body(rid) is None and remote.request(10_000) is None

    week = 7 * 86_400_000
    since, until = 1_764_000_000_000 - week, 1_764_000_000_000 + week
    assert remote.statistics(since=since, until=until) == local.statistics(
        since=since, until=until
    )
    assert remote.statistics(since=since, until=until, bucket="day").total == 3
    assert remote.verdicts(now) == local.verdicts(now)
    disk = remote.disk_status(Policy())
    assert disk.data_bytes > 0 and disk.data_dir == local.disk_status(Policy()).data_dir

    out = tmp_path / "remote.csv"
    seen: list[tuple[int, int]] = []
    done = remote.export(
        query.EventFilter(), out, "csv", progress=lambda a, b: seen.append((a, b)),
        cancel=threading.Event(),
    )  # fmt: skip
    mine = tmp_path / "local.csv"
    local.export(query.EventFilter(), mine, "csv")
    assert done.events == 5 and seen[-1] == (5, 5)
    assert out.read_text(encoding="utf-8").splitlines()[1:] == mine.read_text(
        encoding="utf-8"
    ).splitlines()[1:]
    jsonl = tmp_path / "remote.jsonl"
    assert remote.export(query.EventFilter(), jsonl, "jsonl").events == 5
    assert not list(tmp_path.glob("*.part"))
    # Cancelled: the dialog's own exception, and nothing left behind.
    from gui.core.export import ExportCancelled

    stop = threading.Event()
    stop.set()
    with pytest.raises(ExportCancelled):
        remote.export(query.EventFilter(), tmp_path / "never.csv", "csv", cancel=stop)
    assert not (tmp_path / "never.csv").exists() and not list(tmp_path.glob("*.part"))
    assert ids


def test_a_body_that_did_not_become_events_is_readable(
    full_receiver: Any, tmp_path: Path
) -> None:
    client = Client(full_receiver.port)
    ir = load_sample("employee_match")["ir_pic"]
    assert client.post_json(HISTORY, [{"camera": "x", "photo": ir}]).status == 400
    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{full_receiver.port}"))
    thread = ReceiverThread(core)
    thread.start()
    try:
        remote = core.reader
        [row] = wait_for(lambda: remote.requests(status=400))
        assert json.loads(remote.request_body(row["id"]) or b"") == [{"camera": "x", "photo": ir}]
        data = remote.request_image(row["id"], "0.photo")
        assert data is not None and data[:2] == b"\xff\xd8"
    finally:
        thread.stop()


def test_a_server_that_is_not_there_is_unreachable(tmp_path: Path) -> None:
    from gui.core.receiver import free_port

    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{free_port()}"))
    thread = ReceiverThread(core)
    thread.start()
    try:
        with pytest.raises(Unreachable) as caught:
            core.reader.latest_events(10)
        assert "nothing answers at that port" in caught.value.message
    finally:
        thread.stop()


def test_an_unknown_route_is_a_remote_error_with_the_servers_words(full_receiver: Any) -> None:
    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{full_receiver.port}"))
    thread = ReceiverThread(core)
    thread.start()
    try:
        with pytest.raises(RemoteError) as caught:
            core.reader._get("/api/no-such-thing")
        assert caught.value.status == 404 and "not found" in caught.value.message
    finally:
        thread.stop()


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("server", "http://server:9528"),
        ("server:9000", "http://server:9000"),
        ("https://server", "https://server:9529"),
        ("HTTPS://Server:9528/anything?x=1", "https://server:9528"),
        ("  http://10.0.0.5:9528/ ", "http://10.0.0.5:9528"),
        ("http://[::1]:9528", "http://[::1]:9528"),
    ],
)
def test_what_people_type_as_a_server(typed: str, url: str) -> None:
    assert normalize_url(typed) == url


@pytest.mark.parametrize("typed", ["", "ftp://server", "http://", "http://server:notaport"])
def test_what_is_not_a_server(typed: str) -> None:
    from gui.core.remote_client import BadServerAddress

    with pytest.raises(BadServerAddress):
        normalize_url(typed)


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_export_with_photos_matches_a_local_one(
    loaded: Any, remote: RemoteReader, tmp_path: Path, kind: str
) -> None:
    """An attached window exports the photos too, named and packed as a local export."""
    import zipfile

    _rec, local, _client, _ids = loaded

    def photos(path: Path) -> dict[str, bytes]:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                return {n: z.read(n) for n in z.namelist()}
        return {p.name: p.read_bytes() for p in path.iterdir()}

    suffix = ".zip" if kind == "zip" else ""
    seen: list[tuple[int, int]] = []
    got = remote.export(
        query.EventFilter(), tmp_path / "remote.csv", "csv",
        images=tmp_path / f"remote-photos{suffix}", progress=lambda a, b: seen.append((a, b)),
    )  # fmt: skip
    want = local.export(
        query.EventFilter(), tmp_path / "local.csv", "csv", images=tmp_path / f"local{suffix}"
    )
    assert got.images == want.images > 0 and got.events == want.events == 5
    assert got.images_path == tmp_path / f"remote-photos{suffix}"
    assert photos(got.images_path) == photos(want.images_path)
    # Progress: the text, then the photos, never past the end, ending at the end.
    assert seen[-1] == (10, 10) and all(a <= b == 10 for a, b in seen)
    assert [a for a, _ in seen] == sorted(a for a, _ in seen)
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*part*"))

    # JSON Lines too (its own file is the list the photos are read from).
    jsonl = remote.export(
        query.EventFilter(), tmp_path / "r.jsonl", "jsonl", images=tmp_path / f"r2{suffix}"
    )
    assert jsonl.images == want.images and (tmp_path / "r.jsonl").exists()
    assert photos(tmp_path / f"r2{suffix}") == photos(want.images_path)


def test_export_with_photos_cancelled_half_way_leaves_nothing(
    remote: RemoteReader, tmp_path: Path
) -> None:
    from gui.core.export import ExportCancelled

    out = tmp_path / "out"
    out.mkdir()
    stop = threading.Event()
    seen: list[int] = []

    def cancel_in_the_photos(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 2 + 1:  # past the text, some photos fetched
            stop.set()

    with pytest.raises(ExportCancelled):
        remote.export(
            query.EventFilter(), out / "x.csv", "csv", images=out / "p.zip",
            progress=cancel_in_the_photos, cancel=stop,
        )  # fmt: skip
    assert list(out.iterdir()) == [] and max(seen) > 6


def _many_with_photos(client: Client, n: int) -> list[int]:
    """``n`` more events, each with the sample's photos (distinct times and names)."""
    base = load_sample("employee_match")
    ids = []
    for i in range(n):
        event = dict(base, timestamp=1_764_100_000_000 + i * 1000, name=f"Person {i}")
        reply = client.post_json(HISTORY, event)
        assert reply.status == 200, reply.body[:200]
        ids.append(reply.json()["events"][0]["id"])
    return ids


@pytest.fixture
def requests_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths of every HTTP request the attached core's session sends."""
    import aiohttp

    seen: list[str] = []
    original = aiohttp.ClientSession._request

    async def counting(self: Any, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        from yarl import URL

        seen.append(URL(str(url)).path)
        return await original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "_request", counting)
    return seen


def test_export_with_photos_streams_them_in_batches(
    loaded: Any, remote: RemoteReader, tmp_path: Path, requests_made: list[str]
) -> None:
    """Photos of many events come in a few requests, not one (or more) per event."""
    import zipfile

    from gui.core import remote_reader

    _rec, local, client, _ids = loaded
    _many_with_photos(client, 45)
    requests_made.clear()
    got = remote.export(query.EventFilter(), tmp_path / "r.csv", "csv", images=tmp_path / "r.zip")
    want = local.export(query.EventFilter(), tmp_path / "l.csv", "csv", images=tmp_path / "l.zip")
    assert got.events == want.events == 50 and got.images == want.images > 100
    with zipfile.ZipFile(tmp_path / "r.zip") as r, zipfile.ZipFile(tmp_path / "l.zip") as w:
        assert {n: r.read(n) for n in r.namelist()} == {n: w.read(n) for n in w.namelist()}
    photo_requests = [p for p in requests_made if "/images/" in p or p.endswith("/photos")]
    batches = -(-50 // remote_reader.PHOTO_BATCH)
    assert len(photo_requests) == batches, requests_made
    assert not [p for p in requests_made if "/images/" in p]


def test_export_photos_from_a_server_without_the_stream(
    loaded: Any, remote: RemoteReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    requests_made: list[str],
) -> None:  # fmt: skip
    """An older receiver (no /api/export/photos: 404) still gets its photos exported."""
    _rec, local, _client, _ids = loaded
    original = remote.client.url
    monkeypatch.setattr(
        remote.client, "url", lambda path: original(path.replace("/photos", "/no-such-route"))
    )
    got = remote.export(query.EventFilter(), tmp_path / "r.csv", "csv", images=tmp_path / "r")
    want = local.export(query.EventFilter(), tmp_path / "l.csv", "csv", images=tmp_path / "l")
    assert got.images == want.images > 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir()} == {
        p.name: p.read_bytes() for p in (tmp_path / "l").iterdir()
    }
    assert sum("/no-such-route" in p for p in requests_made) == 1  # asked once, then remembered
    assert sum("/images/" in p for p in requests_made) == want.images


def test_a_photo_stream_cut_short_fails_the_export_and_leaves_nothing(
    remote: RemoteReader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.core import api_read

    monkeypatch.setattr(api_read, "photo_stream_end", lambda count: b"")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RemoteError, match="cut short"):
        remote.export(query.EventFilter(), out / "x.csv", "csv", images=out / "p.zip")
    assert list(out.iterdir()) == []


def test_photo_stream_route(loaded: Any) -> None:
    """``GET /api/export/photos``: frames in the asked order, unknown ids left out, bad ids 400."""
    _rec, local, client, ids = loaded
    asked = [ids[2], 999_999, ids[0]]
    reply = client.get("/api/export/photos?ids=" + ",".join(map(str, asked)))
    assert reply.status == 200
    body, frames = reply.body, []
    while True:
        line, body = body.split(b"\n", 1)
        head = json.loads(line)
        if head.get("end"):
            assert head["photos"] == len(frames) and body == b""
            break
        data, body = body[: head["size"]], body[head["size"] :]
        frames.append((head["id"], head["kind"], head["format"], data))
    want = []
    for event_id in (ids[2], ids[0]):
        event = local.event(event_id)
        assert event is not None
        for kind in sorted(event["images"]):
            image = local.image(event_id, kind)
            assert image is not None
            want.append((event_id, kind, image.format, image.data))
    assert frames == want and len(frames) >= 2
    for bad in ("", "1,x", "-1", ",".join(["1"] * 501), "9" * 20):
        reply = client.get(f"/api/export/photos?ids={bad}")
        assert reply.status == 400 and reply.json()["param"] == "ids", (bad, reply.body[:200])


def test_export_with_photos_from_a_pinned_self_signed_server(tmp_path: Path) -> None:
    """Over TLS with a pinned self-signed certificate (a site's usual set-up), the streamed
    download and the photo stream check the pin as every other read does."""
    import zipfile

    from gui.core import features, pinning, tls
    from gui.core.receiver import Receiver, ReceiverConfig
    from gui.settings import Settings

    cert_pem, key_pem = tls.make_self_signed(["127.0.0.1"])
    tls.write_pair(tmp_path / "s.crt", tmp_path / "s.key", cert_pem, key_pem)
    pin = pinning.fingerprint(tls.pem_to_der(cert_pem))
    rec = Receiver(ReceiverConfig(
        data_dir=tmp_path / "server", port=0, bind="127.0.0.1",
        tls_cert=str(tmp_path / "s.crt"), tls_key=str(tmp_path / "s.key"), tls_port=0,
    ))  # fmt: skip
    features.install(rec, Settings())
    server = ReceiverThread(rec)
    server.start()
    try:
        ids = _many_with_photos(Client(rec.port), 3)
        url = f"https://127.0.0.1:{rec.tls_port}"
        core = AttachedCore(RemoteServer.parse(url).with_pin(pin), data_dir=tmp_path / "me")
        window = ReceiverThread(core)
        window.start()
        try:
            got = core.reader.export(
                query.EventFilter(), tmp_path / "r.csv", "csv", images=tmp_path / "r.zip"
            )
            assert got.events == len(ids) and got.images > len(ids)
            with zipfile.ZipFile(tmp_path / "r.zip") as z:
                assert len(z.namelist()) == got.images
            # another certificate's pin is refused, by the export too
            other = AttachedCore(
                RemoteServer.parse(url).with_pin(pinning.fingerprint(b"another")),
                data_dir=tmp_path / "other",
            )
            other_thread = ReceiverThread(other)
            other_thread.start()
            try:
                with pytest.raises(RemoteError):
                    other.reader.export(query.EventFilter(), tmp_path / "o.csv", "csv")
            finally:
                other_thread.stop()
            assert not (tmp_path / "o.csv").exists()
        finally:
            window.stop()
    finally:
        server.stop()
