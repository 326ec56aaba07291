"""Alarms: raised by the core from stored events, acknowledged by people.

The core owns alarms so headless mode, the API and the desktop app see the
same ones; the GUI only shows, sounds and acknowledges them. Every change is
announced as an ``AlarmChanged`` message carrying a plain frozen ``Alarm``.

Rules come from the settings on every event (so edits apply at once): which
person types, optionally which devices and a minimum score; a cooldown folds
the same identity at the same camera into one open alarm with a count; an
event that was already old when it arrived raises a *late* alarm that is
shown and acknowledged but never sounded. Self-test events and re-arrivals of
an event already stored never raise anything.

Other features raise alarms of their own kind (``silence``, ``disk``...) with
``AlarmEngine.raise_alarm`` / ``raise_alarm_soon``.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from gui.core import scores, users
from gui.core.dbapi import Connection
from gui.core.messages import AlarmChanged
from gui.core.model import EventSummary, PersonType
from gui.core.portable import dialect_of

if TYPE_CHECKING:
    from gui.settings import Settings

log = logging.getLogger(__name__)

KIND_FACE = "face"
STATE_OPEN = "open"
STATE_ACKED = "acked"
#: Longest acknowledgement name / note we store (a pasted novel is a mistake).
MAX_BY = 200
MAX_NOTE = 2000

_COLUMNS = (
    "id, kind, late, event_id, person_type, identity_id, identity_name, ep_id, count, "
    "first_at, last_at, state, acked_by, acked_at, note, detail, "
    # when the person was seen (the event's own time): a late alarm shows it beside arrival
    "(SELECT e.timestamp FROM events e WHERE e.id = alarms.event_id)"
)


class AlarmError(Exception):
    """Base of the acknowledgement errors; ``status`` is the HTTP status to answer with."""

    status = 400


class AlarmNotFound(AlarmError):
    status = 404


class AlreadyAcknowledged(AlarmError):
    status = 409


class BulkNotAllowed(AlarmError):
    """Blacklist alarms are acknowledged one by one, on purpose."""

    status = 409


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm as stored; plain and immutable so it can cross to the GUI thread."""

    id: int
    kind: str
    late: bool
    event_id: int | None
    person_type: int | None
    identity_id: str | None
    identity_name: str | None
    ep_id: str | None
    count: int
    first_at: int
    last_at: int
    state: str
    acked_by: str | None
    acked_at: int | None
    note: str | None
    detail: str | None = None
    #: When the box saw the person (the event's timestamp); ``first_at`` is when it arrived.
    seen_at: int | None = None

    @property
    def is_open(self) -> bool:
        return self.state == STATE_OPEN

    @property
    def sounds(self) -> bool:
        """Whether this alarm should sound while open: late alarms never do."""
        return self.is_open and not self.late

    @property
    def is_blacklist(self) -> bool:
        return self.person_type == PersonType.BLACKLIST

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "late": self.late,
            "event_id": self.event_id,
            "person_type": self.person_type,
            "identity_id": self.identity_id,
            "identity_name": self.identity_name,
            "ep_id": self.ep_id,
            "count": self.count,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "state": self.state,
            "acked_by": self.acked_by,
            "acked_at": self.acked_at,
            "note": self.note,
            "seen_at": self.seen_at,
            "detail": self.detail,
        }

    @classmethod
    def from_row(cls, row: Any) -> Alarm:
        values = tuple(row)
        return cls(
            id=values[0],
            kind=values[1],
            late=bool(values[2]),
            event_id=values[3],
            person_type=values[4],
            identity_id=values[5],
            identity_name=values[6],
            ep_id=values[7],
            count=values[8],
            first_at=values[9],
            last_at=values[10],
            state=values[11],
            acked_by=values[12],
            acked_at=values[13],
            note=values[14],
            detail=values[15],
            seen_at=values[16] if len(values) > 16 else None,
        )


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def default_operator(settings: Settings | None = None) -> str:
    """Who acknowledges when no name is given: the shift's typed name, else the OS user."""
    name = settings.operator_name.strip() if settings is not None else ""
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (services, some containers)
        return "unknown"


# -- reads (any connection) -------------------------------------------------------------


def get_alarm(conn: Connection, alarm_id: int) -> Alarm | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM alarms WHERE id = ?", (alarm_id,)).fetchone()
    return Alarm.from_row(row) if row is not None else None


