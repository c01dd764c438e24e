"""Developer tool: regenerate the initial migration from the models (before the first release).

    python -m storage.migrations.regenerate

Autogenerates against a scratch PostgreSQL database (PG_ADMIN_URL, default the local server),
then drops it. Migrations generated on PostgreSQL run on both backends (batch mode on SQLite).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from storage.migrate import MIGRATIONS_DIR, alembic_config

ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
INITIAL = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"


async def _admin(statement: str) -> None:
    url = make_url(ADMIN_URL)
    conn = await asyncpg.connect(
        user=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        password=url.password,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    name = f"chibo_regen_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        if INITIAL.exists():
            INITIAL.unlink()
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        command.revision(
            alembic_config(url), message="initial schema", autogenerate=True, rev_id="0001"
        )
        text = INITIAL.read_text(encoding="utf-8")
        text = "\n".join(line for line in text.splitlines() if not line.startswith("Create Date"))
        INITIAL.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {Path(INITIAL).relative_to(Path.cwd())}")
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
