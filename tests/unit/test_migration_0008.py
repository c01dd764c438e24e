"""Revision 0008 (erasure_requests) upgrades a database that holds data and downgrades."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import WHEN, _attendance, _downgrade, _fill_at_0001


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrading_a_database_with_data_to_0008_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0002")
    before = await _attendance(db)
    assert len(before) == 1

    await upgrade_database(db.engine, "0008")
    assert await current_revision(db.engine) == "0008"
    assert await _attendance(db) == before
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO erasure_requests (cell_id, member_id, status, requested_at) "
                "VALUES (1, 1, 'pending', :at)"
            ),
            {"at": WHEN},
        )
        rows = await connection.execute(text("SELECT member_id, status FROM erasure_requests"))
        assert [tuple(r) for r in rows.all()] == [(1, "pending")]

    await _downgrade(db, "0002")
    assert "erasure_requests" not in await _tables(db)
    assert await _attendance(db) == before
    await upgrade_database(db.engine)
    assert "erasure_requests" in await _tables(db)
    assert await _attendance(db) == before
