"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` holds how many migrations a database has had. A new
migration is appended, never edited: databases in the field were built by the
old ones. ``tests/core/test_schema.py`` upgrades a database of every earlier
version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

Migration = Callable[[sqlite3.Connection], None]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's transaction."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]}")


def _v1_events(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE events (
            id            INTEGER PRIMARY KEY,
            natural_key   TEXT    NOT NULL UNIQUE,
            -- event time for ordering: the box's timestamp, or received_at when it sent none
            ts            INTEGER NOT NULL,
            timestamp     INTEGER,
            out_timestamp INTEGER,
            received_at   INTEGER NOT NULL,
            identity_id   TEXT,
            identity_name TEXT,
            person_type   INTEGER,
            score         REAL,
            want_action   TEXT,
            ep_id         TEXT,
            device_id     TEXT,
            ep_name       TEXT,
            ep_type       TEXT,
            ep_ip         TEXT,
            dev_sno       TEXT,
            format        TEXT    NOT NULL,
            api_version   TEXT,
            source_ip     TEXT,
            path          TEXT,
            -- space-separated warning codes, '' when clean (filterable without JSON)
            warning_codes TEXT    NOT NULL DEFAULT '',
            self_test     INTEGER NOT NULL DEFAULT 0,
            pinned        INTEGER NOT NULL DEFAULT 0,
            -- normalised fields with no column of their own (JSON)
            doc           TEXT    NOT NULL,
            -- the original JSON object, images replaced by references (zlib)
            raw           BLOB    NOT NULL
        );
        CREATE INDEX events_by_ts          ON events (ts, id);
        CREATE INDEX events_by_person_type ON events (person_type, ts, id);
        CREATE INDEX events_by_ep_id       ON events (ep_id, ts, id);
        CREATE INDEX events_by_device_id   ON events (device_id, ts, id);
        CREATE INDEX events_by_dev_sno     ON events (dev_sno, ts, id);
        CREATE INDEX events_by_identity    ON events (identity_id, ts, id);
        CREATE INDEX events_by_received    ON events (received_at);

        CREATE TABLE images (
            id        INTEGER PRIMARY KEY,
            event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
            kind      TEXT    NOT NULL,
            json_path TEXT    NOT NULL,   -- JSON list: where the string stood in the payload
            encoding  TEXT    NOT NULL,   -- JSON: how to rebuild the original base64 string
            format    TEXT    NOT NULL,
            width     INTEGER NOT NULL,
            height    INTEGER NOT NULL,
            bytes     INTEGER NOT NULL,
            data      BLOB,               -- NULL once retention has dropped the full image
            thumb     BLOB,
            UNIQUE (event_id, kind)
        );

        -- the face thumbnail the feed shows: the crop, or the box region of the scene
        CREATE TABLE face_thumbs (
            event_id INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
            data     BLOB NOT NULL
        );

        CREATE TABLE boxes (
            sn             TEXT PRIMARY KEY,
            name           TEXT,
            ips            TEXT,
            source_ip      TEXT,
            first_seen     INTEGER,
            last_seen      INTEGER,
            last_event_at  INTEGER,
            last_report_at INTEGER,
            event_count    INTEGER NOT NULL DEFAULT 0,
            report         TEXT        -- JSON: the last health report as received
        );

        CREATE TABLE cameras (
            ep_id         TEXT PRIMARY KEY,
            box_sn        TEXT,
            device_id     TEXT,
            name          TEXT,
            ip            TEXT,
            type          TEXT,
            status        TEXT,
            location      TEXT,
            url           TEXT,
            first_seen    INTEGER,
            last_seen     INTEGER,
            last_event_at INTEGER,
            event_count   INTEGER NOT NULL DEFAULT 0
        );
        """,
    )


def _v2_requests_and_alarms(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE requests (
            id             INTEGER PRIMARY KEY,
            time           INTEGER NOT NULL,
            source_ip      TEXT,
            method         TEXT,
            path           TEXT,
            content_type   TEXT,
            length         INTEGER,
            status         INTEGER,
            reply          TEXT,
            duration_ms    REAL,
            events         INTEGER NOT NULL DEFAULT 0,
            warnings       TEXT    NOT NULL DEFAULT '[]',
            headers        TEXT    NOT NULL DEFAULT '{}',
            body           BLOB,
            body_truncated INTEGER NOT NULL DEFAULT 0,
            event_ids      TEXT    NOT NULL DEFAULT '[]'
        );
        CREATE INDEX requests_by_time   ON requests (time);
        CREATE INDEX requests_by_source ON requests (source_ip, id);

        CREATE TABLE alarms (
            id            INTEGER PRIMARY KEY,
            kind          TEXT    NOT NULL,
            late          INTEGER NOT NULL DEFAULT 0,
            event_id      INTEGER,
            person_type   INTEGER,
            identity_id   TEXT,
            identity_name TEXT,
            ep_id         TEXT,
            count         INTEGER NOT NULL DEFAULT 1,
            first_at      INTEGER NOT NULL,
            last_at       INTEGER NOT NULL,
            state         TEXT    NOT NULL DEFAULT 'open',
            acked_by      TEXT,
            acked_at      INTEGER,
            note          TEXT,
            detail        TEXT
        );
        CREATE INDEX alarms_by_state ON alarms (state, id);

        -- every event an alarm folded in, so history can show and filter acknowledgement
        CREATE TABLE alarm_events (
            alarm_id INTEGER NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            PRIMARY KEY (event_id, alarm_id)
        );
        """,
    )


