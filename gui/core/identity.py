"""One box is one box: the names a box gives itself, resolved to one registry entry.

A box calls itself ``dev_sno`` (licence code) in V2–V5 events, ``mq_license_key``
in V6, ``gateway_sn`` (hardware SN) and ``gateway_mac`` in reports,
``reporter_id`` in V6 system reports, and from V2R6 on its MAC is the prefix of
every ``ep_id`` (``0xe0a509261422__…``). FIRMWARE_VARIANTS.md §7. Every name is
an *alias* in ``box_aliases``; a message carrying two names links them, and when
a link joins two registry entries they are merged (counts, times, last report,
cameras) into the one with the best name. Messages that name no box at all (SE3
real-time pushes, WebSocket events) are attributed by their source address.

Alias text: licence codes, SNs and reporter ids trimmed; MACs as ``mac:`` + 12
lower-case hex digits; source addresses as ``ip:`` + the address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from gui.core.dbapi import Connection
from gui.core.portable import columns_of, dialect_of

__all__ = [
    "KIND_RANK",
    "alias_of",
    "box_aliases",
    "display_alias",
    "ep_id_key",
    "merge_boxes",
    "normalise_mac",
    "resolve",
]

_HEX12 = re.compile(r"^[0-9a-f]{12}$")
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)

#: Which name becomes the box's key when entries merge (lower is better).
KIND_RANK = {"licence": 0, "sn": 1, "reporter": 2, "mac": 3, "ip": 4}


def normalise_mac(value: Any) -> str | None:
    """``e0:a5:09:00:32:31``, ``0xE0A509003231``, ``e0-a5-…`` -> ``e0a509003231``."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    text = text.replace(":", "").replace("-", "").replace(".", "")
    return text if _HEX12.match(text) and text != "000000000000" else None


def alias_of(kind: str, value: Any) -> str | None:
    """The alias text for one name of a box, or None when it names nothing."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if kind == "mac":
        mac = normalise_mac(str(value))
        return f"mac:{mac}" if mac else None
    text = str(value).strip()
    if not text:
        return None
    if kind == "ip":
        return f"ip:{text}"
    return text


def display_alias(alias: str) -> str:
    """``mac:e0a509003231`` -> ``e0:a5:09:00:32:31``; other aliases as they are."""
    if alias.startswith("mac:"):
        mac = alias[4:]
        return ":".join(mac[i : i + 2] for i in range(0, 12, 2))
    return alias


def ep_id_key(ep_id: Any) -> tuple[str, str] | None:
    """The box named by an ``ep_id`` prefix: ``("mac", …)``, ``("licence", …)`` or None.

    ``0x`` + 12 hex digits is the box's MAC (V2R6 on); a uuid names a camera,
    not a box; anything else (``<dev_sno>__<ip>``) is the licence code.
    """
    if not isinstance(ep_id, str) or "__" not in ep_id:
        return None
    prefix = ep_id.split("__", 1)[0].strip()
    if not prefix or _UUID.match(prefix):
        return None
    if prefix.lower().startswith("0x"):
        mac = normalise_mac(prefix)
        return ("mac", mac) if mac else None
    return ("licence", prefix)


def _kind_of_alias(alias: str) -> str:
    for prefix in ("mac", "ip"):
        if alias.startswith(prefix + ":"):
            return prefix
    return "licence"


# ---------------------------------------------------------------- database


def box_aliases(conn: Connection, sn: str) -> list[dict[str, str]]:
    """Every name of box ``sn``: ``[{"alias", "kind", "shown"}]``, best first."""
    rows = conn.execute(
        "SELECT alias, kind FROM box_aliases WHERE sn = ? ORDER BY first_seen, alias", (sn,)
    ).fetchall()
    out = [{"alias": a, "kind": k, "shown": display_alias(a)} for a, k in rows]
    out.sort(key=lambda d: KIND_RANK.get(d["kind"], 9))
    return out


def _ensure_box(conn: Connection, sn: str, now: int) -> None:
    if (
        dialect_of(conn).is_postgres
        and conn.execute("SELECT 1 FROM boxes WHERE sn = ?", (sn,)).fetchone()
    ):
        return  # known: an insert would wait on another receiver updating the row
    conn.execute(
        "INSERT INTO boxes (sn, first_seen, last_seen) VALUES (?, ?, ?)"
        " ON CONFLICT (sn) DO NOTHING",
        (sn, now, now),
    )


def _link(conn: Connection, alias: str, kind: str, sn: str, now: int) -> None:
    if dialect_of(conn).is_postgres:
        # Every batch names its boxes again: an upsert would lock the alias row until
        # the batch commits, and other receivers' batches naming the box would wait.
        have = conn.execute("SELECT sn, kind FROM box_aliases WHERE alias = ?", (alias,)).fetchone()
        if have is not None and (have[0], have[1]) == (sn, kind):
            return
    conn.execute(
        "INSERT INTO box_aliases (alias, sn, kind, first_seen) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (alias) DO UPDATE SET sn = excluded.sn, kind = excluded.kind",
        (alias, sn, kind, now),
    )


def _best(conn: Connection, sns: Iterable[str]) -> str:
    """The entry that survives a merge: the one with the best-ranked name, then the oldest."""

    def rank(sn: str) -> tuple[int, int, str]:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM box_aliases WHERE sn = ?", (sn,))]
        best = min((KIND_RANK.get(k, 9) for k in kinds), default=KIND_RANK[_kind_of_alias(sn)])
        first = conn.execute("SELECT first_seen FROM boxes WHERE sn = ?", (sn,)).fetchone()
        return (best, (first[0] if first and first[0] is not None else 2**62), sn)

    return min(sns, key=rank)


def _fold_tallies(conn: Connection, *sns: str) -> None:
    """PostgreSQL: the boxes' unfolded counts into their rows before they merge or rename."""
    if dialect_of(conn).is_postgres:
        from gui.core import tallies

        for sn in sns:
            tallies.fold(conn, keys=("box", sn))


