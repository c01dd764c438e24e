"""SQLite copies through the online backup API (blocking: run these in a thread).

``copy`` takes one snapshot in a single backup step: in WAL mode the reader it holds never
blocks the bot's writers, and it sees everything committed, also what is still in the WAL.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.ops.errors import BackupError
from storage.db import SQLITE_BUSY_TIMEOUT_MS

BUSY_TIMEOUT = SQLITE_BUSY_TIMEOUT_MS / 1000


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)


def copy(source: Path, target: Path) -> None:
    """Snapshot the (possibly live) database ``source`` into the empty file ``target``."""
    if not source.is_file():
        raise BackupError(f"there is no SQLite database at {source}")
    with (
        closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT)) as live,
        closing(sqlite3.connect(target)) as out,
    ):
        live.backup(out)
        # The copy inherits WAL mode from its source; a backup should be one file.
        out.execute("PRAGMA journal_mode=DELETE")


def revision(path: Path) -> str:
    """The schema revision of a backup file, once SQLite found it intact."""
    try:
        with closing(_read_only(path)) as database:
            (verdict,) = database.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: {verdict}")
            row = database.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite backup of this bot ({exc})") from exc
    if row is None:
        raise BackupError(f"{path} has no schema revision")
    return str(row[0])


def restore(source: Path, target: Path, *, force: bool) -> None:
    """Write the backup ``source`` over the database ``target`` (created if missing).

    Unless ``force``, it first takes the database for itself alone (exclusive locking mode):
    that fails while any other connection has it open, as the running bot always does.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    timeout = BUSY_TIMEOUT if force else 0
    with (
        closing(_read_only(source)) as backup,
        closing(sqlite3.connect(target, timeout=timeout, isolation_level=None)) as live,
    ):
        if not force:
            try:
                live.execute("PRAGMA locking_mode=EXCLUSIVE")
                live.execute("BEGIN EXCLUSIVE")
                live.execute("COMMIT")  # the exclusive lock stays until the connection closes
            except sqlite3.OperationalError as exc:
                raise BackupError(
                    f"{target} is in use (is the bot running?): stop it first, "
                    "or restore with --force"
                ) from exc
        backup.backup(live)
