"""PostgreSQL: event counts per UTC hour and day, kept as events are stored, for statistics.

The Statistics page over 90 days used to aggregate every event of the range
(a million index entries: 1.3 s of server CPU). Here each write transaction
adds its events to ``event_counts`` rows (schema v7), and statistics sum those
rows for the whole hours and days of a range: a few tens of thousands of narrow
rows instead of every event. Only the range's ragged ends (before its first
whole hour or day, after its last) are still counted from the events.

The rows are kept by statement-level triggers on ``events`` (insert, update,
delete; ``COPY`` and ``gatewatch migrate`` included), in the same transaction
as the events themselves, so counts are exact at any moment:

- ``dim`` 0: events per UTC hour and person type (key: the type, ``''`` for none);
- ``dim`` 1: events per UTC hour and device (key: ``coalesce(ep_id, device_id, '')``);
- ``dim`` 2: events per UTC day and identity, strangers left out (key: identity_id);
- ``dim`` 3: the same per week (7 UTC days from day 0, 1970-01-01): a site's
  identities come back day after day, so 90 days are 12 weeks' rows and a few days';

self-tests are never counted. Each row also names its ``writer``, the server
process of the connection that counted (``pg_backend_pid()``): receivers
sharing a database add to rows of their own, so none waits on another's row
lock until commit, and readers sum every writer's rows. A deletion (retention)
subtracts on the deleting connection's rows; ``compact`` then folds a period's
rows into one per key and drops the keys whose count is back to 0.

Local hours and days are whole UTC hours in every zone whose offset is a whole
number of hours; a zone like Asia/Kathmandu (+05:45) is counted from the
events, as before (``gui.core.stats``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gui.core.dbapi import Connection

HOUR = 3_600_000
DAY = 86_400_000
PERSON_TYPE, DEVICE, IDENTITY, IDENTITY_WEEK = 0, 1, 2, 3
WEEK = 7  # days
STRANGER = 4

#: ``ts`` floored to whole periods (``/`` truncates towards zero; ``mod`` keeps it exact
#: for times before 1970 too).
_HOUR_OF = f"(e.ts - mod(mod(e.ts, {HOUR}) + {HOUR}, {HOUR})) / {HOUR}"
_DAY_OF = f"(e.ts - mod(mod(e.ts, {DAY}) + {DAY}, {DAY})) / {DAY}"
_WEEK_OF = f"({_DAY_OF} - mod(mod({_DAY_OF}, {WEEK}) + {WEEK}, {WEEK})) / {WEEK}"
_IDENTITY = f"CASE WHEN coalesce(e.person_type, 0) <> {STRANGER} THEN e.identity_id END"

#: The counted keys of events ``e`` (a transition table) with their sign ``e.n``.
_KEYS = (
    "SELECT k.dim, k.period, k.key, k.n FROM ({events}) AS e CROSS JOIN LATERAL (VALUES"
    f" (0::smallint, {_HOUR_OF}, coalesce(e.person_type::text, ''), e.n),"
    f" (1::smallint, {_HOUR_OF}, coalesce(e.ep_id, e.device_id, ''), e.n),"
    f" (2::smallint, {_DAY_OF}, {_IDENTITY}, e.n),"
    f" (3::smallint, {_WEEK_OF}, {_IDENTITY}, e.n)"
    ") AS k (dim, period, key, n) WHERE k.key IS NOT NULL"
)
_EVENTS = "SELECT ts, person_type, ep_id, device_id, identity_id, {sign} AS n FROM {table}"


def _add_counts(events: str) -> str:
    return (
        "INSERT INTO event_counts AS c (dim, period, key, writer, n)"
        " SELECT dim, period, key, pg_backend_pid(), sum(n)"
        f" FROM ({_KEYS.format(events=events)}) AS changes"
        " GROUP BY dim, period, key HAVING sum(n) <> 0"
        " ON CONFLICT (dim, period, key, writer) DO UPDATE SET n = c.n + excluded.n"
    )


def _counted(table: str, sign: int) -> str:
    return _EVENTS.format(sign=sign, table=table) + " WHERE self_test = 0"


#: Schema v7 (``pg_schema``): the table, its triggers, and the counts of the events there.
SCHEMA = [
    "CREATE TABLE event_counts ("
    " dim smallint NOT NULL,"  # PERSON_TYPE / DEVICE (hours), IDENTITY (days, weeks)
    " period bigint NOT NULL,"  # UTC hours, days or weeks since 1970-01-01
    " key text NOT NULL,"
    " writer integer NOT NULL,"  # pg_backend_pid() of the connection that counted
    " n integer NOT NULL,"
    " PRIMARY KEY (dim, period, key, writer))",
    "CREATE FUNCTION gatewatch_count_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'INSERT' THEN "
    + _add_counts(_counted("new_events", 1))
    + "; ELSIF TG_OP = 'DELETE' THEN "
    + _add_counts(_counted("old_events", -1))
    + "; ELSE "
    + _add_counts(_counted("new_events", 1) + " UNION ALL " + _counted("old_events", -1))
    + "; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER events_counted_insert AFTER INSERT ON events"
    " REFERENCING NEW TABLE AS new_events"
    " FOR EACH STATEMENT EXECUTE FUNCTION gatewatch_count_events()",
    "CREATE TRIGGER events_counted_delete AFTER DELETE ON events"
    " REFERENCING OLD TABLE AS old_events"
    " FOR EACH STATEMENT EXECUTE FUNCTION gatewatch_count_events()",
    "CREATE TRIGGER events_counted_update AFTER UPDATE ON events"
    " REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events"
    " FOR EACH STATEMENT EXECUTE FUNCTION gatewatch_count_events()",
    # The events already there (the triggers hold the table against writes until commit).
    _add_counts(_counted("events", 1)).replace("pg_backend_pid()", "0"),
    "ANALYZE event_counts",
]


def bucket_counts(
    conn: Connection, first_hour: int, end_hour: int, off: int, width: int
) -> tuple[list[Any], list[Any]]:
    """For UTC hours ``first_hour <= hour < end_hour`` of a segment whose offset ``off``
    (ms) is whole hours: ``[(dim, bucket index, key, n)]`` by buckets of ``width`` ms
    (the index as ``stats`` computes it from an event's ``ts``: ``(ts + off) / width``)
    and ``[(local hour of the day, strangers)]``; every writer's rows summed in SQL, so
    the caller handles a row per bucket and key, not one per hour."""
    rows = conn.execute(
        "SELECT dim, (period * ? + ?) / ?, key, CAST(sum(n) AS bigint) FROM event_counts"
        " WHERE dim IN (0, 1) AND period >= ? AND period < ?"
        " GROUP BY 1, 2, 3 HAVING sum(n) <> 0",
        (HOUR, off, width, first_hour, end_hour),
    ).fetchall()
    strangers = conn.execute(
        "SELECT mod((period * ? + ?) / ?, 24), CAST(sum(n) AS bigint) FROM event_counts"
        " WHERE dim = 0 AND key = ? AND period >= ? AND period < ? GROUP BY 1",
        (HOUR, off, HOUR, str(STRANGER), first_hour, end_hour),
    ).fetchall()
    return rows, strangers


_FROM_EVENTS = (
    "SELECT identity_id, 1 FROM events WHERE ts >= ? AND ts < ? AND self_test = 0"
    f" AND identity_id IS NOT NULL AND coalesce(person_type, 0) <> {STRANGER}"
)
#: Identities' events over a range: its whole UTC weeks [?, ?) and the whole days
#: [?, ?) and [?, ?) beside them from the counts, the ragged ends [?, ?) and [?, ?)
#: from the events (``events_for_statistics``, index-only); ranked.
TOP_IDENTITIES = (
    "SELECT identity_id, CAST(sum(n) AS bigint) FROM ("
    " SELECT key AS identity_id, n FROM event_counts WHERE dim = 3 AND period >= ? AND period < ?"
    " UNION ALL SELECT key, n FROM event_counts WHERE dim = 2 AND period >= ? AND period < ?"
    " UNION ALL SELECT key, n FROM event_counts WHERE dim = 2 AND period >= ? AND period < ?"
    f" UNION ALL {_FROM_EVENTS} UNION ALL {_FROM_EVENTS}"
    ") AS counted (identity_id, n) GROUP BY identity_id HAVING sum(n) > 0"
    ' ORDER BY 2 DESC, identity_id COLLATE "C" LIMIT ?'
)


def _whole(first: int, end: int, size: int) -> tuple[int, int]:
    """The whole ``size``-long periods ``[a, b)`` within ``[first, end)`` (``b <= a``: none)."""
    return -(-first // size), end // size


def identity_ranges(since: int, until: int) -> list[tuple[int, int]]:
    """``[weeks, days before them, days after them, ms before, ms after]`` as half-open
    ranges (empty ones ``(x, x)``) that together cover ``[since, until)`` once."""
    first_day, end_day = _whole(since, until, DAY)
    if end_day <= first_day:
        return [(0, 0), (0, 0), (0, 0), (since, until), (until, until)]
    first_week, end_week = _whole(first_day, end_day, WEEK)
    if end_week <= first_week:
        weeks, before, after = (0, 0), (first_day, end_day), (end_day, end_day)
    else:
        weeks = (first_week, end_week)
        before, after = (first_day, first_week * WEEK), (end_week * WEEK, end_day)
    return [weeks, before, after, (since, first_day * DAY), (end_day * DAY, until)]


#: The ranked identities' greatest name and person type in the range, read from
#: ``events_by_identity`` (schema v7: it carries them), not from the rows.
IDENTITY_NAMES = (
    'SELECT identity_id, max(identity_name COLLATE "C"), max(person_type) FROM events'
    " WHERE identity_id = ANY(CAST(? AS text[])) AND ts >= ? AND ts < ? AND self_test = 0"
    f" AND coalesce(person_type, 0) <> {STRANGER} GROUP BY identity_id"
)


def top_identities(
    conn: Connection, since: int, until: int, top: int
) -> dict[str, tuple[int, Any, Any]]:
    """``identity_id -> (events, greatest name, greatest person type)`` of the ``top``
    identities with events in ``[since, until)``, strangers and self-tests left out."""
    ranges = [bound for pair in identity_ranges(since, until) for bound in pair]
    ranked = conn.execute(TOP_IDENTITIES, (*ranges, top)).fetchall()
    if not ranked:
        return {}
    names = {
        r[0]: (r[1], r[2])
        for r in conn.execute(IDENTITY_NAMES, ([r[0] for r in ranked], since, until)).fetchall()
    }
    return {ident: (int(n), *names.get(ident, (None, None))) for ident, n in ranked}


#: SQLSTATEs of a lock waited for too long (``lock_timeout``) and of a deadlock.
_LOCK_FAILURES = ("55P03", "40P01")


def compact(conn: Connection, times: Iterable[int]) -> None:
    """Fold every writer's rows of the hours, days and weeks holding ``times`` (ms) into one row
    per key on this connection's writer, dropping keys counted 0 (after retention).

    A writer adding to one of those rows meanwhile either waits for this and then
    inserts anew, or is waited for and its count folded in: no count is lost. A
    period is compacted again by the next retention job if this one gives up on a
    lock held long (the writer's own transaction).
    """
    stamps = list(times)
    if not stamps:
        return
    hours = sorted({t // HOUR for t in stamps})
    days = sorted({t // DAY for t in stamps})
    weeks = sorted({d // WEEK for d in days})
    if not getattr(conn, "in_transaction", True):  # called on its own: a transaction of its own
        conn.execute("BEGIN")
        try:
            compact(conn, stamps)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return
    previous = conn.execute("SELECT current_setting('lock_timeout')").fetchone()[0]
    conn.execute("SAVEPOINT compact_counts")
    try:
        conn.execute("SELECT set_config('lock_timeout', '100ms', true)")
        gone = conn.execute(
            "DELETE FROM event_counts WHERE (dim IN (0, 1) AND period = ANY(CAST(? AS bigint[])))"
            " OR (dim = 2 AND period = ANY(CAST(? AS bigint[])))"
            " OR (dim = 3 AND period = ANY(CAST(? AS bigint[]))) RETURNING dim, period, key, n",
            (hours, days, weeks),
        ).fetchall()
        sums: dict[tuple[int, int, str], int] = {}
        for dim, period, key, n in gone:
            sums[(dim, period, key)] = sums.get((dim, period, key), 0) + n
        kept = [(k, n) for k, n in sums.items() if n]
        if kept:
            conn.execute(
                "INSERT INTO event_counts AS c (dim, period, key, writer, n)"
                " SELECT d, p, k, pg_backend_pid(), n FROM unnest(CAST(? AS smallint[]),"
                " CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[])) AS t (d, p, k, n)"
                " ON CONFLICT (dim, period, key, writer) DO UPDATE SET n = c.n + excluded.n",
                tuple(list(col) for col in zip(*((*k, n) for k, n in kept), strict=True)),
            )
    except Exception as exc:
        if getattr(exc, "sqlstate", None) not in _LOCK_FAILURES:  # only those are let go
            raise
        conn.execute("ROLLBACK TO SAVEPOINT compact_counts")
    conn.execute("RELEASE SAVEPOINT compact_counts")
    conn.execute("SELECT set_config('lock_timeout', ?, true)", (previous,))