def merge_boxes(conn: Connection, into: str, other: str) -> None:
    """Fold registry entry ``other`` into ``into``: counts add up, times span both,
    the newer health report wins, cameras and names move over."""
    if into == other:
        return
    _fold_tallies(conn, into, other)
    keep = conn.execute("SELECT * FROM boxes WHERE sn = ?", (into,)).fetchone()
    gone = conn.execute("SELECT * FROM boxes WHERE sn = ?", (other,)).fetchone()
    if gone is not None:
        cols = columns_of(conn, "boxes")
        if keep is None:
            conn.execute(
                f"INSERT INTO boxes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                (into, *tuple(gone)[1:]),
            )
        else:
            a = dict(zip(cols, tuple(keep), strict=True))
            b = dict(zip(cols, tuple(gone), strict=True))
            merged = dict(a)
            for col in cols:
                if col in ("first_seen", "score_min"):
                    vals = [v for v in (a[col], b[col]) if v is not None]
                    merged[col] = min(vals) if vals else None
                elif col in ("last_seen", "last_event_at", "last_report_at", "score_max"):
                    vals = [v for v in (a[col], b[col]) if v is not None]
                    merged[col] = max(vals) if vals else None
                elif col == "event_count":
                    merged[col] = (a[col] or 0) + (b[col] or 0)
                elif col in ("report", "health"):
                    newer = b if (b["last_report_at"] or 0) > (a["last_report_at"] or 0) else a
                    merged[col] = newer[col] if newer[col] is not None else a[col] or b[col]
                elif col == "source_ip":
                    newer = b if (b["last_seen"] or 0) > (a["last_seen"] or 0) else a
                    merged[col] = newer[col] or a[col] or b[col]
                elif col != "sn" and merged[col] in (None, ""):
                    merged[col] = b[col]
            sets = ", ".join(f"{c} = ?" for c in cols if c != "sn")
            conn.execute(
                f"UPDATE boxes SET {sets} WHERE sn = ?",
                (*(merged[c] for c in cols if c != "sn"), into),
            )
        conn.execute("DELETE FROM boxes WHERE sn = ?", (other,))
    conn.execute("UPDATE box_aliases SET sn = ? WHERE sn = ?", (into, other))
    conn.execute("UPDATE cameras SET box_sn = ? WHERE box_sn = ?", (into, other))


