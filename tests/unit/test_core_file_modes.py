"""The SQLite database holds personal data: only the bot's own user may read it, whatever the
umask (files 0600, the data folder the bot creates 0700)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Cell


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default: new files 0644, folders 0755
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(folder: Path) -> dict[str, int]:
    return {path.name: _mode(path) for path in folder.iterdir()}


def _make_readable_by_all(folder: Path) -> None:
    for path in folder.iterdir():
        path.chmod(0o644)  # as an older version left them


async def test_a_new_database_its_journal_and_its_folder_are_private(
    tmp_path: Path, permissive_umask: None
) -> None:
    folder = tmp_path / "data"
    database = folder / "chibo.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade_database(db.engine)
        async with db.session() as session:
            session.add(Cell(name="Chi bộ 1"))
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in files)  # WAL mode, open connection
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
        assert _mode(folder) == 0o700
    finally:
        await db.dispose()


async def test_an_existing_world_readable_database_is_tightened_at_start(
    tmp_path: Path, permissive_umask: None
) -> None:
    database = tmp_path / "old.sqlite3"
    first = Database(f"sqlite+aiosqlite:///{database}")
    await upgrade_database(first.engine)
    await first.dispose()
    _make_readable_by_all(tmp_path)
    db = Database(f"sqlite+aiosqlite:///{database}")
    try:
        async with db.session() as session:
            assert await session.scalar(select(Cell.id)) is None
        modes = _modes(tmp_path)
        assert len(modes) == 3  # the database, its -wal and -shm
        assert modes == dict.fromkeys(modes, 0o600)
    finally:
        await db.dispose()
