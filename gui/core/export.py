"""Exporting a filter's events: CSV, JSON Lines, and the original photos.

Shared by the history view's export dialog (on a worker thread) and
``gatewatch export``. Guarantees:

* streaming: events are read a batch at a time (``query.iter_rows``), so
  memory stays flat for any number of events;
* all or nothing: everything is written under a temporary name beside the
  target and renamed only when complete, so a cancelled or failed export never
  leaves a half-written file under the name the user chose;
* cancellable between batches (``cancel`` is a ``threading.Event``), with
  ``progress(done, total)`` after each batch.

CSV is UTF-8 with a BOM (Excel then reads Chinese correctly), one row per
event, nested fields flattened to dotted columns (``ep_info.ep_name``), lists
as JSON, times as ISO 8601 in local time with the offset. JSON Lines carries
each event exactly as ``GET /api/events/{id}`` returns it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from gui.core import query, scores
from gui.core.dbapi import Connection
from gui.core.event_rows import event_to_json, images_by_event, load_doc
from gui.core.portable import dialect_of

FORMATS = ("csv", "jsonl")
Progress = Callable[[int, int], None]

#: Top-level fields in CSV column order; dict-valued ones are flattened in place.
TOP_FIELDS = (
    "id", "timestamp", "received_at", "out_timestamp", "identity_id", "identity_name",
    "person_type", "score", "score_scale", "score_threshold", "want_action", "dev_sno",
    "ep_info", "identity_info",
    "recognize_face_attr", "face_box", "landmarks", "landmark_layout", "api_version", "format",
    "source_ip", "path", "warnings", "self_test", "pinned", "extra", "images",
)  # fmt: skip
NESTED = ("ep_info", "identity_info", "recognize_face_attr", "extra")
TIME_FIELDS = ("timestamp", "received_at", "out_timestamp")
EP_KEYS = ("ep_id", "ep_name", "ep_type", "ep_ip", "device_id")

_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_PART = 60


class ExportCancelled(Exception):
    """The user cancelled; nothing was left under the final names."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    events: int
    images: int
    images_path: Path | None
    seconds: float


# -- values -----------------------------------------------------------------------------


def _local(ms: int, tz: tzinfo | None) -> datetime | None:
    """``ms`` as local time; None when no calendar holds it (a box sent year 300000)."""
    try:
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        return moment.astimezone(tz) if tz is not None else moment.astimezone()
    except (OverflowError, ValueError, OSError):
        return None


def iso_local(ms: int | None, tz: tzinfo | None = None) -> str:
    """``2026-11-24T21:03:05.123+08:00``: local time with its offset, empty for None.

    A time out of the calendar's range is exported as its raw number.
    """
    if ms is None:
        return ""
    local = _local(ms, tz)
    return str(ms) if local is None else local.isoformat(timespec="milliseconds")


