"""``backup`` copies a live database consistently while the bot writes; ``restore`` brings it back.

SQLite goes through its online backup API (a copy of the file would miss what is still in the
WAL), PostgreSQL through pg_dump / pg_restore; the same tests run on both.
"""

from __future__ import annotations

import asyncio
import glob
import os
import sqlite3
import stat
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.ops.backup import BackupError, backup, restore
from bot.ops.postgres_backup import connection_arguments
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.migrate import alembic_config, current_revision, upgrade_database
from storage.models import Cell
from tests.conftest import Backend, _admin

pytestmark = pytest.mark.timeout(90)


def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


@pytest.fixture
async def scratch_url(backend: Backend, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the same backend to restore into (SQLite: a file not yet there)."""
    if backend.kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'chibo.sqlite3'}"
        return
    name = f"chibo_restore_{uuid.uuid4().hex[:10]}"
    await _admin(backend.base_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(backend.base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(backend.base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _cell_names_or_none(url: str) -> set[str] | None:
    """The cells' names, or None when the database has no schema (nothing was restored)."""
    path = str(make_url(url).database)
    if url.startswith("sqlite") and not os.path.exists(path):  # noqa: ASYNC240 - one stat
        return None
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await db.dispose()
    return await _cell_names(url) if "cells" in tables else None


async def _cell_names(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            return set(await session.scalars(select(Cell.name)))
    finally:
        await db.dispose()


class Traffic:
    """Creates cells through the real service, one transaction each, until stopped."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.committed: list[str] = []
        self._stop = asyncio.Event()
        self._progress = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Traffic:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    async def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            name = f"Chi bộ {n}"
            await self.services.cells.create_cell(name, parent_committee="Đảng ủy khối")
            self.committed.append(name)
            self._progress.set()

    async def reach(self, count: int) -> None:
        async with asyncio.timeout(30):
            while len(self.committed) < count:
                self._progress.clear()
                await self._progress.wait()


async def test_a_backup_taken_mid_traffic_restores_every_row_committed_before_it(
    services: Services, scratch_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "backups" / "chibo.backup"
    async with Traffic(services) as traffic:
        await traffic.reach(200)
        before = list(traffic.committed)
        made = await backup(services.db.url, target)
        await traffic.reach(len(traffic.committed) + 20)  # the bot kept writing meanwhile
        committed = set(traffic.committed)
    assert made.revision == _head()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    restored = await restore(scratch_url, target)

    assert restored.revision == _head()
    names = await _cell_names(scratch_url)
    assert set(before) <= names <= committed  # a moment between "before" and the end
    assert len(names) < len(committed), "the copy is a snapshot, not what came after"
    db = Database(scratch_url)
    try:
        assert await current_revision(db.engine) == _head()
    finally:
        await db.dispose()
    if scratch_url.startswith("sqlite"):
        path = make_url(scratch_url).database
        assert path is not None
        with sqlite3.connect(path) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
async def sqlite_services(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[Services]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'live' / 'chibo.sqlite3'}")
    await upgrade_database(db.engine)
    try:
        yield Services.build(settings, db, clock)
    finally:
        await db.dispose()


async def test_a_sqlite_backup_is_one_self_contained_file(
    sqlite_services: Services, tmp_path: Path
) -> None:
    await sqlite_services.cells.create_cell("Chi bộ Khu phố 3")  # committed, still in the WAL
    live = Path(str(make_url(sqlite_services.db.url).database))
    assert os.path.getsize(f"{live}-wal") > 0  # noqa: ASYNC240 - one stat
    target = tmp_path / "copy.sqlite3"
    await backup(sqlite_services.db.url, target)
    assert sorted(glob.glob(f"{target}*")) == [str(target)]
    with sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT name FROM cells").fetchall() == [("Chi bộ Khu phố 3",)]


async def test_backup_never_overwrites_an_existing_file(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "chibo.backup"
    target.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="exists"):
        await backup(services.db.url, target)
    assert target.read_bytes() == b"an older backup"


async def test_restore_refuses_a_database_in_use_unless_forced(
    services: Services, tmp_path: Path
) -> None:
    await services.cells.create_cell("Chi bộ cũ")
    target = tmp_path / "chibo.backup"
    await backup(services.db.url, target)
    await services.cells.create_cell("Chi bộ mới")  # the running bot holds its connections

    with pytest.raises(BackupError, match="in use"):
        await restore(services.db.url, target)
    assert await _cell_names(services.db.url) == {"Chi bộ cũ", "Chi bộ mới"}

    await services.db.dispose()  # the bot stopped: nothing holds the database now
    await restore(services.db.url, target, force=services.db.dialect == "postgresql")
    assert await _cell_names(services.db.url) == {"Chi bộ cũ"}


async def _set_revision(db: Database, revision: str) -> None:
    async with db.session() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


async def test_restore_refuses_a_backup_whose_schema_this_version_does_not_know(
    services: Services, scratch_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "chibo.backup"
    await _set_revision(services.db, "9999_from_the_future")
    try:
        await backup(services.db.url, target)
    finally:
        await _set_revision(services.db, _head())
    with pytest.raises(BackupError, match="9999_from_the_future"):
        await restore(scratch_url, target)
    assert await _cell_names_or_none(scratch_url) is None


async def test_restore_refuses_a_file_that_is_no_backup(
    backend: Backend, scratch_url: str, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(BackupError):
        await restore(scratch_url, junk)


def test_pg_dump_gets_the_password_from_the_environment_never_from_its_arguments() -> None:
    args, env = connection_arguments(
        "postgresql+asyncpg://chibo:s3cr%40t%2F@db.internal:6543/chibo?ssl=require"
    )
    assert args == [
        "--host=db.internal",
        "--port=6543",
        "--username=chibo",
        "--dbname=chibo",
        "--no-password",
    ]
    assert not any("s3cr" in arg for arg in args)
    assert env["PGPASSWORD"] == "s3cr@t/"
    assert env["PGSSLMODE"] == "require"


def test_pg_dump_keeps_a_password_the_operator_set_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", "from-compose")
    _, env = connection_arguments("postgresql+asyncpg://chibo@db/chibo")
    assert env["PGPASSWORD"] == "from-compose"


async def test_the_backup_file_is_private_even_with_a_permissive_umask(
    services: Services, tmp_path: Path
) -> None:
    old = os.umask(0)
    try:
        await backup(services.db.url, tmp_path / "chibo.backup")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "chibo.backup").stat().st_mode) == 0o600
