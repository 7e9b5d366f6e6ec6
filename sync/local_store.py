"""The wall's local database: everything it has seen from the central store.

SQLite in WAL mode through SQLAlchemy Core. Each poll's result is written in one
transaction together with the sync state it implies (an observation page and the
cursor after it; a catalog and its ETag), so a kill at any moment leaves the last
complete state and the next start resumes from a consistent cursor. Only the sync
worker thread touches this module; the GUI thread sees snapshots built from it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from .contract import Catalog, Observation, Ranking
from .crisis_watch import CrisisEvent
from .feed_quality import RejectedRow
from .ranking.audit import AuditFinding, RankingAudit
from .ranking.fallback import RankDifference
from .series import Row
from .store_faults import StoreFault, fault_of

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DB_FILENAME = "cm-wall.sqlite"

metadata = MetaData()

observations = Table(
    "observations",
    metadata,
    Column("kpi", String, primary_key=True),
    Column("entity", String, primary_key=True),
    Column("period", String, primary_key=True),
    Column("value", Float, nullable=True),
    Column("reported_at", Float, nullable=False),  # POSIX seconds
    Column("received_at", Float, nullable=False),
    # Rows live in the primary key's own B-tree (one tree to write, not a table and an index):
    # a cold sync writes a million of them. Stores created before keep their rowid table.
    sqlite_with_rowid=False,
)

documents = Table(  # the latest catalog and published ranking, as validated JSON
    "documents",
    metadata,
    Column("name", String, primary_key=True),  # "catalog" | "ranking"
    Column("body", Text, nullable=False),
    Column("etag", String, nullable=True),
    Column("fetched_at", Float, nullable=False),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

ranking_differences = Table(  # where a local estimate placed districts differently
    "ranking_differences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", Float, nullable=False),
    Column("period", String, nullable=False),
    Column("entity", String, nullable=False),
    Column("central_rank", Integer, nullable=True),
    Column("local_rank", Integer, nullable=True),
    Column("central_score", Float, nullable=True),
    Column("local_score", Float, nullable=True),
)


rejected_rows = Table(  # rows the wall refused (sync/page_parsing.py), newest REJECTED_KEPT kept
    "rejected_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("kpi", String, nullable=True),  # whatever of the row could be read
    Column("entity", String, nullable=True),
    Column("period", String, nullable=True),
    Column("raw", Text, nullable=False),  # as received, cut to a few hundred characters
)

REJECTED_KEPT = 10_000


ranking_audit = Table(  # districts where the store's ranking and the wall's own check disagree
    "ranking_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", Float, nullable=False),
    Column("period", String, nullable=False),
    Column("revision", String, nullable=False),
    Column("computed_at", Float, nullable=False),  # when the store computed the ranking checked
    Column("entity", String, nullable=False),
    Column("verdict", String, nullable=False),  # "differs" | "incomplete" (sync/ranking/audit.py)
    Column("fields", String, nullable=False),  # which disagree: "rank,score,grade"
    Column("central_rank", Integer, nullable=True),
    Column("local_rank", Integer, nullable=True),
    Column("central_score", Float, nullable=True),
    Column("local_score", Float, nullable=True),
    Column("central_grade", String, nullable=True),
    Column("local_grade", String, nullable=True),
)


crisis_log = Table(  # crisis rules firing and clearing, crisis layout switches, acknowledgements
    "crisis_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),  # POSIX seconds: the moment the wall showed (live: its clock)
    Column("kind", String, nullable=False),  # "fire" | "clear" | "acknowledge" | "switch"
    Column("rule", String, nullable=False),
    Column("place", String, nullable=False),
    Column("value", Float, nullable=True),
    Column("threshold", Float, nullable=True),
    Column("detail", Text, nullable=False),
)


_UPSERT_OBSERVATION = (
    "INSERT INTO observations (kpi, entity, period, value, reported_at, received_at) VALUES (?, ?, ?, ?, ?, {received_at}) "
    "ON CONFLICT (kpi, entity, period) DO UPDATE SET value = excluded.value, reported_at = excluded.reported_at, "
    "received_at = excluded.received_at"
)



def _save_document_statement() -> Insert:
    """Insert or replace one stored document, its values given when executed."""
    stmt = sqlite_insert(documents)
    return stmt.on_conflict_do_update(index_elements=["name"],
                                      set_={k: stmt.excluded[k] for k in ("body", "etag", "fetched_at")})


_SAVE_DOCUMENT = _save_document_statement()

class LocalStoreError(Exception):
    """The local database cannot be written or read (disk full, permissions, corrupt);
    `fault` says which kind (sync/store_faults.py), for the wall to word."""

    def __init__(self, message: str, fault: StoreFault = StoreFault.OTHER) -> None:
        super().__init__(message)
        self.fault = fault


@dataclass(frozen=True)
class StoredDocument:
    body: dict[str, Any]
    etag: str | None
    fetched_at: datetime


def _enable_wal(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def store_identity(store_url: str | None, demo_profile: str, demo_seed: int) -> str:
    """What a data directory's data came from (`LocalStore.claim`): the store's URL, or the
    embedded demo's profile and seed (its loopback port changes every run)."""
    if store_url is None:
        return f"embedded demo store, profile {demo_profile}, seed {demo_seed}"
    return store_url.rstrip("/")


