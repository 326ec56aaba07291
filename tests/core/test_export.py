"""Exports: CSV with BOM and dotted columns, JSON Lines, photos, atomicity, cancel, CLI."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from gui import cli
from gui.core import export, query
from gui.core.event_rows import load_event
from gui.core.store import Store
from tests.core.history_data import add, event, make_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    evs = [event(n, identity_name=["张伟", "CON", "a/b:c*?", "李娜"][n % 4]) for n in range(12)]
    evs[5]["identity_info"] = {**evs[5]["identity_info"], "department": "保安部"}
    add(s, evs)
    yield s
    s.close()


def test_csv_has_bom_dotted_columns_and_local_iso_times(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out" / "events.csv"
    seen: list[tuple[int, int]] = []
    result = export.export_events(
        store.reader(), query.EventFilter(), out, "csv", progress=lambda d, t: seen.append((d, t)),
        batch=5,
    )  # fmt: skip
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == result.events == 12
    assert seen[0] == (0, 12) and seen[-1] == (12, 12) and len(seen) == 4
    first = rows[0]
    assert first["ep_info.ep_name"] == "东门闸机 East gate"
    assert "identity_info.department" in first  # a key only one event has is a column too
    assert {r["identity_name"] for r in rows} >= {"张伟", "李娜"}
    stamp = datetime.fromisoformat(first["timestamp"])
    assert stamp.utcoffset() is not None
    assert int(stamp.timestamp() * 1000) == 1_700_000_000_000 + 11 * 1000
    assert json.loads(first["face_box"]) == [1272.0, 66.0, 1376.0, 186.0]
    assert sorted(first["images"].split()) == ["ir_pic", "recognize_face", "reg_pic", "spot_pic"]


def test_jsonl_is_the_api_shape_and_respects_the_filter(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    flt = query.EventFilter(q="张伟")
    export.export_events(store.reader(), flt, out, "jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first == load_event(store.reader(), first["id"])


@pytest.mark.parametrize("target", ["photos", "photos.zip"])
def test_photos_have_safe_unique_names(store: Store, tmp_path: Path, target: str) -> None:
    dest = tmp_path / target
    result = export.export_events(
        store.reader(), query.EventFilter(), tmp_path / "e.csv", images=dest
    )
    if dest.suffix == ".zip":
        with zipfile.ZipFile(dest) as z:
            names = z.namelist()
            data = z.read(names[0])
    else:
        names = [p.name for p in dest.iterdir()]
        data = (dest / names[0]).read_bytes()
    assert result.images == len(names) == 48
    assert len(set(n.lower() for n in names)) == 48
    assert data.startswith(b"\xff\xd8")  # the original JPEG bytes
    for name in names:
        assert not set('<>:"/\\|?*') & set(name)
        assert name.split(".")[0].split("_")[0].isascii()
    assert any("_张伟_spot_pic.jpg" in n for n in names)
    assert any("__CON_spot_pic" in n for n in names)  # reserved words escaped anyway
    assert list(tmp_path.glob(".*part*")) == []


def test_safe_name() -> None:
    assert export.safe_name("NUL") == "_NUL"
    assert export.safe_name("com1.txt") == "_com1.txt"
    assert export.safe_name('a<b>c:"d|e?f*') == "a_b_c__d_e_f_"
    assert export.safe_name("  dots... ") == "dots"
    assert export.safe_name("") == "unknown"
    assert len(export.safe_name("名" * 500)) == export.MAX_NAME_PART


def test_cancel_leaves_nothing_under_the_final_names(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    photos = tmp_path / "photos.zip"
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 4:
            cancel.set()

    with pytest.raises(export.ExportCancelled):
        export.export_events(
            store.reader(), query.EventFilter(), out, images=photos, progress=progress,
            cancel=cancel, batch=4,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_a_failing_export_keeps_the_previous_file(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    out.write_text("previous")

    def boom(done: int, total: int) -> None:
        if done:
            raise OSError("disk full")

    with pytest.raises(OSError):
        export.export_events(store.reader(), query.EventFilter(), out, progress=boom)
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == ["events.csv"]


def test_cli_export_while_the_store_is_open(store: Store, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli.jsonl"
    code = cli.main([
        "export", "--format", "jsonl", "--data-dir", str(store.data_dir), "--out", str(out),
        "--q", "李", "--person-type", "1", "--since", "1700000000000",
    ])  # fmt: skip
    assert code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert "exported 3 events" in capsys.readouterr().out
    # The store stays writable meanwhile (WAL: the export only reads).
    add(store, [event(99)])
    assert cli.main(["export", "--data-dir", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    assert cli.main(["export", "--data-dir", str(store.data_dir), "--out", str(out),
                     "--person-type", "9"]) == 2  # fmt: skip
