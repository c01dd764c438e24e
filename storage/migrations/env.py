"""Alembic environment: async engines; or a connection handed in by ``storage.migrate``."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import DEFAULT_DATABASE_URL, create_engine, database_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:  # run by hand (`alembic upgrade head`): the same variable the bot reads
        url = database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    asyncio.run(_run_with_own_engine(url))


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `chibo db upgrade`.")
run_migrations_online()