def _v3_history_indexes(conn: sqlite3.Connection) -> None:
    """History sorts by score and name, and substring search without a table scan.

    ``events_by_name`` covers both name columns, so ``q=`` scans this narrow
    index (tens of bytes a row) instead of the table (over a kilobyte a row);
    the ``ifnull`` keys make keyset cursors work without NULL special cases.
    ``images_with_data`` lists only rows still holding photo bytes, so
    retention finds the oldest photos without walking purged rows.
    """
    run_script(
        conn,
        """
        CREATE INDEX events_by_name  ON events (ifnull(identity_name, ''), ifnull(identity_id, ''));
        CREATE INDEX events_by_score ON events (ifnull(score, -1), id);
        CREATE INDEX images_with_data ON images (event_id) WHERE data IS NOT NULL;
        """,
    )


def _v4_open_alarm_index(conn: sqlite3.Connection) -> None:
    """Folding an event into its open alarm is one index probe, not a scan of open alarms.

    Alarms are now written in their event's transaction; the ones older databases
    hold (written just after their events) stay as they are: same rows, same links.
    """
    run_script(
        conn,
        """
        CREATE INDEX alarms_open_by_key ON alarms (kind, late, ep_id, identity_id, last_at)
            WHERE state = 'open';
        """,
    )


def _v5_box_event_ids(conn: sqlite3.Connection) -> None:
    """The box's own event id (V6 ``event_id``, V5 record ``_id``), searchable by ``q``."""
    run_script(
        conn,
        """
        ALTER TABLE events ADD COLUMN event_id TEXT;
        CREATE INDEX events_by_event_id ON events (event_id) WHERE event_id IS NOT NULL;
        """,
    )


def _v6_box_identity(conn: sqlite3.Connection) -> None:
    """One box is one box: aliases, normalised health, score scale; merge split boxes.

    Before this, a box that named itself by ``gateway_sn`` in reports and by
    ``dev_sno`` (or the MAC in ``ep_id``) in events had two or three rows; the
    aliases learnt from the stored reports and events merge them now.
    """
    from gui.core import devices, identity

    run_script(
        conn,
        """
        CREATE TABLE box_aliases (
            alias      TEXT PRIMARY KEY,   -- licence code, SN, 'mac:<12 hex>', 'ip:<addr>'
            sn         TEXT NOT NULL,      -- boxes.sn of the box it names
            kind       TEXT NOT NULL,      -- licence, sn, reporter, mac, ip
            first_seen INTEGER
        );
        CREATE INDEX box_aliases_by_sn ON box_aliases (sn);
        -- the last health report normalised (units, camera states); report stays raw
        ALTER TABLE boxes ADD COLUMN health TEXT;
        -- highest score seen, and the scale / threshold the box is configured with
        ALTER TABLE boxes ADD COLUMN score_max REAL;
        ALTER TABLE boxes ADD COLUMN score_scale TEXT;
        ALTER TABLE boxes ADD COLUMN threshold REAL;
        ALTER TABLE cameras ADD COLUMN direction TEXT;
        """,
    )
    identity.rebuild_aliases(conn)
    devices.rebuild_derived(conn)


