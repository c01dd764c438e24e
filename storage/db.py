"""Engine and unit-of-work sessions for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg).

One engine per process; one ``AsyncSession`` per unit of work (an update, a job), never shared
between tasks. On SQLite every transaction starts with ``BEGIN IMMEDIATE``: a deferred ``BEGIN``
that later upgrades to a writer fails at once with "database is locked" under concurrent
read-then-write transactions, whatever the busy timeout.

A task cancelled in the middle of a statement (shutdown, a timeout, a crashed worker) makes
SQLAlchemy discard its connection. Python 3.11's ``sqlite3`` closes a connection whose cursor is
still referenced (by the traceback of the cancellation, say) as a "zombie" that keeps its open
transaction, and so the write lock, until the garbage collector frees that cursor: every other
writer then waits out the busy timeout. ``_RollbackOnClose`` rolls back before closing, and
the commit or rollback that ends a unit of work runs to completion even when its task is
cancelled meanwhile (the cancellation is raised once it is done).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.functions import SQLITE_LOCAL_DATE, sqlite_local_date

T = TypeVar("T")
log = logging.getLogger(__name__)

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


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def _prepare_sqlite_file(url: str) -> None:
    """Only the bot's own user may read the database: the file, and the folder the bot makes.

    The modes are set outright, whatever the umask. The database is created here, empty, so
    that SQLite's journal files (-wal, -shm), which copy its mode, are private from the start;
    files an older version left readable by others are tightened.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    missing = [parent for parent in [path.parent, *path.parent.parents] if not parent.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in missing:
        folder.chmod(PRIVATE_FOLDER)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if file.exists() and stat.S_IMODE(file.stat().st_mode) != PRIVATE_FILE:
                file.chmod(PRIVATE_FILE)
        except OSError as exc:  # not ours to change (another owner): say so, and go on
            log.warning("cannot make %s private (mode 0600): %s", file, exc)


class _RollbackOnClose(sqlite3.Connection):
    """A sqlite3 connection that never closes into a zombie holding a transaction."""

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self.in_transaction:
                self.rollback()
        super().close()


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
        # SQLite has no time zones: local_date (storage/functions.py) is computed in Python.
        dbapi_conn.create_function(SQLITE_LOCAL_DATE, 2, sqlite_local_date, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        _prepare_sqlite_file(url)
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "factory": _RollbackOnClose},
        )
        _install_sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


async def _to_completion(step: Awaitable[T]) -> T:
    """Await ``step`` to its end even if the caller is cancelled meanwhile, then re-raise."""
    task = asyncio.ensure_future(step)
    cancelled: asyncio.CancelledError | None = None
    while True:
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError as exc:
            if task.done():
                raise
            cancelled = exc
        else:
            break
    if cancelled is not None:
        raise cancelled
    return result


class Database:
    """The process-wide engine plus a factory of unit-of-work sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and every transaction here is one (BEGIN IMMEDIATE).
        # Taking turns in the process is first come, first served and hands over at once;
        # SQLite's busy handler instead polls with sleeps of up to 100 ms, in no order.
        self._sqlite_turn = asyncio.Lock() if is_sqlite(url) else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends normally, rolls back on an exception."""
        async with self._turn(), self._sessions() as session:
            transaction = await session.begin()
            try:
                yield session
            except BaseException:
                await _to_completion(transaction.rollback())
                raise
            await _to_completion(transaction.commit())

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._sqlite_turn is None:
            yield
            return
        async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
            await self._sqlite_turn.acquire()
        try:
            yield
        finally:
            self._sqlite_turn.release()

    async def dispose(self) -> None:
        await self.engine.dispose()