def resolve(
    conn: Connection,
    names: Sequence[tuple[str, Any]],
    source_ip: str | None,
    now: int,
) -> str | None:
    """The registry key (``boxes.sn``) of the box that sent a message; a writer job step.

    ``names`` are ``(kind, value)`` pairs the message carries (kinds of
    :data:`KIND_RANK`). All of them are linked to one entry, merging entries
    they used to name separately. With no name at all the box is found by
    ``source_ip``. Returns None only when there is nothing to go by.
    """
    aliases: list[tuple[str, str]] = []
    for kind, value in names:
        alias = alias_of(kind, value)
        if alias and all(alias != a for a, _ in aliases):
            aliases.append((alias, kind))
    ip_alias = alias_of("ip", source_ip) if source_ip else None
    if not aliases:
        if ip_alias is None:
            return None
        row = conn.execute("SELECT sn FROM box_aliases WHERE alias = ?", (ip_alias,)).fetchone()
        if row is not None:
            return str(row[0])
        _ensure_box(conn, ip_alias, now)
        _link(conn, ip_alias, "ip", ip_alias, now)
        return ip_alias
    known = _already_linked(conn, aliases, ip_alias)
    if known is not None:
        return known
    marks = ",".join("?" * len(aliases))
    found = {
        str(r[0])
        for r in conn.execute(
            f"SELECT DISTINCT sn FROM box_aliases WHERE alias IN ({marks})", [a for a, _ in aliases]
        )
    }
    if ip_alias is not None:
        # A box first seen only by its address (keyless real-time pushes) is this box.
        row = conn.execute("SELECT sn FROM box_aliases WHERE alias = ?", (ip_alias,)).fetchone()
        if row is not None and str(row[0]) == ip_alias:
            found.add(ip_alias)
    best_alias, best_kind = min(aliases, key=lambda a: KIND_RANK.get(a[1], 9))
    if not found:
        sn = best_alias
        _ensure_box(conn, sn, now)
    else:
        sn = _best(conn, found)
        for other in sorted(found - {sn}):
            merge_boxes(conn, sn, other)
        # A better name than the entry's key arrived: the entry takes it as its key.
        better = KIND_RANK.get(best_kind, 9) < KIND_RANK.get(_current_kind(conn, sn), 9)
        taken = conn.execute("SELECT 1 FROM boxes WHERE sn = ?", (best_alias,)).fetchone()
        if better and taken is None:
            _fold_tallies(conn, sn)
            conn.execute("UPDATE boxes SET sn = ? WHERE sn = ?", (best_alias, sn))
            conn.execute("UPDATE box_aliases SET sn = ? WHERE sn = ?", (best_alias, sn))
            conn.execute("UPDATE cameras SET box_sn = ? WHERE box_sn = ?", (best_alias, sn))
            sn = best_alias
    for alias, kind in aliases:
        _link(conn, alias, kind, sn, now)
    if ip_alias is not None:
        conn.execute(
            "INSERT INTO box_aliases (alias, sn, kind, first_seen) VALUES (?, ?, 'ip', ?)"
            " ON CONFLICT (alias) DO NOTHING",
            (ip_alias, sn, now),
        )
    return sn


def _already_linked(
    conn: Connection, aliases: Sequence[tuple[str, str]], ip_alias: str | None
) -> str | None:
    """The box, when every name (and the address) already points at it as they would after
    ``resolve``: nothing to link, merge or rename. One query instead of ~9 statements
    for the usual message, from a box the registry knows well.

    None when anything would change (then ``resolve`` takes the long way).
    """
    wanted = [a for a, _ in aliases] + ([ip_alias] if ip_alias is not None else [])
    marks = ",".join("?" * len(wanted))
    rows = {
        str(alias): (str(sn), str(kind))
        for alias, sn, kind in conn.execute(
            f"SELECT alias, sn, kind FROM box_aliases WHERE alias IN ({marks})", wanted
        )
    }
    sns = {rows[a][0] for a, _ in aliases if a in rows}
    if len(sns) != 1 or any(rows.get(a) != (next(iter(sns)), k) for a, k in aliases):
        return None  # a name new or moving, or two entries to merge
    sn = next(iter(sns))
    if ip_alias is not None:
        ip_row = rows.get(ip_alias)
        if ip_row is None or (ip_row[0] == ip_alias and ip_alias != sn):
            return None  # the address to record, or a box known by address to merge
    current = rows.get(sn)
    if current is None:
        return None  # the key is not among these names: let the long way rank it
    best_kind = min((k for _a, k in aliases), key=lambda k: KIND_RANK.get(k, 9))
    if KIND_RANK.get(best_kind, 9) < KIND_RANK.get(current[1], 9):
        return None  # a better name may become the key
    return sn


