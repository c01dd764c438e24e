"""``chibo db backup FILE`` / ``chibo db restore FILE``: consistent copies of a running bot's data.

SQLite: the online backup API (bot/ops/sqlite_backup.py), a snapshot taken while the bot keeps
writing; the copy is one self-contained file. Copying the live file is not a backup: what was
committed lately may still sit in the ``-wal`` file beside it. PostgreSQL: ``pg_dump -Fc`` (one
consistent snapshot as well) and ``pg_restore --clean --if-exists`` in one transaction
(bot/ops/postgres_backup.py).

A backup is written under a temporary name, readable by its owner only (0600: it holds the
members' personal data), checked, and only then given its name; an existing file is never
overwritten. A restore first reads the backup's schema revision and refuses one this version
of the bot does not know; it refuses a database in use (the bot running: stop it first) unless
``force``; afterwards it checks that the restored database carries the backup's revision.
Starting the bot (or ``chibo db upgrade``) then brings an older schema up to date.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.ops import postgres_backup, sqlite_backup
from bot.ops.errors import BackupError
from storage.db import Database, is_sqlite
from storage.migrate import alembic_config, current_revision
from storage.repositories.operations import other_connections

__all__ = ["BackupError", "Copy", "backup", "restore"]


@dataclass(frozen=True)
class Copy:
    path: Path
    revision: str  # the Alembic schema revision of the data copied


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("this SQLite database is in memory: there is nothing to copy")
    return Path(database).expanduser()


async def _revision_of(database_url: str, backup_file: Path) -> str:
    if is_sqlite(database_url):
        return await asyncio.to_thread(sqlite_backup.revision, backup_file)
    return await postgres_backup.revision(backup_file)


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def _reserve(target: Path) -> tuple[Path, int]:
    """A new private (0600) file beside ``target``, to write the backup into."""
    if target.exists():
        raise BackupError(f"{target} exists: a backup never overwrites a file, choose a new name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    return partial, os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


async def backup(database_url: str, target: Path) -> Copy:
    """Copy the database at ``database_url`` (it may be in use) into the new file ``target``."""
    partial, descriptor = await asyncio.to_thread(_reserve, target)
    try:
        if is_sqlite(database_url):
            os.close(descriptor)
            await asyncio.to_thread(sqlite_backup.copy, _sqlite_path(database_url), partial)
        else:
            with os.fdopen(descriptor, "wb") as out:
                await postgres_backup.dump(database_url, out.fileno())
        revision = await _revision_of(database_url, partial)
        os.replace(partial, target)
    except BaseException:
        os.unlink(partial)
        raise
    return Copy(target, revision)


async def restore(database_url: str, source: Path, *, force: bool = False) -> Copy:
    """Replace the data at ``database_url`` with the backup ``source``.

    Refuses a database in use unless ``force`` (the running bot would go on with what it
    remembered of the old data).
    """
    if not await asyncio.to_thread(source.is_file):
        raise BackupError(f"{source} is not a file")
    revision = await _revision_of(database_url, source)
    if revision not in _known_revisions():
        raise BackupError(
            f"{source} holds schema revision {revision}, which this version of the bot does not "
            "know: restore it with the version that made it"
        )
    if is_sqlite(database_url):
        await asyncio.to_thread(
            sqlite_backup.restore, source, _sqlite_path(database_url), force=force
        )
    else:
        if not force:
            await _refuse_if_in_use(database_url)
        await postgres_backup.restore(database_url, source)
    db = Database(database_url)
    try:
        restored = await current_revision(db.engine)
    finally:
        await db.dispose()
    if restored != revision:
        raise BackupError(f"the restored database is at revision {restored}, not {revision}")
    return Copy(source, revision)


async def _refuse_if_in_use(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.session() as session:
            others = await other_connections(session)
    finally:
        await db.dispose()
    if others:
        raise BackupError(
            f"the database is in use ({others} other connection(s): is the bot running?); "
            "stop it first, or restore with --force"
        )