def _v7_split_cameras_and_address_boxes(conn: sqlite3.Connection) -> None:
    """What v6 left split: uuid-only camera rows, boxes known only by their address.

    A camera first seen by its uuid (V5 WebSocket) and later by ``ep_id`` with
    that uuid is one camera; a box registered by address (reports without a
    name) whose events from that address name it is one box.
    """
    from gui.core import devices, identity

    devices.merge_uuid_cameras(conn)
    identity.link_address_boxes(conn)


def _v8_users(conn: sqlite3.Connection) -> None:
    """Named API users: a token belongs to a person, stored only as its SHA-256.

    In the database (not the settings) so every receiver sharing a store sees the
    same users, and a removal in one place revokes the token everywhere at once.
    """
    run_script(
        conn,
        """
        CREATE TABLE users (
            name       TEXT    PRIMARY KEY,
            token_hash TEXT    NOT NULL UNIQUE,   -- hex SHA-256 of the token
            created_at INTEGER NOT NULL
        );
        """,
    )


def _v9_alarm_changes(conn: sqlite3.Connection) -> None:
    """Every alarm change numbered, so a stream client that was away catches up on them.

    ``seq`` only grows (AUTOINCREMENT: never reused after pruning); the newest
    100,000 changes are kept (``alarms.record_change``).
    """
    run_script(
        conn,
        """
        CREATE TABLE alarm_changes (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            alarm_id INTEGER NOT NULL,
            change   TEXT    NOT NULL,
            at       INTEGER NOT NULL
        );
        """,
    )


def _v10_alarm_change_origin(conn: sqlite3.Connection) -> None:
    """Which receiver made each alarm change: one relaying a shared store skips its own."""
    run_script(conn, "ALTER TABLE alarm_changes ADD COLUMN origin TEXT;")


def _v11_box_score_min(conn: sqlite3.Connection) -> None:
    """Each box's lowest positive score beside its highest: a box whose events come in
    both scales (0–1 similarities and 0–100 display scores) is shown as "mixed"."""
    from gui.core import devices

    run_script(conn, "ALTER TABLE boxes ADD COLUMN score_min REAL;")
    devices.rebuild_score_range(conn)


def _v12_sorts_within_a_person_type(conn: sqlite3.Connection) -> None:
    """History sorted by score or name *and* filtered to a person type (employees:
    half the events) walks these in order instead of sorting every matching event
    (0.6–1.4 s for the first page at a million events; ``bench/history_bench.py``).
    Several types are one ordered walk per type, merged (``gui.core.query``)."""
    run_script(
        conn,
        """
        CREATE INDEX events_by_type_score ON events (person_type, ifnull(score, -1), id);
        CREATE INDEX events_by_type_name  ON events
            (person_type, ifnull(identity_name, ''), ifnull(identity_id, ''), id);
        """,
    )


def _v13_alarm_change_history(conn: sqlite3.Connection) -> None:
    """Each alarm change keeps the alarm as it was right after it (``alarm``, JSON):
    a stream client catching up replays each change as it happened (raised, folded,
    acknowledged by whom, taken back) instead of the alarm's state now. Changes
    recorded before have NULL there and are replayed with the current state."""
    run_script(conn, "ALTER TABLE alarm_changes ADD COLUMN alarm TEXT;")


MIGRATIONS: list[Migration] = [
    _v1_events,
    _v2_requests_and_alarms,
    _v3_history_indexes,
    _v4_open_alarm_index,
    _v5_box_event_ids,
    _v6_box_identity,
    _v7_split_cameras_and_address_boxes,
    _v8_users,
    _v9_alarm_changes,
    _v10_alarm_change_origin,
    _v11_box_score_min,
    _v12_sorts_within_a_person_type,
    _v13_alarm_change_history,
]
SCHEMA_VERSION = len(MIGRATIONS)


class NewerDatabase(RuntimeError):
    """The database was written by a newer Gatewatch: opening it here could damage it."""

    def __init__(self, found: int, understood: int = SCHEMA_VERSION) -> None:
        super().__init__(
            f"database schema version {found} is newer than this Gatewatch understands "
            f"({understood}); use a newer Gatewatch"
        )
        self.found = found
        self.understood = understood


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring ``conn`` up to ``target``, a transaction per step; returns the old version."""
    old = conn.execute("PRAGMA user_version").fetchone()[0]
    if old > SCHEMA_VERSION:
        raise NewerDatabase(old)
    for version in range(old, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return old


def needs_upgrade(db_path: Path) -> bool:
    """An existing database older than this program's schema (opening it migrates it)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # the receiver reports an unreadable database properly
    return bool(version < SCHEMA_VERSION)