#: Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` before a formula start.

    Numbers written as text (``-12.5``) are left alone: no spreadsheet runs them.
    """
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return neutralise(value)
    return value


def flatten(event: dict[str, Any], tz: tzinfo | None = None) -> dict[str, Any]:
    """One API event as ``{dotted column: cell}``."""
    out: dict[str, Any] = {}
    for name in TOP_FIELDS:
        value = event.get(name)
        if name in NESTED:
            for key, sub in (value or {}).items():
                out[f"{name}.{key}"] = _cell(sub)
        elif name == "images":
            images = value or {}
            out["images"] = " ".join(k for k, v in images.items() if not v.get("purged"))
        elif name in TIME_FIELDS:
            out[name] = iso_local(value, tz)
        else:
            out[name] = _cell(value)
    return out


def _csv_columns(conn: Connection, flt: query.EventFilter) -> list[str]:
    """Every column the export will have: nested keys vary, so look at the docs once."""
    keys: dict[str, dict[str, None]] = {n: {} for n in NESTED}
    keys["ep_info"] = dict.fromkeys(EP_KEYS)
    where, params = flt.where(dialect_of(conn))
    for (doc_text,) in conn.execute(f"SELECT doc FROM events WHERE {where}", params):
        doc = load_doc(doc_text)
        for name in NESTED:
            sub = doc.get(name)
            if isinstance(sub, dict):
                for key in sub:
                    keys[name].setdefault(key)
    columns: list[str] = []
    for name in TOP_FIELDS:
        if name in NESTED:
            columns.extend(f"{name}.{key}" for key in keys[name])
        else:
            columns.append(name)
    return columns


# -- file names -------------------------------------------------------------------------


def safe_name(text: str, limit: int = MAX_NAME_PART) -> str:
    """A file-name part that Windows, macOS and Linux all accept."""
    cleaned = _UNSAFE.sub("_", text).strip().rstrip(". ")
    cleaned = re.sub(r"\s+", " ", cleaned)[:limit].rstrip(". ")
    if not cleaned:
        cleaned = "unknown"
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned


_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "WEBP": "webp"}


def image_file_name(event: dict[str, Any], kind: str, fmt: str, tz: tzinfo | None = None) -> str:
    """``<time>_<name>_<kind>.jpg`` with the event's local time."""
    ms = event.get("timestamp") or event.get("received_at") or 0
    local = _local(ms, tz) or _local(event.get("received_at") or 0, tz)
    stamp = local.strftime("%Y%m%d-%H%M%S") + f"-{ms % 1000:03d}" if local else f"t{ms}"
    who = event.get("identity_name") or event.get("identity_id") or "unknown"
    ext = _EXTENSIONS.get((fmt or "").upper(), "jpg")
    return f"{stamp}_{safe_name(str(who))}_{safe_name(kind, 30)}.{ext}"


class _UniqueNames:
    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate.lower() in self._seen:
            n += 1
            candidate = f"{stem}_{n}{dot}{ext}"
        self._seen.add(candidate.lower())
        return candidate


# -- writing ----------------------------------------------------------------------------


