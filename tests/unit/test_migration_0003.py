"""0003 (send budget, job runs) upgrades a database holding data and downgrades cleanly."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import WHEN, _attendance, _downgrade, _fill_at_0001

NEW_TABLES = {"send_clock", "chat_send_clock", "job_runs"}


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrading_a_database_with_data_to_0003_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0002")
    before = await _attendance(db)
    assert before and NEW_TABLES.isdisjoint(await _tables(db))

    await upgrade_database(db.engine, "0003")
    assert await current_revision(db.engine) == "0003"
    assert await _attendance(db) == before
    assert await _tables(db) >= NEW_TABLES
    async with db.engine.begin() as connection:  # the new tables take rows
        await connection.execute(
            text("INSERT INTO job_runs (name, last_started_at) VALUES ('x', :at)"),
            {"at": WHEN},
        )

    await _downgrade(db, "0002")
    assert NEW_TABLES.isdisjoint(await _tables(db))
    assert await _attendance(db) == before
    await upgrade_database(db.engine)
    assert await _attendance(db) == before