def _current_kind(conn: Connection, sn: str) -> str:
    row = conn.execute("SELECT kind FROM box_aliases WHERE alias = ?", (sn,)).fetchone()
    return str(row[0]) if row is not None else _kind_of_alias(sn)


# ---------------------------------------------------------------- migration


def rebuild_aliases(conn: Connection) -> None:
    """Learn the aliases already in a database and merge the boxes they link (migration).

    Sources: each box's key and its last report (``gateway_sn``, ``dev_sno``,
    MACs…), and each distinct (``dev_sno``, ``ep_id`` prefix) pair of the stored
    events — a 1.0 event names its box twice.
    """
    from gui.core.health import normalise_report

    boxes = conn.execute("SELECT sn, report, first_seen FROM boxes").fetchall()
    reports: dict[str, Any] = {}
    for sn, report, first_seen in boxes:
        # The stored key stays its own alias, whatever it looks like; what kind of
        # name it is comes from its report when the report repeats it.
        mac = normalise_mac(sn) if sn.lower().startswith("0x") else None
        kind = "mac" if mac else _kind_of_alias(sn)
        try:
            parsed = json.loads(report) if report else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            reports[sn] = normalise_report(parsed).keys
            for name_kind, value in reports[sn]:
                if alias_of(name_kind, value) == sn:
                    kind = name_kind
        _link(conn, sn, kind, sn, first_seen or 0)
        if mac:
            _link(conn, f"mac:{mac}", "mac", sn, first_seen or 0)
    for sn, _report, first_seen in boxes:
        names = reports.get(sn)
        if not names:
            continue
        target = resolve(conn, names, None, first_seen or 0)
        current = conn.execute("SELECT sn FROM box_aliases WHERE alias = ?", (sn,)).fetchone()
        owner = str(current[0]) if current else sn
        if target is not None and owner != target:
            keep = _best(conn, {target, owner})
            merge_boxes(conn, keep, owner if keep == target else target)
    pairs = conn.execute(
        "SELECT DISTINCT dev_sno, ep_id FROM events WHERE self_test = 0"
        " AND (dev_sno IS NOT NULL AND dev_sno != '' OR ep_id LIKE '%\\_\\_%' ESCAPE '\\')"
    ).fetchall()
    for dev_sno, ep_id in pairs:
        pair_names: list[tuple[str, Any]] = []
        if dev_sno:
            pair_names.append(("licence", dev_sno))
        key = ep_id_key(ep_id)
        if key is not None:
            pair_names.append(key)
        if len(pair_names) == 2 or any(
            conn.execute("SELECT 1 FROM box_aliases WHERE alias = ?", (alias_of(k, v),)).fetchone()
            for k, v in pair_names
        ):
            resolve(conn, pair_names, None, 0)


def link_address_boxes(conn: Connection) -> None:
    """Fold each address-only box (``ip:<addr>``) into the one named box its address sent.

    A box whose reports named nothing was registered by address; the events it
    also sent from that address name it (licence, MAC in ``ep_id``). When they
    all name one registry entry, the address entry is that box (migration; at
    run time ``resolve`` does the same when the keyed message arrives).
    """
    for (ip_sn,) in conn.execute("SELECT sn FROM boxes WHERE sn LIKE 'ip:%'").fetchall():
        found: set[str] = set()
        for dev_sno, ep_id in conn.execute(
            "SELECT DISTINCT dev_sno, ep_id FROM events WHERE source_ip = ? AND self_test = 0",
            (str(ip_sn)[3:],),
        ):
            names: list[tuple[str, Any]] = [("licence", dev_sno)] if dev_sno else []
            key = ep_id_key(ep_id)
            if key is not None:
                names.append(key)
            for kind, value in names:
                row = conn.execute(
                    "SELECT sn FROM box_aliases WHERE alias = ?", (alias_of(kind, value),)
                ).fetchone()
                if row is not None and str(row[0]) != ip_sn:
                    found.add(str(row[0]))
        if len(found) == 1:
            merge_boxes(conn, found.pop(), str(ip_sn))