class LocalStore:
    """The local database in `data_dir`; created on first use."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_FILENAME
        self.engine: Engine = create_engine(f"sqlite:///{self.path}")
        event.listen(self.engine, "connect", _enable_wal)
        with self._writing() as conn:
            metadata.create_all(conn)
            conn.execute(
                sqlite_insert(sync_state)
                .values(key="schema_version", value=str(SCHEMA_VERSION))
                .on_conflict_do_nothing()
            )

    def close(self) -> None:
        self.engine.dispose()

    # --- writes: each is one transaction ----------------------------------------

    def save_observation_page(self, page: Iterable[Observation], cursor: str, received_at: datetime,
                              rejected: Iterable[RejectedRow] = ()) -> int:
        """`save_rows` for contract models. Returns rows written."""
        rows = [(o.kpi, o.entity, o.period, o.value, o.reported_at.timestamp()) for o in page]
        return self.save_rows(rows, cursor, received_at, rejected)

    def save_rows(self, rows: Sequence[Row], cursor: str, received_at: datetime,
                  rejected: Iterable[RejectedRow] = ()) -> int:
        """Upsert one page of (kpi, entity, period, value, reported_at) rows, keep its rejected
        rows and move the cursor past it, atomically. Returns rows written.

        The rows go to the driver's `executemany` as they are (through SQLAlchemy's
        connection and transaction): a cold sync writes a million of them, and building
        and processing a parameter dict per row cost more than the rest of the ingest."""
        now = received_at.timestamp()
        with self._writing() as conn:
            if rows:  # the page's receipt time is one number: written into the statement (repr is exact)
                conn.exec_driver_sql(_UPSERT_OBSERVATION.format(received_at=repr(float(now))), list(rows))
            self._keep_rejected(conn, rejected, now)
            self._set_state(conn, "cursor", cursor)
        return len(rows)

    @staticmethod
    def _keep_rejected(conn: Connection, rejected: Iterable[RejectedRow], received_at: float) -> None:
        values = [{"received_at": received_at, "reason": r.reason, "kpi": r.kpi, "entity": r.entity,
                   "period": r.period, "raw": r.raw} for r in rejected]
        if not values:
            return
        conn.execute(rejected_rows.insert(), values)
        newest = select(func.max(rejected_rows.c.id)).scalar_subquery()
        conn.execute(delete(rejected_rows).where(rejected_rows.c.id <= newest - REJECTED_KEPT))

    def save_catalog(self, catalog: Catalog, etag: str | None, fetched_at: datetime) -> None:
        # json keeps a NaN target as NaN (pydantic would write null, and the catalog would not load back)
        self._save_document("catalog", json.dumps(catalog.model_dump(mode="json"), ensure_ascii=False), etag,
                            fetched_at)

    def save_ranking(self, ranking: Ranking | None, etag: str | None, fetched_at: datetime) -> None:
        """The store's latest published ranking; None records that it has none (404)."""
        if ranking is None:
            with self._writing() as conn:
                conn.execute(delete(documents).where(documents.c.name == "ranking"))
            return
        # Straight from the model: no dict tree of its ~340,000 marks (3,400 KPIs) built first. A NaN
        # score, which JSON cannot hold, is stored as null: unknown.
        self._save_document("ranking", ranking.model_dump_json(), etag, fetched_at)

    def record_differences(self, period: str, differences: Iterable[RankDifference], recorded_at: datetime) -> None:
        values = [
            {
                "recorded_at": recorded_at.timestamp(),
                "period": period,
                "entity": d.entity,
                "central_rank": d.central_rank,
                "local_rank": d.local_rank,
                "central_score": d.central_score,
                "local_score": d.local_score,
            }
            for d in differences
        ]
        if values:
            with self._writing() as conn:
                conn.execute(ranking_differences.insert(), values)

    def record_audit(self, audit: RankingAudit, findings: Iterable[AuditFinding], recorded_at: datetime) -> None:
        """Findings of the check of one central ranking (sync/ranking/audit.py), with both values."""
        values = [
            {
                "recorded_at": recorded_at.timestamp(), "period": audit.period, "revision": audit.revision,
                "computed_at": audit.computed_at.timestamp(), "entity": f.entity, "verdict": str(f.verdict),
                "fields": ",".join(f.fields), "central_rank": f.central_rank, "local_rank": f.local_rank,
                "central_score": f.central_score, "local_score": f.local_score,
                "central_grade": f.central_grade, "local_grade": f.local_grade,
            }
            for f in findings
        ]
        if values:
            with self._writing() as conn:
                conn.execute(ranking_audit.insert(), values)

    def record_crisis_events(self, events: Iterable[CrisisEvent]) -> None:
        """Crisis rules firing and clearing, layout switches and acknowledgements (sync/crisis_watch.py)."""
        values = [{"at": e.at.timestamp(), "kind": e.kind, "rule": e.rule, "place": e.place, "value": e.value,
                   "threshold": e.threshold, "detail": e.detail} for e in events]
        if values:
            with self._writing() as conn:
                conn.execute(crisis_log.insert(), values)

    def crisis_events(self, limit: int = 1000) -> list[CrisisEvent]:
        """The latest `limit` crisis log entries, oldest first."""
        query = select(crisis_log).order_by(crisis_log.c.id.desc()).limit(limit)
        with self._reading() as conn:
            if not inspect(conn).has_table("crisis_log"):  # a store written before the crisis log, opened read-only
                return []
            rows = list(conn.execute(query))
        return [CrisisEvent(datetime.fromtimestamp(r.at, UTC), r.kind, r.rule, r.place, r.value, r.threshold, r.detail)
                for r in reversed(rows)]

    def audit_records(self, limit: int = 200) -> list[dict[str, Any]]:
        """The latest recorded audit findings, newest first."""
        query = select(ranking_audit).order_by(ranking_audit.c.id.desc()).limit(limit)
        with self._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def claim(self, store: str) -> None:
        """Bind this data directory to one store (its URL, or the demo profile and seed).

        The saved cursor is the store's own opaque position: another store's feed read
        from it would silently skip rows, and its catalog would be mixed with this one's.
        A directory that holds another store's data is refused with a clear reason."""
        held = self.get_state("store")
        if held is None:
            self.set_state("store", store)
        elif held != store:
            raise LocalStoreError(f"it holds the data of another store ({held}); use one data directory per store "
                                  "(--data-dir), or remove this one to start afresh")

    def set_state(self, key: str, value: str) -> None:
        with self._writing() as conn:
            self._set_state(conn, key, value)

    # --- reads --------------------------------------------------------------------

    def cursor(self) -> str | None:
        return self.get_state("cursor")

    def get_state(self, key: str) -> str | None:
        with self._reading() as conn:
            return conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar_one_or_none()

    def catalog(self) -> tuple[Catalog, StoredDocument] | None:
        doc = self._document("catalog")
        return (Catalog.model_validate(doc.body), doc) if doc else None

    def ranking(self) -> tuple[Ranking, StoredDocument] | None:
        doc = self._document("ranking")
        return (Ranking.model_validate(doc.body), doc) if doc else None

    def iter_observations(self, batch: int = 5_000, *,
                          by_kpi: bool = False) -> Iterator[list[tuple[str, str, str, float | None, float]]]:
        """Every stored observation, in batches of (kpi, entity, period, value, reported_at);
        `by_kpi`: in key order, so each KPI's rows come together (a series is built once).

        Batches are small on purpose: a row read back is ~300 bytes of small Python objects, and
        Python's allocator keeps an arena while any object in it lives. Batches of 50,000 rows
        (two alive while the next is read) left ~25 MB of empty pools in arenas pinned by the
        series built meanwhile, for the life of the wall; 5,000-row batches leave ~2 MB."""
        query = "SELECT kpi, entity, period, value, reported_at FROM observations"
        if by_kpi:
            query += " ORDER BY kpi, entity, period"
        with self._reading() as conn:
            # The driver's own tuples: a SQLAlchemy Row per observation, then a tuple of it, cost a
            # wall's restart 2 CPU s at 1.4 M rows (6.6 s with Python objects on the C allocator).
            driver = conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            cursor = driver.execute(query)  # the driver's errors: LocalStoreError, as SQLAlchemy's (_guard)
            while part := cursor.fetchmany(batch):
                yield part
            # The scan filled this pooled connection's page cache (up to SQLite's 2 MB), which it
            # would hold for the life of the wall: a restart reads every row once, polls few.
            driver.execute("PRAGMA shrink_memory")

    def observation_count(self) -> int:
        with self._reading() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one())

    def received_since(self, moment: datetime) -> int:
        """How many stored observations were received at or after `moment` (a sync's rows)."""
        with self._reading() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM observations WHERE received_at >= ?",
                                            (moment.timestamp(),)).scalar_one())

    def reported_span(self) -> tuple[datetime, datetime] | None:
        """When the oldest and the newest stored observation were reported; None if none is."""
        query = select(func.min(observations.c.reported_at), func.max(observations.c.reported_at))
        with self._reading() as conn:
            first, last = conn.execute(query).one()
        if first is None:
            return None
        return datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)

    def rejected(self, limit: int = 50) -> list[RejectedRow]:
        """The newest rejected rows, newest first."""
        query = select(rejected_rows).order_by(rejected_rows.c.id.desc()).limit(limit)
        with self._reading() as conn:
            return [RejectedRow(datetime.fromtimestamp(r.received_at, UTC), r.reason, r.kpi, r.entity, r.period, r.raw)
                    for r in conn.execute(query)]

    def rejected_counts(self) -> list[tuple[str | None, str | None, int]]:
        """(kpi, entity, rows rejected) over the rejected rows kept."""
        c = rejected_rows.c
        query = select(c.kpi, c.entity, func.count()).group_by(c.kpi, c.entity)
        with self._reading() as conn:
            return [(kpi, entity, int(n)) for kpi, entity, n in conn.execute(query)]

    def future_reports(self, skew_s: float) -> list[tuple[str, str, str, float, float]]:
        """(kpi, entity, period, reported_at, received_at) of stored rows whose reported_at
        was more than `skew_s` seconds after the wall received them."""
        o = observations.c
        query = select(o.kpi, o.entity, o.period, o.reported_at, o.received_at).where(
            o.reported_at > o.received_at + skew_s)
        with self._reading() as conn:
            return [tuple(r) for r in conn.execute(query)]

    def differences(self, limit: int = 200) -> list[dict[str, Any]]:
        query = select(ranking_differences).order_by(ranking_differences.c.id.desc()).limit(limit)
        with self._reading() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- plumbing -----------------------------------------------------------------

    def _save_document(self, name: str, body: str, etag: str | None, fetched_at: datetime) -> None:
        """`body`: the validated document, as JSON."""
        row = {"name": name, "body": body, "etag": etag, "fetched_at": fetched_at.timestamp()}
        with self._writing() as conn:  # values as parameters, not in the statement: SQLAlchemy's statement
            conn.execute(_SAVE_DOCUMENT, row)  # cache kept the first statement, a catalog or ranking body with it

    def _document(self, name: str) -> StoredDocument | None:
        with self._reading() as conn:
            row = conn.execute(select(documents).where(documents.c.name == name)).first()
        if row is None:
            return None
        return StoredDocument(json.loads(row.body), row.etag, datetime.fromtimestamp(row.fetched_at, UTC))

    @staticmethod
    def _set_state(conn: Connection, key: str, value: str) -> None:
        stmt = sqlite_insert(sync_state).values(key=key, value=value)
        conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._guard("write"), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._guard("read"), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Database failures (disk full, locked, corrupt) surface as one clear error."""
        try:
            yield
        except DBAPIError as err:
            raise LocalStoreError(f"cannot {what} local store {self.path}: {err.orig}",
                                  fault_of(err.orig, self.path)) from None
        except sqlite3.Error as err:  # the driver's own, where it is used directly (iter_observations)
            raise LocalStoreError(f"cannot {what} local store {self.path}: {err}", fault_of(err, self.path)) from None
        except OSError as err:
            raise LocalStoreError(f"cannot {what} local store {self.path}: {err.strerror}", fault_of(err)) from None
