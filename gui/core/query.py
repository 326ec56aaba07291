"""One filter and cursor builder for the read API, the history view and exports.

Events are ordered newest first by ``(ts, id)``; a cursor is the ``(ts, id)``
of the last row of a page, so paging stays correct while new events arrive
and each page is an index range scan, not an OFFSET.

The history view also sorts by score and by name. Those use keyset cursors
too, over their own index (``events_by_score``, ``events_by_name``, schema
v3): page N costs what page 1 costs, where OFFSET would re-read every earlier
row. The trade-off is that such cursors say "after this key", so a page is
always exact but a row whose score or name changes while paging (a merge
filling in a name) may show up twice or not at all — acceptable for browsing.

Substring search (``q``) scans the narrow covering index ``events_by_name``
instead of the table: about 130 ms for a million events whatever the query
length (two-character Chinese names included, which a trigram index could not
serve). See ``bench/history_bench.py``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gui.core.dbapi import Connection, RowLike
from gui.core.event_rows import EVENT_COLUMNS, event_to_json, images_by_event
from gui.core.portable import SQLITE, Dialect, dialect_of

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000

NAME_KEY = "ifnull(identity_name, '')"
ID_KEY = "ifnull(identity_id, '')"
#: Sort name -> the ordering key (ends with id, so it is unique) and its default direction.
#: The keys as SQLite spells them (its expression indexes); ``sort_keys`` for any engine.
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "time": (("ts", "id"), True),
    "score": (("ifnull(score, -1)", "id"), True),
    "name": ((NAME_KEY, ID_KEY, "id"), False),
}


def sort_keys(sort: str, dialect: Dialect = SQLITE) -> tuple[str, ...]:
    """The ordering key of ``sort`` in ``dialect``'s spelling (its indexes' expressions)."""
    if sort == "score":
        return (dialect.ifnull("score", "-1"), "id")
    if sort == "name":
        return (dialect.ifnull("identity_name", "''"), dialect.ifnull("identity_id", "''"), "id")
    return SORTS[sort][0]


class BadQuery(ValueError):
    """A query parameter that cannot be understood; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class EventFilter:
    """Everything people filter events on. Empty fields filter nothing."""

    since: int | None = None  # ms, inclusive, on the event timestamp
    until: int | None = None  # ms, inclusive
    person_types: tuple[int, ...] = ()
    device: str | None = None  # ep_id or device_id
    box: str | None = None  # any name of the box (dev_sno, SN, MAC...)
    q: str | None = None  # substring of name or id
    score_min: float | None = None
    score_max: float | None = None
    # Percent of each event's own scale (``gui.core.scores``): 93 matches 0.93 and 93.0.
    score_pct_min: float | None = None
    score_pct_max: float | None = None
    want_action: str | None = None
    has_warnings: bool | None = None
    acked: bool | None = None  # only events an alarm covered
    include_self_test: bool = True
    extra_sql: tuple[tuple[str, tuple[Any, ...]], ...] = field(default=())

    def where(self, dialect: Dialect = SQLITE) -> tuple[str, list[Any]]:
        """SQL condition over ``events`` (alias-free) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            parts.append("ts >= ?")
            params.append(self.since)
        if self.until is not None:
            parts.append("ts <= ?")
            params.append(self.until)
        if self.person_types:
            parts.append(f"person_type IN ({','.join('?' * len(self.person_types))})")
            params.extend(self.person_types)
        if self.device:
            parts.append("(ep_id = ? OR device_id = ?)")
            params.extend([self.device, self.device])
        if self.box:
            # Any name of the box (licence code, SN, MAC...) and its cameras' events.
            parts.append(
                "(dev_sno = ? OR dev_sno IN (SELECT a.alias FROM box_aliases a"
                " JOIN box_aliases b ON a.sn = b.sn WHERE b.alias = ?)"
                " OR ep_id IN (SELECT c.ep_id FROM cameras c JOIN box_aliases b"
                " ON c.box_sn = b.sn WHERE b.alias = ?)"
                " OR device_id IN (SELECT c.ep_id FROM cameras c JOIN box_aliases b"
                " ON c.box_sn = b.sn WHERE b.alias = ?))"
            )
            params.extend([self.box] * 4)
        if self.q:
            pattern: str | None = like_pattern(self.q)
            # ... or exactly the box's own event id (V6 ``event_id``, V5 record ``_id``).
            name, ident = sort_keys("name", dialect)[:2]
            match = f"{name} {dialect.like} ? ESCAPE '\\' OR {ident} {dialect.like} ? ESCAPE '\\'"
            if dialect.is_postgres and len(self.q.strip()) >= 3:
                # Trigram indexes serve these (schema v3 there); NULL never matches.
                parts.append(
                    "(identity_name ILIKE ? ESCAPE '\\' OR identity_id ILIKE ? ESCAPE '\\'"
                    " OR event_id = ?)"
                )
            elif dialect.is_postgres:
                # Too short for a trigram: the few thousand names events carry
                # (``event_names``, schema v5) are matched, then their events looked up;
                # an id must then be given whole (a one- or two-character piece of an
                # id matches most events anyway). ``fetch_rows`` and ``count`` give the
                # planner the matching names themselves (``_short_search_plan``).
                parts.append(f"(identity_name = ANY(ARRAY({NAMES_LIKE}))"
                             " OR identity_id = ? OR event_id = ?)")  # fmt: skip
                params.extend([pattern, self.q, self.q.strip()])
                pattern = None
            else:
                # The narrow covering index, not the table (see the module docstring).
                parts.append(
                    "(id IN (SELECT id FROM events INDEXED BY events_by_name WHERE"
                    f" {match}) OR event_id = ?)"
                )
            if pattern is not None:
                params.extend([pattern, pattern, self.q.strip()])
        # Deliberately not the key of ``events_by_score``: the planner cannot tell a
        # narrow range from a wide one, ``_score_plan`` decides when that index pays.
        if self.score_min is not None:
            parts.append("score >= ?")
            params.append(self.score_min)
        if self.score_max is not None:
            parts.append("score <= ?")
            params.append(self.score_max)
        if self.score_pct_min is not None:
            parts.append(f"{SCORE_PERCENT} >= ?")
            params.append(self.score_pct_min)
        if self.score_pct_max is not None:
            parts.append(f"{SCORE_PERCENT} <= ?")
            params.append(self.score_pct_max)
        if self.want_action is not None:
            parts.append("want_action = ?")
            params.append(self.want_action)
        if self.has_warnings is True:
            parts.append("warning_codes != ''")
        elif self.has_warnings is False:
            parts.append("warning_codes = ''")
        if self.acked is not None:
            state = "acked" if self.acked else "open"
            parts.append(
                "id IN (SELECT ae.event_id FROM alarm_events ae JOIN alarms a"
                " ON a.id = ae.alarm_id WHERE a.state = ?)"
            )
            params.append(state)
        if not self.include_self_test:
            parts.append("self_test = 0")
        for sql, extra in self.extra_sql:
            parts.append(sql)
            params.extend(extra)
        return (" AND ".join(parts) or "1 = 1"), params


def like_pattern(text: str) -> str:
    """``%text%`` with ``\\``, ``%`` and ``_`` matched literally (``ESCAPE '\\'``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def encode_cursor(ts: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{ts}:{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ts, event_id = text.split(":")
        return int(ts), int(event_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadQuery("before", "not a cursor this server gave out") from None


def encode_sort_cursor(sort: str, descending: bool, key: tuple[Any, ...]) -> str:
    """A cursor for any sort; the newest-first time cursor keeps its short form."""
    if sort == "time" and descending:
        return encode_cursor(int(key[0]), int(key[1]))
    text = json.dumps([sort, descending, list(key)], ensure_ascii=False, separators=(",", ":"))
    return "k" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_sort_cursor(cursor: str, sort: str, descending: bool) -> tuple[Any, ...]:
    """The key a cursor stands for; it must come from the same sort and direction."""
    if not cursor.startswith("k"):
        if sort != "time" or not descending:
            raise BadQuery("before", "this cursor belongs to another sort order")
        return decode_cursor(cursor)
    try:
        body = cursor[1:]
        got_sort, got_desc, key = json.loads(
            base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        )
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadQuery("before", "not a cursor this server gave out") from None
    expected = len(SORTS[sort][0])
    if (
        (got_sort, got_desc) != (sort, descending)
        or not isinstance(key, list)
        or len(key) != expected
    ):
        raise BadQuery("before", "this cursor belongs to another sort order")
    return tuple(key)


def parse_sort(params: Mapping[str, str]) -> tuple[str, bool]:
    """``sort=time|score|name`` and ``order=asc|desc`` (each sort has a natural default)."""
    sort = params.get("sort") or "time"
    if sort not in SORTS:
        raise BadQuery("sort", f"expected one of {', '.join(SORTS)}, got {sort!r}")
    order = params.get("order") or ""
    if order not in ("", "asc", "desc"):
        raise BadQuery("order", f"expected asc or desc, got {order!r}")
    descending = SORTS[sort][1] if not order else order == "desc"
    return sort, descending


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]
    next: str | None


#: Every name of a box configured with the 0–100 scale (``box_aliases.alias``).
_PERCENT_BOX_ALIASES = (
    "SELECT a.alias FROM box_aliases a JOIN boxes b ON a.sn = b.sn WHERE b.score_scale = '0-100'"
)

#: An event's score as a percentage of its own scale (the rule of ``gui.core.scores``):
#: above 1 it is a 0–100 score; else 0–100 when its box is configured so; else 0–1.
#: Its box by the identity rules (``scores.config_for``): the licence code, else the
#: MAC (``0x<12 hex>__``) or licence prefix of ``ep_id``, else, for an event naming
#: no box, its source address (``ip:<addr>``).
SCORE_PERCENT = (
    "(CASE WHEN score > 1"
    f" OR dev_sno IN ({_PERCENT_BOX_ALIASES})"
    " OR (substr(ep_id, 15, 2) = '__' AND 'mac:' || lower(substr(ep_id, 3, 12))"
    f" IN ({_PERCENT_BOX_ALIASES}))"
    " OR ((dev_sno IS NULL OR dev_sno = '') AND ep_id LIKE '%\\_\\_%' ESCAPE '\\'"
    f" AND EXISTS ({_PERCENT_BOX_ALIASES}"
    " AND substr(ep_id, 1, length(a.alias) + 2) = a.alias || '__'))"
    " OR ((dev_sno IS NULL OR dev_sno = '') AND (ep_id IS NULL OR ep_id NOT LIKE"
    " '%\\_\\_%' ESCAPE '\\')"
    f" AND 'ip:' || source_ip IN ({_PERCENT_BOX_ALIASES}))"
    " THEN score ELSE score * 100 END)"
)

#: PostgreSQL: the names events carry matching ``ILIKE ?`` (``event_names``, schema v5).
NAMES_LIKE = "SELECT name FROM event_names WHERE name ILIKE ? ESCAPE '\\'"


#: PostgreSQL: the identity ids events carry matching ``ILIKE ?`` (``event_identities``,
#: schema v9), at most ``?`` of them.
IDS_LIKE = "SELECT identity_id FROM event_identities WHERE identity_id ILIKE ? ESCAPE '\\' LIMIT ?"
#: More ids than this matching a search are matched by the events' own trigram index.
MAX_MATCHED_IDS = 1000


def _is_short_search(flt: EventFilter) -> bool:
    return bool(flt.q) and len(flt.q.strip()) < 3  # type: ignore[union-attr]


def _short_search_plan(conn: Connection, flt: EventFilter) -> EventFilter:
    """PostgreSQL, one or two characters: the matching names looked up first, so the
    planner sees them and their frequency. A frequent match (a common surname) is
    then read newest first, stopping at the page's end; a rare one through
    ``events_by_identity_name``. Behind a subquery the planner guessed, and read
    every event of a frequent name to sort them."""
    if not (_is_short_search(flt) and dialect_of(conn).is_postgres):
        return flt
    q = flt.q or ""
    names = [name for (name,) in conn.execute(NAMES_LIKE, (like_pattern(q),))]
    match = (
        "(identity_name = ANY(CAST(? AS text[])) OR identity_id = ? OR event_id = ?)",
        (names, q, q.strip()),
    )
    return replace(flt, q=None, extra_sql=(*flt.extra_sql, match))


#: A score range matching fewer rows than this is read through ``events_by_score``.
NARROW_SCORE_RANGE = 5000


def _score_plan(conn: Connection, flt: EventFilter) -> tuple[EventFilter, str]:
    """``(filter, FROM clause)``: narrow score ranges go through their index.

    A range few events fall in (``score > 8.9``) walked in time order reads the
    whole table to fill a page; through ``events_by_score`` it reads only those
    events and sorts them. A wide range is better walked in the requested order
    and filtered. Counting up to ``NARROW_SCORE_RANGE`` index entries tells which.
    """
    if (flt.score_min, flt.score_max, flt.score_pct_min, flt.score_pct_max) == (None,) * 4:
        return flt, "events"
    lo = -0.5 if flt.score_min is None else flt.score_min
    hi = 1e308 if flt.score_max is None else flt.score_max
    # A percentage range holds raw scores from pct_min / 100 (0–1) up to pct_max (0–100).
    if flt.score_pct_min is not None:
        lo = max(lo, min(flt.score_pct_min / 100, flt.score_pct_min))
    if flt.score_pct_max is not None:
        hi = min(hi, max(flt.score_pct_max, flt.score_pct_max / 100))
    if dialect_of(conn).is_postgres:
        # The range in the index's terms: the planner weighs it against its statistics
        # (a score nobody reaches is an empty index range, not a walk of the table).
        return replace(
            flt, extra_sql=(*flt.extra_sql, ("coalesce(score, -1) BETWEEN ? AND ?", (lo, hi)))
        ), "events"
    n = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM events INDEXED BY events_by_score"
        " WHERE ifnull(score, -1) BETWEEN ? AND ? LIMIT ?) AS narrow",
        (lo, hi, NARROW_SCORE_RANGE),
    ).fetchone()[0]
    if n >= NARROW_SCORE_RANGE:
        return flt, "events"
    index_range = ("ifnull(score, -1) BETWEEN ? AND ?", (lo, hi))
    return replace(
        flt, extra_sql=(*flt.extra_sql, index_range)
    ), "events INDEXED BY events_by_score"


def fetch_rows(
    conn: Connection,
    flt: EventFilter,
    *,
    limit: int = DEFAULT_LIMIT,
    before: tuple[Any, ...] | None = None,
    columns: str = EVENT_COLUMNS,
    sort: str = "time",
    descending: bool | None = None,
) -> list[RowLike]:
    """Rows of one page. ``before`` is the sort key of the last row already shown.

    The row's sort key is appended as extra columns (``sort_key(row)`` reads it).
    """
    dialect = dialect_of(conn)
    keys, default_desc = sort_keys(sort, dialect), SORTS[sort][1]
    desc = default_desc if descending is None else descending
    direction = " DESC" if desc else ""
    order = ", ".join(k + direction for k in keys)
    selected = ", ".join(f"{k} AS _k{i}" for i, k in enumerate(keys))

    alternatives = _search_alternatives(conn, flt)
    flt = replace(flt, q=None) if alternatives else _short_search_plan(conn, flt)
    flt, source = _score_plan(conn, flt)
    # PostgreSQL reads the page's ids first (``_rows_by_ids``): only the columns below.
    picked = "id" if dialect.is_postgres else columns

    def select(part: EventFilter) -> tuple[str, list[Any]]:
        where, params = part.where(dialect)
        if before is not None:
            op = "<" if desc else ">"
            where += f" AND ({', '.join(keys)}) {op} ({', '.join('?' * len(keys))})"
            params.extend(before)
        sql = f"SELECT {picked}, {selected} FROM {source} WHERE {where} ORDER BY {order} LIMIT ?"
        return sql, [*params, limit]

    parts = [flt]
    if flt.device:
        # "ep_id = ? OR device_id = ?" cannot walk one index in order (a million-row sort
        # for a busy camera); each half can, and merging two short ordered lists is cheap.
        parts = [
            replace(flt, device=None, extra_sql=(*flt.extra_sql, (f"{col} = ?", (flt.device,))))
            for col in ("ep_id", "device_id")
        ]
    elif len(flt.person_types) > 1 and source == "events":
        # Time, score and name have an index per person type (``events_by_person_type``,
        # ``events_by_type_score``, ``events_by_type_name``): one ordered walk per type,
        # merged, instead of sorting every event of several broad types. Left to
        # itself, SQLite without ANALYZE statistics sorted all 400,000 events of two
        # types by time for a first page (4 s at a million events).
        parts = [replace(flt, person_types=(t,)) for t in sorted(set(flt.person_types))]
    elif alternatives:
        # A search's names, its id and the box's event id each have an index of their own.
        parts = [replace(flt, extra_sql=(*flt.extra_sql, alt)) for alt in alternatives]
    if len(parts) == 1:
        sql, params = select(parts[0])
    else:
        selects = [select(part) for part in parts]
        merged_order = ", ".join(f"_k{i}{direction}" for i in range(len(keys)))
        # An event can match both camera halves or two alternatives of a search (UNION
        # drops the copy); types never overlap.
        glue = " UNION " if flt.device or alternatives else " UNION ALL "
        union = glue.join(f"SELECT * FROM ({q}) AS part{i}" for i, (q, _) in enumerate(selects))
        sql = f"{union} ORDER BY {merged_order} LIMIT ?"
        params = [*(p for _, ps in selects for p in ps), limit]
    if dialect.is_postgres:
        sql = _rows_by_ids(sql, columns, selected, order)
    return _planned(conn, sql, params).fetchall()


def _rows_by_ids(ids_sql: str, columns: str, selected: str, order: str) -> str:
    """PostgreSQL: the page's rows, read by id once ``ids_sql`` has found the ids.

    Finding the ids reads only the filter's and the sort's columns, which the indexes
    carry (schema v8): a rare filter's matches are sorted from the index alone
    (an index-only scan) instead of reading every matching row, five to a page,
    before the sort. Only the page's own rows are then read: what a first page after
    a reboot, with nothing in memory, has to wait for (``bench/pg_history_bench.py``).
    """
    return (
        f"SELECT {columns}, {selected} FROM events WHERE id = ANY(ARRAY("
        f"SELECT id FROM ({ids_sql}) AS page)) ORDER BY {order}"
    )


def _search_alternatives(conn: Connection, flt: EventFilter) -> list[tuple[str, tuple[Any, ...]]]:
    """PostgreSQL: a search (``q``) as its three alternatives, each served by an index:
    the names events carry that match (``event_names``, then ``events_by_identity_name``),
    the identity id (whole when shorter than three characters, else by its trigrams),
    the box's own event id. Empty where the filter is split otherwise (a camera,
    several types) or on SQLite."""
    if not flt.q or flt.device or len(flt.person_types) > 1 or not dialect_of(conn).is_postgres:
        return []
    q = flt.q
    pattern = like_pattern(q)
    names = [name for (name,) in conn.execute(NAMES_LIKE, (pattern,))]
    alternatives: list[tuple[str, tuple[Any, ...]]] = []
    if names:
        alternatives.append(("identity_name = ANY(CAST(? AS text[]))", (names,)))
    if _is_short_search(flt):
        alternatives.append(("identity_id = ?", (q,)))
    else:
        ids = [i for (i,) in conn.execute(IDS_LIKE, (pattern, MAX_MATCHED_IDS + 1))]
        if len(ids) > MAX_MATCHED_IDS:  # a piece of thousands of ids: their trigrams
            alternatives.append(("identity_id ILIKE ? ESCAPE '\\'", (pattern,)))
        elif ids:
            alternatives.append(("identity_id = ANY(CAST(? AS text[]))", (ids,)))
    alternatives.append(("event_id = ?", (q.strip(),)))
    return alternatives


def _planned(conn: Connection, sql: str, params: Any) -> Any:
    """Run a history read planned for its values (PostgreSQL: ``execute_planned``, never a
    generic plan); SQLite plans each statement anyway."""
    run = getattr(conn, "execute_planned", None) or conn.execute
    return run(sql, params)


def sort_key(row: RowLike, sort: str = "time") -> tuple[Any, ...]:
    """The keyset cursor value of a row from ``fetch_rows``."""
    n = len(SORTS[sort][0])
    return tuple(tuple(row)[-n:])


def fetch_page(
    conn: Connection,
    flt: EventFilter,
    *,
    limit: int = DEFAULT_LIMIT,
    before: str | None = None,
    sort: str = "time",
    descending: bool | None = None,
) -> Page:
    """One page of events as API JSON (newest first by default) and the cursor of the next."""
    desc = SORTS[sort][1] if descending is None else descending
    cursor = decode_sort_cursor(before, sort, desc) if before else None
    rows = fetch_rows(conn, flt, limit=limit + 1, before=cursor, sort=sort, descending=desc)
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0] for r in rows]
    images = images_by_event(conn, ids)
    n = len(SORTS[sort][0])
    events = [event_to_json(tuple(r)[:-n], images[r[0]]) for r in rows]
    nxt = encode_sort_cursor(sort, desc, sort_key(rows[-1], sort)) if more and rows else None
    return Page(events, nxt)


