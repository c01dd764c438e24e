"""Shared fixtures. Every test that touches the database runs on SQLite and on PostgreSQL.

``TEST_DATABASE_URLS`` (comma-separated) chooses the backends; the default is SQLite plus the
local PostgreSQL at 127.0.0.1:5432 (user postgres, database ``test``). The PostgreSQL run gets
its own scratch database, so several test runs can share one server. If PostgreSQL is listed
but unreachable, the tests fail rather than skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Base

DEFAULT_URLS = "sqlite,postgresql+asyncpg://postgres@127.0.0.1:5432/test"
START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội, a Friday


def _backends() -> list[str]:
    raw = os.environ.get("TEST_DATABASE_URLS", DEFAULT_URLS)
    return [url.strip() for url in raw.split(",") if url.strip()]


def _backend_id(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade_database(db.engine)
    finally:
        await db.dispose()


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        user=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        password=parsed.password,
        timeout=10,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


class Backend:
    """A migrated database for one backend; ``fresh()`` gives an empty copy per test."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.kind = _backend_id(url)
        self.base_url = url
        self.workdir = workdir
        self.url = ""
        self._template: Path | None = None

    def setup(self) -> None:
        if self.kind == "sqlite":
            self._template = self.workdir / "template.sqlite3"
            asyncio.run(_migrate(f"sqlite+aiosqlite:///{self._template}"))
            return
        name = f"chibo_test_{uuid.uuid4().hex[:10]}"
        try:
            asyncio.run(_admin(self.base_url, f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # any connection failure is reported the same way
            pytest.fail(
                f"PostgreSQL at {self.base_url} is not reachable ({exc!r}). Start it, or set "
                "TEST_DATABASE_URLS=sqlite to run on SQLite only.",
                pytrace=False,
            )
        self.url = make_url(self.base_url).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_migrate(self.url))

    def teardown(self) -> None:
        if self.kind == "postgresql" and self.url:
            name = make_url(self.url).database
            asyncio.run(_admin(self.base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    async def fresh(self, test_dir: Path) -> Database:
        if self.kind == "sqlite":
            assert self._template is not None
            target = test_dir / "chibo.sqlite3"
            shutil.copyfile(self._template, target)
            return Database(f"sqlite+aiosqlite:///{target}")
        db = Database(self.url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return db


_BACKENDS: dict[str, Backend] = {}


@pytest.fixture(scope="session")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Backend]]:
    yield _BACKENDS
    for backend in _BACKENDS.values():
        backend.teardown()


@pytest.fixture(params=_backends(), ids=_backend_id)
def backend(
    request: pytest.FixtureRequest,
    backends: dict[str, Backend],
    tmp_path_factory: pytest.TempPathFactory,
) -> Backend:
    url: str = request.param
    if url not in backends:
        backend = Backend(url, tmp_path_factory.mktemp(_backend_id(url)))
        backend.setup()
        backends[url] = backend
    return backends[url]


@pytest.fixture
async def db(backend: Backend, tmp_path: Path) -> AsyncIterator[Database]:
    database = await backend.fresh(tmp_path)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, telegram_bot_token=None)  # type: ignore[call-arg]


@pytest.fixture
def services(settings: Settings, db: Database, clock: ManualClock) -> Services:
    return Services.build(settings, db, clock)
