"""Revision 0007 (the .ics SEQUENCE, the sitting's real start and end) keeps a database's data."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import _attendance, _columns, _downgrade, _fill_at_0001

NEW = {"ics_sequence", "held_started_at", "held_ended_at"}


async def _meetings(db: Database) -> list[tuple[object, ...]]:
    async with db.engine.connect() as connection:
        result = await connection.execute(
            text("SELECT id, kind, status, duration_minutes FROM meetings")
        )
        return [tuple(row) for row in result.all()]


async def test_upgrading_a_database_with_data_to_0007_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0002")
    before, meetings = await _attendance(db), await _meetings(db)
    assert meetings == [(1, "regular", "scheduled", 90)]

    await upgrade_database(db.engine, "0007")
    assert await current_revision(db.engine) == "0007"
    assert await _attendance(db) == before and await _meetings(db) == meetings
    async with db.engine.connect() as connection:
        added = (
            await connection.execute(
                text("SELECT ics_sequence, held_started_at, held_ended_at FROM meetings")
            )
        ).all()
    assert [tuple(r) for r in added] == [(0, None, None)]

    await _downgrade(db, "0002")
    assert NEW.isdisjoint(await _columns(db, "meetings"))
    assert await _meetings(db) == meetings
    await upgrade_database(db.engine)
    assert await _columns(db, "meetings") >= NEW
