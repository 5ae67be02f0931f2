"""The monitoring store: one SQLite file (WAL) per survey folder, appended to as samples are measured.

One row per link per interval (``samples``), keyed by the interval's slot number so a restarted
monitor can never write an interval twice; intervals nobody measured are ``gaps`` rows with their
cause; every monitor process is a ``runs`` row whose heartbeat tells a kill from a clean stop.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from core.errors import UserError

STORE_NAME = "monitor.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, started_at REAL NOT NULL, heartbeat_at REAL NOT NULL,
    ended_at REAL, end_cause TEXT, interval_s REAL NOT NULL, command TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
    site TEXT NOT NULL, link TEXT NOT NULL, provider TEXT NOT NULL DEFAULT '',
    slot INTEGER NOT NULL, started_at REAL NOT NULL, ended_at REAL NOT NULL,
    status TEXT NOT NULL, reason TEXT,
    loss_up_pct REAL, loss_down_pct REAL, jitter_up_ms REAL, jitter_down_ms REAL, rtt_ms REAL, mos REAL,
    max_loss_burst INTEGER, packets_sent INTEGER, reorder_pct REAL, jitter_p95_ms REAL,
    dscp_sent INTEGER, dscp_at_far_end INTEGER, dscp_on_return INTEGER,
    sip_rtt_ms REAL, sip_status TEXT, public_address TEXT,
    UNIQUE (site, link, slot));
CREATE TABLE IF NOT EXISTS gaps (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, link TEXT NOT NULL,
    first_slot INTEGER NOT NULL, last_slot INTEGER NOT NULL,
    started_at REAL NOT NULL, ended_at REAL NOT NULL, cause TEXT NOT NULL,
    UNIQUE (site, link, first_slot));
"""


class Sample(BaseModel):
    """One link's light probes in one interval. ``status``: ok, unreachable (no far-end answer) or error."""

    site: str
    link: str
    provider: str = ""
    slot: int
    started_at: float
    ended_at: float
    status: str
    reason: str | None = None
    loss_up_pct: float | None = None
    loss_down_pct: float | None = None
    jitter_up_ms: float | None = None
    jitter_down_ms: float | None = None
    rtt_ms: float | None = None
    mos: float | None = None
    max_loss_burst: int | None = None
    packets_sent: int | None = None
    reorder_pct: float | None = None
    jitter_p95_ms: float | None = None
    dscp_sent: int | None = None
    dscp_at_far_end: int | None = None
    dscp_on_return: int | None = None
    sip_rtt_ms: float | None = None
    sip_status: str | None = None
    public_address: str | None = None


class Gap(BaseModel):
    """Intervals of one link that were not measured, and why."""

    site: str
    link: str
    first_slot: int
    last_slot: int
    started_at: float
    ended_at: float
    cause: str


class Run(BaseModel):
    """One monitor process: a missing ``ended_at`` means it was killed (or the host lost power)."""

    id: int
    pid: int
    started_at: float
    heartbeat_at: float
    ended_at: float | None = None
    end_cause: str | None = None
    interval_s: float


SAMPLE_FIELDS = tuple(Sample.model_fields)
GAP_FIELDS = tuple(Gap.model_fields)
RUN_FIELDS = tuple(Run.model_fields)
RowT = TypeVar("RowT", Sample, Gap, Run)


