"""Database plumbing: metadata naming convention, engine factory, request sessions."""

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

# Set before any table is defined so every constraint gets a stable, predictable
# name: Alembic can then drop and alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

logger = logging.getLogger(__name__)

# A read replica that has not answered by then is treated as down (2 s is the
# least libpq and psycopg accept): the request is answered from the primary.
REPLICA_CONNECT_TIMEOUT_SECONDS = 2
# After a failed connect the replica is left alone this long, so a dead one
# costs one failed connect (and one warning) per window, not one per request.
REPLICA_BACKOFF_SECONDS = 5.0


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked on every connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Full-text search structures that the migrations create by hand (FTS5 tables
# and their shadow tables on SQLite; the project_search table of tsvectors and
# its index on PostgreSQL): the models do not describe them, so schema
# comparisons leave them out.
SEARCH_INDEX_PREFIXES = ("project_fts", "project_search", "ix_project_search")
SEARCH_COLUMNS = ("search_vector",)


def described_by_models(name: str | None) -> bool:
    """False for the search structures the models do not describe."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIXES)


def compared_with_models(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's `include_name`: schema comparisons skip the search structures."""
    if type_ == "column":
        return name not in SEARCH_COLUMNS
    return type_ not in ("table", "index") or described_by_models(name)


def make_engine(url: str, *, echo: bool = False, read_only: bool = False) -> Engine:
    """An engine for `url`, with the per-dialect settings this project relies on.

    `read_only` (a PostgreSQL read replica): a short connect timeout, and every
    transaction is READ ONLY, so a write fails even on a writable server.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False}
        )
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    if read_only:
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            connect_args={"connect_timeout": REPLICA_CONNECT_TIMEOUT_SECONDS},
            execution_options={"postgresql_readonly": True},
        )
    return create_engine(url, echo=echo, pool_pre_ping=True)


def session_scope(engine: Engine) -> Iterator[Session]:
    """A session on `engine`, closed afterwards (the body of the request dependency)."""
    with Session(engine) as session:
        yield session


class ReadReplica:
    """A read-only engine used while it answers.

    A failed connect marks it down for `backoff_seconds`; meanwhile callers use
    the primary. When the window ends one caller probes it again (the others
    keep to the primary until that probe succeeds).
    """

    def __init__(
        self, engine: Engine, *, backoff_seconds: float = REPLICA_BACKOFF_SECONDS
    ) -> None:
        self.engine = engine
        self.backoff_seconds = backoff_seconds
        self._lock = threading.Lock()
        self._down_until = 0.0  # time.monotonic(); 0 while it answers
        self._warned_until = 0.0

    def open_session(self) -> Session | None:
        """A session with its connection already open, or None when the replica
        is down. Only the connect is tried here, before the caller runs any
        query: a failure later in a request is an error, never a retry."""
        probe = self._claim()
        if probe is None:
            return None
        session = Session(self.engine)
        try:
            session.connection()  # connects now (pre-ping included), or raises
        except OperationalError as error:
            session.close()
            self._mark_down(error)
            return None
        if probe:
            with self._lock:
                self._down_until = 0.0
            logger.info("read replica answers again; public reads use it")
        return session

    def _claim(self) -> bool | None:
        """None: leave the replica alone; True: this call probes a replica
        that was down; False: it is up."""
        with self._lock:
            now = time.monotonic()
            if now < self._down_until:
                return None
            if self._down_until:
                self._down_until = now + self.backoff_seconds
                return True
            return False

    def _mark_down(self, error: OperationalError) -> None:
        with self._lock:
            now = time.monotonic()
            self._down_until = now + self.backoff_seconds
            warn = now >= self._warned_until
            if warn:
                self._warned_until = self._down_until
        if warn:
            logger.warning(
                "read replica unreachable, public reads use the primary for %.0f s: %s",
                self.backoff_seconds,
                str(error.orig or error).strip(),
            )


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL keeps the zone (`timestamptz`); SQLite stores text without one, so
    values are normalised to UTC on the way in and marked UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, _dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, _dialect: Any
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)  # one zone object everywhere, PostgreSQL too


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)
