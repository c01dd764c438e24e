"""Engine and unit-of-work sessions for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg).

One engine per process; one ``AsyncSession`` per unit of work (an update, a job), never shared
between tasks. On SQLite every transaction starts with ``BEGIN IMMEDIATE``: a deferred ``BEGIN``
that later upgrades to a writer fails at once with "database is locked" under concurrent
read-then-write transactions, whatever the busy timeout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/chibo.sqlite3"
DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


def database_url(value: str) -> str:
    """The URL with our async driver named (``sqlite://`` → aiosqlite, ``postgres://`` → asyncpg).

    Raises ``ValueError`` for a database this bot does not support.
    """
    value = value.strip()
    if value.startswith("sqlite://"):
        value = "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):
            value = "postgresql+asyncpg://" + value.removeprefix(plain)
    if not value.startswith(DRIVERS):
        raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    return value


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) emit BEGIN, so that it can be BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        _prepare_sqlite_file(url)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _install_sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    """The process-wide engine plus a factory of unit-of-work sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends normally, rolls back on an exception."""
        async with self._sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