def iter_rows(conn: Connection, flt: EventFilter, *, batch: int = 500) -> Iterator[list[RowLike]]:
    """Every matching row, newest first, a batch at a time (bounded memory).

    Each batch is its own short read: a long export never pins an old WAL
    snapshot (which would stop checkpoints while the app keeps writing).
    """
    cursor: tuple[Any, ...] | None = None
    n = len(SORTS["time"][0])
    while True:
        rows = fetch_rows(conn, flt, limit=batch, before=cursor)
        if not rows:
            return
        yield [tuple(r)[:-n] for r in rows]
        cursor = sort_key(rows[-1])


def iter_events(
    conn: Connection, flt: EventFilter, *, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Every matching event as API JSON, newest first, a page at a time (bounded memory)."""
    for rows in iter_rows(conn, flt, batch=batch):
        images = images_by_event(conn, [r[0] for r in rows])
        for r in rows:
            yield event_to_json(r, images[r[0]])


def count(conn: Connection, flt: EventFilter) -> int:
    dialect = dialect_of(conn)
    flt, source = _score_plan(conn, _short_search_plan(conn, flt))
    if not flt.device:
        where, params = flt.where(dialect)
        sql = f"SELECT count(*) FROM {source} WHERE {where}"
        return _planned(conn, sql, params).fetchone()[0]
    halves = [
        replace(flt, device=None, extra_sql=(*flt.extra_sql, (f"{col} = ?", (flt.device,))))
        for col in ("ep_id", "device_id")
    ]
    (wa, pa), (wb, pb) = (h.where(dialect) for h in halves)
    sql = (
        f"SELECT count(*) FROM (SELECT id FROM {source} WHERE {wa}"
        f" UNION SELECT id FROM {source} WHERE {wb}) AS matching"
    )
    return _planned(conn, sql, [*pa, *pb]).fetchone()[0]


# -- parsing query strings (API and CLI) ------------------------------------------


def _int(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise BadQuery(name, f"expected an integer, got {shown!r}") from None
    if not -(2**63) <= number < 2**63:
        raise BadQuery(name, "out of range: a 64-bit integer is expected")
    return number


def _float(params: Mapping[str, str], name: str) -> float | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        result = float(value)
    except ValueError:
        raise BadQuery(name, f"expected a number, got {value!r}") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise BadQuery(name, "expected a finite number")
    return result


def _bool(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    lowered = value.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise BadQuery(name, f"expected true or false, got {value!r}")


def parse_person_types(value: str | None, name: str = "person_type") -> tuple[int, ...]:
    if not value:
        return ()
    try:
        types = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise BadQuery(name, f"expected numbers like 1,3, got {value!r}") from None
    if any(not 1 <= t <= 5 for t in types):
        raise BadQuery(name, "person types are 1 to 5")
    return types


def parse_filter(params: Mapping[str, str]) -> EventFilter:
    """``GET /api/events`` query parameters to a filter; raises BadQuery naming the parameter."""
    flt = EventFilter(
        since=_int(params, "since"),
        until=_int(params, "until"),
        person_types=parse_person_types(params.get("person_type")),
        device=params.get("device") or None,
        box=params.get("box") or None,
        q=params.get("q") or None,
        score_min=_float(params, "score_min"),
        score_max=_float(params, "score_max"),
        score_pct_min=_float(params, "score_pct_min"),
        score_pct_max=_float(params, "score_pct_max"),
        want_action=params.get("want_action") or None,
        has_warnings=_bool(params, "has_warnings"),
        acked=_bool(params, "acked"),
    )
    self_test = _bool(params, "self_test")
    if self_test is False:
        flt = replace(flt, include_self_test=False)
    return flt


def parse_limit(params: Mapping[str, str]) -> int:
    limit = _int(params, "limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit
