"""PostgreSQL copies with ``pg_dump -Fc`` and ``pg_restore`` (the postgresql-client tools).

The URL's host, port, user and database go to them as arguments, its password only through
``PGPASSWORD`` in their environment (or the one the operator set there): never on a command
line, which any user of the machine can read, and never printed.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.ops.errors import BackupError

LIBPQ_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
REVISION_TABLE = "alembic_version"


def connection_arguments(database_url: str) -> tuple[list[str], dict[str, str]]:
    """The libpq arguments and environment that reach the database at ``database_url``."""
    url = make_url(database_url)
    args = [
        f"--{name}={value}"
        for name, value in (("host", url.host), ("port", url.port), ("username", url.username))
        if value is not None
    ]
    args += [f"--dbname={url.database}", "--no-password"]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    ssl = url.query.get("sslmode") or url.query.get("ssl")
    if isinstance(ssl, str) and ssl in LIBPQ_SSL_MODES:
        env["PGSSLMODE"] = ssl
    return args, env


async def _run(program: str, *args: str, env: dict[str, str] | None = None, stdout: int) -> bytes:
    try:
        process = await asyncio.create_subprocess_exec(
            program, *args, stdout=stdout, stderr=asyncio.subprocess.PIPE, env=env
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)"
        ) from exc
    output, errors = await process.communicate()
    if process.returncode != 0:
        last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise BackupError(f"{program} failed: {last[0]}")
    return output or b""


async def dump(database_url: str, out: int) -> None:
    """One consistent snapshot of the database, in pg_dump's custom format, into ``out``."""
    args, env = connection_arguments(database_url)
    await _run("pg_dump", "--format=custom", *args, env=env, stdout=out)


async def restore(database_url: str, source: Path) -> None:
    """Drop what the dump holds and recreate it from the dump, all in one transaction."""
    args, env = connection_arguments(database_url)
    await _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        str(source),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
    )


async def revision(source: Path) -> str:
    """The schema revision recorded in a dump (its ``alembic_version`` row)."""
    sql = await _run(
        "pg_restore",
        "--data-only",
        f"--table={REVISION_TABLE}",
        "--file=-",
        str(source),
        stdout=asyncio.subprocess.PIPE,
    )
    lines = iter(sql.decode().splitlines())
    for line in lines:
        if line.startswith("COPY ") and f"{REVISION_TABLE} " in line:
            value = next(lines, "\\.")
            if value != "\\.":
                return value.strip()
    raise BackupError(f"{source} has no schema revision: is it a backup of this bot?")