class Store:
    """The monitoring store of one survey folder; safe to share between the monitor's threads."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """Open (and with ``create``, create or upgrade) the store; without ``create`` it is opened read-only."""
        if not create and not path.is_file():
            raise UserError(f"{path}: no monitoring store")
        self.path = path
        self._lock = threading.Lock()
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")  # a sample acknowledged is a sample on disk
            else:
                uri = f"{path.resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=10)
            self._migrate(write=create)
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{path}: not a usable monitoring store: {exc}") from None

    def _migrate(self, *, write: bool) -> None:
        found = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        version = self.meta("schema_version") if found else None
        if version is not None and int(version) > SCHEMA_VERSION:
            raise UserError(f"{self.path}: written by a newer assess (store schema {version}, this one reads "
                            f"up to {SCHEMA_VERSION})")
        if not write:
            if version is None:
                raise UserError(f"{self.path}: not a monitoring store (no schema version)")
            return
        self._db.executescript(_SCHEMA)
        self.set_meta("schema_version", str(SCHEMA_VERSION))

    def compact(self) -> None:
        """Fold the write-ahead log into the file and leave it a single self-contained file (for shipping)."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("PRAGMA journal_mode=DELETE")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database (a WAL checkpoint folds the log into the file)."""
        with self._lock:
            self._db.close()

    # -- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A meta value (schema version, series epoch, UTC offset) or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value."""
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def init_meta(self, key: str, value: str) -> str:
        """The value of ``key``, setting it to ``value`` first when absent (the series epoch is set once)."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            return str(db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    # -- runs ----------------------------------------------------------------------------
    def start_run(self, pid: int, now: float, interval_s: float, command: str) -> int:
        """Record a monitor process starting; returns its run id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO runs (pid, started_at, heartbeat_at, interval_s, command) VALUES (?, ?, ?, ?, ?)",
                (pid, now, now, interval_s, command))
            return int(cur.lastrowid or 0)

    def heartbeat(self, run_id: int, now: float) -> None:
        """The run is alive at ``now``."""
        with self._tx() as db:
            db.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (now, run_id))

    def end_run(self, run_id: int, now: float, cause: str) -> None:
        """The run stopped cleanly."""
        with self._tx() as db:
            db.execute("UPDATE runs SET ended_at = ?, end_cause = ?, heartbeat_at = ? WHERE id = ?",
                       (now, cause, now, run_id))

    def runs(self) -> list[Run]:
        """Every run, oldest first."""
        return self._read(Run, "runs", RUN_FIELDS, "id")

    # -- samples and gaps ----------------------------------------------------------------
    def add_sample(self, run_id: int, sample: Sample) -> bool:
        """Append a sample; False when its interval was already recorded (it is then left as it was)."""
        with self._tx() as db:
            cur = db.execute(_insert_sql("samples", ("run_id", *SAMPLE_FIELDS)),
                             [run_id, *(getattr(sample, f) for f in SAMPLE_FIELDS)])
            return cur.rowcount == 1

    def add_gap(self, gap: Gap) -> None:
        """Record unmeasured intervals (a gap already recorded from the same first slot is kept)."""
        with self._tx() as db:
            db.execute(_insert_sql("gaps", GAP_FIELDS), [getattr(gap, f) for f in GAP_FIELDS])

    def samples(self, site: str | None = None, link: str | None = None) -> list[Sample]:
        """Samples (of one site/link when given) in time order."""
        return self._read(Sample, "samples", SAMPLE_FIELDS, "site, link, slot", site, link)

    def gaps(self, site: str | None = None, link: str | None = None) -> list[Gap]:
        """Gaps (of one site/link when given) in time order."""
        return self._read(Gap, "gaps", GAP_FIELDS, "site, link, first_slot", site, link)

    def _read(self, model: type[RowT], table: str, fields: tuple[str, ...], order: str,
              site: str | None = None, link: str | None = None) -> list[RowT]:
        """Rows of ``table`` (of one site/link when given) as ``model``s, ordered by ``order``."""
        where, args = _where(site, link)
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(fields)} FROM {table}{where} ORDER BY {order}", args).fetchall()
        return [model.model_validate(dict(zip(fields, r, strict=True))) for r in rows]

    def last_slot(self, site: str, link: str) -> int | None:
        """The last interval of a link that was measured or recorded as a gap."""
        with self._lock:
            row = self._db.execute(
                "SELECT MAX(s) FROM (SELECT MAX(slot) AS s FROM samples WHERE site = ? AND link = ? "
                "UNION ALL SELECT MAX(last_slot) FROM gaps WHERE site = ? AND link = ?)",
                (site, link, site, link)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def links(self) -> list[tuple[str, str, str]]:
        """(site, link, provider) of every link with samples."""
        with self._lock:
            rows = self._db.execute(
                "SELECT site, link, MAX(provider) FROM samples GROUP BY site, link ORDER BY site, link").fetchall()
        return [(str(a), str(b), str(c or "")) for a, b, c in rows]


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An INSERT of one row into ``columns`` of ``table`` that leaves an existing row (same unique key) as it was."""
    return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _where(site: str | None, link: str | None) -> tuple[str, list[str]]:
    parts, args = [], []
    if site is not None:
        parts.append("site = ?")
        args.append(site)
    if link is not None:
        parts.append("link = ?")
        args.append(link)
    return (" WHERE " + " AND ".join(parts)) if parts else "", args