def list_alarms(
    conn: Connection,
    state: str | None = None,
    limit: int = 500,
    *,
    before_id: int | None = None,
) -> list[Alarm]:
    """Newest first; ``state`` None for all; ``before_id`` pages below an alarm id."""
    where: list[str] = []
    params: list[Any] = []
    if state is not None:
        where.append("state = ?")
        params.append(state)
    if before_id is not None:
        where.append("id < ?")
        params.append(before_id)
    sql = f"SELECT {_COLUMNS} FROM alarms"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [Alarm.from_row(r) for r in rows]


def count_open(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM alarms WHERE state = 'open'").fetchone()[0]


#: Alarm changes kept for stream clients catching up (``changes_after``).
KEEP_CHANGES = 100_000
#: The PostgreSQL channel notified (at commit) of every alarm change, payload its seq.
ALARMS_CHANNEL = "gatewatch_alarms"
#: Prune the change log every this many changes.
PRUNE_CHANGES_EVERY = 1000


def record_change(
    conn: Connection, alarm: Alarm, change: str, at: int, origin: str | None = None
) -> int:
    """Number a change in ``alarm_changes`` (in the change's own transaction); its ``seq``.

    ``alarm`` is the alarm right after the change: kept with it, so catch-up
    replays the change as it was. ``origin`` names the receiver that made it
    (``origin_of``): a receiver relaying what others changed in a shared
    database skips its own.
    """
    row = conn.execute(
        "INSERT INTO alarm_changes (alarm_id, change, at, origin, alarm) VALUES (?, ?, ?, ?, ?)"
        " RETURNING seq",
        (alarm.id, change, at, origin, json.dumps(alarm.to_json(), ensure_ascii=False)),
    ).fetchone()
    seq = int(row[0])
    if dialect_of(conn).is_postgres:  # wakes the other receivers' relays at commit
        conn.execute("SELECT pg_notify(?, ?)", (ALARMS_CHANNEL, str(seq)))
    if seq % PRUNE_CHANGES_EVERY == 0:
        conn.execute("DELETE FROM alarm_changes WHERE seq <= ?", (seq - KEEP_CHANGES,))
    return seq


_ORIGINS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def origin_of(receiver: Any) -> str:
    """A token naming ``receiver`` in the changes it stores (random, one per receiver object)."""
    token = _ORIGINS.get(receiver)
    if token is None:
        token = _ORIGINS[receiver] = secrets.token_hex(8)
    return token


def last_change_seq(conn: Connection) -> int:
    """The newest alarm change's ``seq`` (0 when none): where a new stream client starts."""
    row = conn.execute("SELECT max(seq) FROM alarm_changes").fetchone()
    return int(row[0] or 0)


def changes_after(conn: Connection, seq: int, limit: int = 1000) -> list[AlarmChanged]:
    """Alarm changes after ``seq``, oldest first, each with the alarm as it was then.

    The durable catch-up of ``/api/stream``: every change carries the alarm as it
    stood right after it (raised, folded with its count, acknowledged by whom,
    taken back), kept in ``alarm_changes.alarm``. A change recorded before that
    was kept (older databases) carries the alarm as it is now, and is skipped
    when the alarm is gone.
    """
    return [change for _origin, change in changes_with_origin(conn, "c.seq > ?", (seq,), limit)]


def alarm_of_json(text: str) -> Alarm | None:
    """The ``Alarm`` an ``alarm_changes.alarm`` snapshot holds (None if unreadable)."""
    try:
        d = json.loads(text)
        return Alarm(
            id=int(d["id"]), kind=d["kind"], late=bool(d.get("late")),
            event_id=d.get("event_id"), person_type=d.get("person_type"),
            identity_id=d.get("identity_id"), identity_name=d.get("identity_name"),
            ep_id=d.get("ep_id"), count=int(d["count"]), first_at=int(d["first_at"]),
            last_at=int(d["last_at"]), state=d["state"], acked_by=d.get("acked_by"),
            acked_at=d.get("acked_at"), note=d.get("note"), detail=d.get("detail"),
            seen_at=d.get("seen_at"),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        log.warning("an alarm change's kept state cannot be read; the current one is used")
        return None


def changes_with_origin(
    conn: Connection, where: str, params: tuple[Any, ...], limit: int = 1000
) -> list[tuple[str | None, AlarmChanged]]:
    """``(origin, change)`` of the changes matching ``where`` (over ``alarm_changes c``),
    each with the alarm as it was right after the change (``changes_after``)."""
    rows = conn.execute(
        f"SELECT c.seq, c.change, c.origin, c.alarm, alarms.id IS NOT NULL, {_COLUMNS}"
        " FROM alarm_changes c LEFT JOIN alarms ON alarms.id = c.alarm_id"
        f" WHERE ({where}) AND (c.alarm IS NOT NULL OR alarms.id IS NOT NULL)"
        " ORDER BY c.seq LIMIT ?",
        (*params, limit),
    ).fetchall()
    out = []
    for r in rows:
        then = alarm_of_json(r[3]) if r[3] is not None else None
        if then is None:
            if not r[4]:
                continue  # an unreadable kept state and the alarm is gone
            then = Alarm.from_row(tuple(r)[5:])
        out.append((r[2], AlarmChanged(r[1], then, int(r[0]))))
    return out


# -- rules ----------------------------------------------------------------------------------


def matches_rules(summary: EventSummary, settings: Settings) -> bool:
    """Whether a freshly stored event should raise (or fold into) a face alarm."""
    if summary.self_test or summary.merged:
        return False
    if summary.person_type is None or summary.person_type not in settings.alarm_person_types:
        return False
    devices = [d for d in settings.alarm_devices if d]
    if devices:
        names = {summary.ep_id, summary.device_id, summary.dev_sno, summary.ep_name}
        if not names.intersection(devices):
            return False
    if summary.person_type == PersonType.STRANGER and not stranger_rules_allow(
        summary, list(settings.alarm_stranger_rules or [])
    ):
        return False
    min_score = settings.alarm_min_score
    # A stranger's score is by definition low (nobody matched): the minimum is for matches.
    return (
        min_score is None
        or summary.person_type == PersonType.STRANGER
        or summary.score is None
        # In the box's own scale: the pipeline read its configuration (``score_scale``).
        or (scores.percent_on(summary.score, summary.score_scale) or 0.0)
        >= min_score_percent(min_score)
    )


@dataclass(frozen=True, slots=True)
class StrangerRule:
    """Strangers at ``camera`` (``*`` = any) raise alarms between ``start`` and ``end``.

    Minutes after local midnight; ``start > end`` runs over midnight (22:00-06:00),
    ``start == end`` is all day.
    """

    camera: str
    start: int
    end: int

    def covers(self, names: set[str | None], minute: int) -> bool:
        if self.camera != "*" and self.camera not in names:
            return False
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


def _minute(text: str) -> int:
    hours, _colon, minutes = text.strip().partition(":")
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
        raise ValueError(text)
    return (h * 60 + m) % (24 * 60)


def parse_stranger_rule(text: str) -> StrangerRule:
    """``"gate-2 22:00-06:00"``, ``"gate-2"`` (all day), ``"* 08:00-18:00"``; ValueError if not."""
    parts = text.strip().rsplit(None, 1)
    if not parts:
        raise ValueError("empty rule")
    if len(parts) == 2 and "-" in parts[1] and ":" in parts[1]:
        camera, window = parts
        start_text, _dash, end_text = window.partition("-")
        return StrangerRule(camera.strip(), _minute(start_text), _minute(end_text))
    return StrangerRule(text.strip(), 0, 0)


def stranger_rules_allow(summary: EventSummary, rules: list[str]) -> bool:
    """Whether a stranger's event falls under one of the rules (no rules: always)."""
    parsed = []
    for text in rules:
        try:
            parsed.append(parse_stranger_rule(text))
        except ValueError:
            log.warning("ignoring the stranger rule %r (expected 'CAMERA HH:MM-HH:MM')", text)
    if not parsed:
        return True
    import datetime as dt

    at = summary.timestamp if summary.timestamp is not None else summary.received_at
    try:
        local = dt.datetime.fromtimestamp(at / 1000)
    except (OverflowError, OSError, ValueError):
        local = dt.datetime.fromtimestamp(summary.received_at / 1000)
    minute = local.hour * 60 + local.minute
    names = {summary.ep_id, summary.device_id, summary.dev_sno, summary.ep_name}
    return any(rule.covers(names, minute) for rule in parsed)


def min_score_percent(min_score: float) -> float:
    """The rule's minimum as a percentage of each event's own scale (``gui.core.scores``).

    The setting holds a fraction of the scale (0.8 = 0.80 on a 0–1 box, 80 on a
    0–100 box; the Alarms page shows it as 80 %); a value above 1 is a percentage,
    as a minimum typed for a 0–100 box in earlier versions was stored.
    """
    return min_score * 100 if min_score <= 1 else min_score


def is_late(summary: EventSummary, settings: Settings) -> bool:
    """Already old on arrival (history catch-up): shown, never sounded."""
    late_after_s = settings.alarm_late_after_s
    if summary.timestamp is None or late_after_s < 0:
        return False
    return summary.received_at - summary.timestamp > late_after_s * 1000


# -- writer jobs ------------------------------------------------------------------------------


def raise_in(
    conn: Connection,
    *,
    kind: str,
    at: int,
    late: bool = False,
    event_id: int | None = None,
    person_type: int | None = None,
    identity_id: str | None = None,
    identity_name: str | None = None,
    ep_id: str | None = None,
    detail: str | None = None,
    fold_within_ms: int | None = 0,
    origin: str | None = None,
) -> AlarmChanged:
    """Fold into an open alarm with the same key, or insert a new one; on the writer.

    The open alarm is found through ``alarms_open_by_key`` (one index probe, however
    many alarms are open), so an upload of thousands of strangers costs thousands
    of probes, not thousands of scans.
    """
    existing = None
    if fold_within_ms is None or fold_within_ms > 0:
        dialect = dialect_of(conn)
        if dialect.is_postgres:
            # Several receivers share the database: the first to fold or raise for this
            # key holds it until its transaction commits, and the second then finds (and
            # folds into) that alarm instead of raising another.
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                (f"alarm\x1f{kind}\x1f{int(late)}\x1f{ep_id}\x1f{identity_id}",),
            )
        sql = (
            f"SELECT {_COLUMNS} FROM {dialect.indexed_by('alarms', 'alarms_open_by_key')}"
            " WHERE state = 'open' AND kind = ? AND late = ? AND ep_id IS NOT DISTINCT FROM ?"
            " AND identity_id IS NOT DISTINCT FROM ?"
        )
        params: list[Any] = [kind, int(late), ep_id, identity_id]
        if fold_within_ms is not None:
            sql += " AND last_at >= ?"
            params.append(at - fold_within_ms)
        row = conn.execute(sql + " ORDER BY last_at DESC LIMIT 1", params).fetchone()
        existing = Alarm.from_row(row) if row is not None else None
    if existing is not None:
        last_at = dialect_of(conn).greatest("last_at", "?")
        conn.execute(
            f"UPDATE alarms SET count = count + 1, last_at = {last_at},"
            " identity_name = coalesce(?, identity_name), detail = coalesce(?, detail)"
            " WHERE id = ?",
            (at, identity_name, detail, existing.id),
        )
        alarm_id, change = existing.id, "folded"
    else:
        row = conn.execute(
            "INSERT INTO alarms (kind, late, event_id, person_type, identity_id,"
            " identity_name, ep_id, count, first_at, last_at, state, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'open', ?) RETURNING id",
            (kind, int(late), event_id, person_type, identity_id, identity_name, ep_id,
             at, at, detail),
        ).fetchone()  # fmt: skip
        alarm_id, change = int(row[0]), "raised"
    if event_id is not None:
        conn.execute(
            "INSERT INTO alarm_events (alarm_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (alarm_id, event_id),
        )
    alarm = get_alarm(conn, alarm_id)
    assert alarm is not None
    return AlarmChanged(change, alarm, record_change(conn, alarm, change, at, origin))


def raise_job(
    *,
    kind: str,
    at: int,
    late: bool = False,
    event_id: int | None = None,
    person_type: int | None = None,
    identity_id: str | None = None,
    identity_name: str | None = None,
    ep_id: str | None = None,
    detail: str | None = None,
    fold_within_ms: int | None = 0,
    origin: str | None = None,
) -> Callable[[Connection], AlarmChanged]:
    """Fold into an open alarm with the same key, or insert a new one.

    The key is (kind, late, ep_id, identity_id). ``fold_within_ms`` is how
    recent the open alarm's last hit must be; None folds into any open one
    (a camera that is silent stays one alarm), 0 never folds. Runs on the
    writer, so two events racing cannot both open an alarm.
    """

    def job(conn: Connection) -> AlarmChanged:
        return raise_in(
            conn, kind=kind, at=at, late=late, event_id=event_id, person_type=person_type,
            identity_id=identity_id, identity_name=identity_name, ep_id=ep_id, detail=detail,
            fold_within_ms=fold_within_ms, origin=origin,
        )  # fmt: skip

    return job


def _clean_text(value: Any, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AlarmError(f"{what} must be text")
    value = value.strip()
    if len(value) > limit:
        raise AlarmError(f"{what} is longer than {limit} characters")
    return value or None


def ack_job(
    alarm_ids: list[int],
    by: str,
    note: str | None,
    at: int,
    *,
    bulk: bool,
    origin: str | None = None,
) -> Callable[[Connection], list[AlarmChanged]]:
    """Acknowledge alarms, all or none; refuses blacklist alarms in a bulk acknowledgement."""

    def job(conn: Connection) -> list[AlarmChanged]:
        alarms = []
        for alarm_id in alarm_ids:
            alarm = get_alarm(conn, alarm_id)
            if alarm is None:
                raise AlarmNotFound(f"alarm {alarm_id} not found")
            if not alarm.is_open:
                raise AlreadyAcknowledged(
                    f"alarm {alarm_id} was already acknowledged by {alarm.acked_by}"
                )
            if bulk and alarm.is_blacklist:
                raise BulkNotAllowed(
                    f"alarm {alarm_id} is a blacklist alarm: acknowledge it on its own"
                )
            alarms.append(alarm)
        changes = []
        for alarm in alarms:
            conn.execute(
                "UPDATE alarms SET state = 'acked', acked_by = ?, acked_at = ?, note = ?"
                " WHERE id = ? AND state = 'open'",
                (by, at, note, alarm.id),
            )
            updated = get_alarm(conn, alarm.id)
            assert updated is not None
            seq = record_change(conn, updated, "acked", at, origin)
            changes.append(AlarmChanged("acked", updated, seq))
        return changes

    return job


#: How long an acknowledgement can be taken back (a mis-click on the wrong alarm).
UNDO_WINDOW_MS = 30_000


class TooLateToUndo(AlarmError):
    status = 409


class NotYours(AlarmError):
    status = 403


def undo_ack_job(
    alarm_ids: list[int],
    at: int,
    *,
    window_ms: int = UNDO_WINDOW_MS,
    origin: str | None = None,
    only_by: str | None = None,
) -> Callable[[Connection], list[AlarmChanged]]:
    """Re-open alarms acknowledged less than ``window_ms`` ago, all or none.

    ``only_by``: a named API user may take back only its own acknowledgements.
    """

    def job(conn: Connection) -> list[AlarmChanged]:
        for alarm_id in alarm_ids:
            alarm = get_alarm(conn, alarm_id)
            if alarm is None:
                raise AlarmNotFound(f"alarm {alarm_id} not found")
            if alarm.is_open:
                raise AlarmError(f"alarm {alarm_id} is open: there is nothing to undo")
            if only_by is not None and alarm.acked_by != only_by:
                raise NotYours(
                    f"alarm {alarm_id} was acknowledged by {alarm.acked_by}: only they can"
                    " take it back"
                )
            if alarm.acked_at is None or alarm.acked_at < at - window_ms:
                raise TooLateToUndo(
                    f"alarm {alarm_id} was acknowledged more than {window_ms // 1000} s ago"
                )
        changes = []
        for alarm_id in alarm_ids:
            conn.execute(
                "UPDATE alarms SET state = 'open', acked_by = NULL, acked_at = NULL, note = NULL"
                " WHERE id = ? AND state = 'acked'",
                (alarm_id,),
            )
            updated = get_alarm(conn, alarm_id)
            assert updated is not None
            seq = record_change(conn, updated, "reopened", at, origin)
            changes.append(AlarmChanged("reopened", updated, seq))
        return changes

    return job


# -- the engine -------------------------------------------------------------------------------

_ENGINES: weakref.WeakKeyDictionary[Any, AlarmEngine] = weakref.WeakKeyDictionary()


def engine_for(receiver: Any) -> AlarmEngine | None:
    """The alarm engine installed on ``receiver``, if any (for other features and the GUI)."""
    return _ENGINES.get(receiver)


class AlarmEngine:
    """Turns stored events into alarms and acknowledgements into rows, on the core loop."""

    def __init__(self, receiver: Any, settings: Settings) -> None:
        self.receiver = receiver
        #: Shared with the GUI thread, which may change it: read through ``snapshot()``.
        self.settings = settings
        self._tasks: set[asyncio.Task[Any]] = set()

    def install(self) -> None:
        self.receiver.event_hooks.append(self.in_event_transaction)
        self.receiver.extensions.append(lambda app, ctx: install_routes(app, ctx, self))
        _ENGINES[self.receiver] = self

    def in_event_transaction(self, conn: Connection, stored: Any) -> Any:
        """An event's alarm, written in the event's own transaction (an ``EventHook``).

        A kill at any moment leaves an event that matches the rules with its alarm,
        or neither; and the alarm costs the upload that brought the event, never
        the next box's event (no separate writer job per alarm).
        """
        change = self.raise_for_event(conn, stored.summary)
        if change is None:
            return None
        return lambda: self._publish(change)

    def raise_for_event(self, conn: Connection, item: EventSummary) -> AlarmChanged | None:
        """The face alarm ``item`` raises or folds into, if it matches the rules."""
        rules = self.settings.snapshot()
        try:
            if not matches_rules(item, rules):
                return None
            late = is_late(item, rules)
            cooldown_ms = max(0, rules.alarm_cooldown_s) * 1000
        except Exception:  # a broken setting must not cost the event
            log.exception("alarm rules failed for event %s", item.id)
            return None
        return raise_in(
            conn,
            kind=KIND_FACE,
            at=item.received_at,
            late=late,
            event_id=item.id,
            person_type=item.person_type,
            identity_id=item.identity_id,
            identity_name=item.identity_name,
            ep_id=item.ep_id or item.device_id or item.dev_sno,
            detail=item.ep_name,  # the camera's name, for people (ep_id is often a URL)
            fold_within_ms=cooldown_ms,
            origin=origin_of(self.receiver),
        )

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _write_and_publish(self, job: Any) -> AlarmChanged | None:
        try:
            change = await self.receiver.store.write(job)
        except Exception as exc:
            log.error("could not store an alarm: %s", exc)
            return None
        self._publish(change)
        return change

    def _publish(self, change: AlarmChanged) -> None:
        if change.change == "raised":
            a = change.alarm
            log.info(
                "alarm %d raised: %s%s type=%s identity=%s camera=%s",
                a.id, a.kind, " (late)" if a.late else "", a.person_type, a.identity_id, a.ep_id,
            )  # fmt: skip
        self.receiver.publish(change)

    async def raise_alarm(
        self,
        kind: str,
        *,
        ep_id: str | None = None,
        identity_id: str | None = None,
        identity_name: str | None = None,
        detail: str | None = None,
        late: bool = False,
        fold_within_s: int | None = None,
        at: int | None = None,
    ) -> Alarm | None:
        """Raise an alarm of another kind (``silence``, ``disk``...); call on the core loop.

        By default it folds into an open alarm of the same kind and camera, so a
        condition that persists stays one alarm with a growing count.
        """
        job = raise_job(
            kind=kind, at=at if at is not None else now_ms(), late=late, ep_id=ep_id,
            identity_id=identity_id, identity_name=identity_name, detail=detail,
            fold_within_ms=None if fold_within_s is None else fold_within_s * 1000,
            origin=origin_of(self.receiver),
        )  # fmt: skip
        change = await self._write_and_publish(job)
        return change.alarm if change is not None else None

    def raise_alarm_soon(self, kind: str, **kwargs: Any) -> None:
        """``raise_alarm`` from synchronous code on the core loop (listeners)."""
        self._spawn(self.raise_alarm(kind, **kwargs))

    async def acknowledge(
        self, alarm_id: int, by: str | None = None, note: str | None = None
    ) -> Alarm:
        """Acknowledge one alarm; raises AlarmNotFound / AlreadyAcknowledged / AlarmError."""
        (change,) = await self._ack([alarm_id], by, note, bulk=False)
        return change.alarm

    async def acknowledge_many(
        self, alarm_ids: list[int], by: str | None = None, note: str | None = None
    ) -> list[Alarm]:
        """Acknowledge several at once (strangers); any blacklist alarm refuses the lot."""
        return [c.alarm for c in await self._ack(list(alarm_ids), by, note, bulk=True)]

    async def _ack(
        self, alarm_ids: list[int], by: str | None, note: str | None, *, bulk: bool
    ) -> list[AlarmChanged]:
        who = _clean_text(by, "by", MAX_BY) or default_operator(self.settings)
        text = _clean_text(note, "note", MAX_NOTE)
        job = ack_job(alarm_ids, who, text, now_ms(), bulk=bulk, origin=origin_of(self.receiver))
        changes = await self.receiver.store.write(job)
        for change in changes:
            log.info("alarm %d acknowledged by %s", change.alarm.id, who)
            self._publish(change)
        return changes

    async def undo_acknowledge(
        self, alarm_ids: list[int], *, only_by: str | None = None
    ) -> list[Alarm]:
        """Take acknowledgements back within ``UNDO_WINDOW_MS``; the alarms are open again."""
        job = undo_ack_job(
            list(alarm_ids), now_ms(), origin=origin_of(self.receiver), only_by=only_by
        )
        changes = await self.receiver.store.write(job)
        for change in changes:
            log.info("alarm %d re-opened (acknowledgement undone)", change.alarm.id)
            self._publish(change)
        return [c.alarm for c in changes]

    async def drain(self) -> None:
        """Wait for alarms being written (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def install(receiver: Any, settings: Settings) -> AlarmEngine:
    """Subscribe the alarm engine and its API routes to ``receiver`` (before it starts)."""
    engine = AlarmEngine(receiver, settings)
    engine.install()
    return engine


# -- API --------------------------------------------------------------------------------------


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )


def _error_body(status: int, message: str) -> dict[str, Any]:
    return {"code": status, "status": status, "message": message}


def _error(status: int, message: str) -> web.Response:
    return _json(_error_body(status, message), status)


def install_routes(app: web.Application, ctx: Any, engine: AlarmEngine) -> None:
    """``GET /api/alarms`` and ``POST /api/alarms/{id}/ack`` (the API guard applies)."""

    async def get_alarms(request: web.Request) -> web.Response:
        state = request.query.get("state") or None
        if state not in (None, STATE_OPEN, STATE_ACKED):
            return _error(400, "state must be 'open' or 'acked'")
        try:
            limit = int(request.query.get("limit", "500"))
        except ValueError:
            return _error(400, "limit must be an integer")
        limit = max(1, min(limit, 5000))
        before_text = request.query.get("before") or ""
        if before_text and (not before_text.isdigit() or len(before_text) > 19):
            return _json({**_error_body(400, "before must be an alarm id"), "param": "before"}, 400)
        before = int(before_text) if before_text else None
        alarms = await ctx.store.read(lambda c: list_alarms(c, state, limit, before_id=before))
        return _json({"alarms": [a.to_json() for a in alarms]})

    async def post_ack(request: web.Request) -> web.Response:
        try:
            alarm_id = int(request.match_info["alarm_id"])
        except ValueError:
            return _error(400, "alarm ids are integers")
        raw = await request.read()
        body: Any = {}
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                return _error(400, 'body must be JSON: {"by": "...", "note": "..."}')
        if not isinstance(body, dict):
            return _error(400, 'body must be a JSON object: {"by": "...", "note": "..."}')
        # A token's user is who acknowledges, whatever name the body claims; this PC
        # (loopback) is trusted with the name it sends, else the operator's name.
        caller = users.caller_of(request)
        by = caller.name if caller.named else body.get("by")
        try:
            alarm = await engine.acknowledge(alarm_id, by, body.get("note"))
        except AlarmError as exc:
            return _error(exc.status, str(exc))
        return _json(alarm.to_json())

    async def post_undo(request: web.Request) -> web.Response:
        """Take an acknowledgement back (within ``UNDO_WINDOW_MS``): the alarm is open again."""
        try:
            alarm_id = int(request.match_info["alarm_id"])
        except ValueError:
            return _error(400, "alarm ids are integers")
        caller = users.caller_of(request)  # a token's user undoes only its own
        try:
            (alarm,) = await engine.undo_acknowledge(
                [alarm_id], only_by=caller.name if caller.named else None
            )
        except AlarmError as exc:
            return _error(exc.status, str(exc))
        return _json(alarm.to_json())

    app.router.add_get("/api/alarms", get_alarms)
    app.router.add_post("/api/alarms/{alarm_id}/ack", post_ack)
    app.router.add_post("/api/alarms/{alarm_id}/undo", post_undo)