class _ImageSink:
    """Images into a staging folder or a temporary zip; ``commit`` moves them in place."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.is_zip = target.suffix.lower() == ".zip"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.names = _UniqueNames()
        if self.is_zip:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
            os.close(fd)
            self.tmp = Path(tmp)
            self.zip: zipfile.ZipFile | None = zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_STORED)
        else:
            self.tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.part."))
            self.zip = None

    def add(self, name: str, data: bytes) -> None:
        name = self.names(name)
        if self.zip is not None:
            # JPEGs do not compress; storing keeps the export fast.
            self.zip.writestr(name, data)
        else:
            (self.tmp / name).write_bytes(data)
        self.count += 1

    def commit(self) -> None:
        if self.zip is not None:
            self.zip.close()
            os.replace(self.tmp, self.target)
            return
        if not self.target.exists():
            os.replace(self.tmp, self.target)
            return
        self.target.mkdir(parents=True, exist_ok=True)
        for item in self.tmp.iterdir():
            final = self.target / item.name
            stem, suffix, n = item.stem, item.suffix, 1
            while final.exists():
                n += 1
                final = self.target / f"{stem}_{n}{suffix}"
            os.replace(item, final)
        self.tmp.rmdir()

    def discard(self) -> None:
        if self.zip is not None:
            with contextlib.suppress(Exception):
                self.zip.close()
            with contextlib.suppress(OSError):
                self.tmp.unlink()
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _batches(
    conn: Connection, flt: query.EventFilter, batch: int
) -> Iterator[list[dict[str, Any]]]:
    for rows in query.iter_rows(conn, flt, batch=batch):
        images = images_by_event(conn, [r[0] for r in rows])
        yield [event_to_json(r, images[r[0]]) for r in rows]


def _with_scale(event: dict[str, Any], book: scores.ScaleBook) -> dict[str, Any]:
    """A CSV row's event with its score's scale and box threshold (``gui.core.scores``).

    JSONL stays the API shape; a spreadsheet has no other way to tell 0.93 from 82.05.
    """
    ep_id = (event.get("ep_info") or {}).get("ep_id")
    scale, threshold = scores.context_of(
        book, event.get("score"), event.get("dev_sno"), ep_id, event.get("source_ip")
    )
    event["score_scale"] = scale
    event["score_threshold"] = threshold
    return event


def export_events(
    conn: Connection,
    flt: query.EventFilter,
    out: Path,
    fmt: str = "csv",
    *,
    images: Path | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    tz: tzinfo | None = None,
    batch: int = 500,
) -> ExportResult:
    """Write every event matching ``flt`` to ``out`` (and its photos to ``images``).

    Raises ``ExportCancelled`` when ``cancel`` is set; nothing is left behind then.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    total = query.count(conn, flt)
    if progress:
        progress(0, total)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    tmp = Path(tmp_name)
    sink = _ImageSink(Path(images)) if images is not None else None
    done = 0
    book = scores.scale_book(conn)
    try:
        with open(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
            writer: csv.DictWriter[str] | None = None
            if fmt == "csv":
                writer = csv.DictWriter(
                    f, fieldnames=_csv_columns(conn, flt), extrasaction="ignore"
                )
                writer.writeheader()
            for events in _batches(conn, flt, batch):
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled()
                for event in events:
                    if writer is not None:
                        writer.writerow(flatten(_with_scale(dict(event), book), tz))
                    else:
                        f.write(json.dumps(event, ensure_ascii=False) + "\n")
                if sink is not None:
                    _export_images(conn, events, sink, tz, cancel)
                done += len(events)
                if progress:
                    progress(done, max(total, done))
            if cancel is not None and cancel.is_set():
                raise ExportCancelled()
            f.flush()
            os.fsync(f.fileno())
        if sink is not None:
            sink.commit()
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if sink is not None:
            sink.discard()
        raise
    return ExportResult(
        path=out,
        events=done,
        images=sink.count if sink is not None else 0,
        images_path=Path(images) if images is not None else None,
        seconds=time.perf_counter() - started,
    )


def _export_images(
    conn: Connection,
    events: list[dict[str, Any]],
    sink: _ImageSink,
    tz: tzinfo | None,
    cancel: threading.Event | None,
) -> None:
    by_id = {e["id"]: e for e in events}
    marks = ",".join("?" * len(by_id))
    # One photo at a time off the cursor: a batch of scene photos can be tens of MB.
    for event_id, kind, fmt, data in conn.execute(
        f"SELECT event_id, kind, format, data FROM images WHERE event_id IN ({marks})"
        " AND data IS NOT NULL ORDER BY event_id DESC, kind",
        tuple(by_id),
    ):
        if cancel is not None and cancel.is_set():
            raise ExportCancelled()
        sink.add(image_file_name(by_id[event_id], kind, fmt, tz), bytes(data))


def iter_text(
    conn: Connection,
    flt: query.EventFilter,
    fmt: str = "csv",
    *,
    tz: tzinfo | None = None,
    batch: int = 500,
) -> Iterator[str]:
    """The file ``export_events`` writes, a batch of events at a time (``GET /api/export``).

    CSV starts with the BOM, as the file does; photos are not included (a window
    attached over the network fetches them from ``/api/events/{id}/images/{kind}``).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    book = scores.scale_book(conn)
    out = _TextBuffer()
    writer: csv.DictWriter[str] | None = None
    if fmt == "csv":
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=_csv_columns(conn, flt), extrasaction="ignore")
        writer.writeheader()
        yield out.take()
    for events in _batches(conn, flt, batch):
        for event in events:
            if writer is not None:
                writer.writerow(flatten(_with_scale(dict(event), book), tz))
            else:
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
        yield out.take()


class _TextBuffer:
    """A write-only text sink the CSV writer fills and ``iter_text`` empties per batch."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return len(text)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text
