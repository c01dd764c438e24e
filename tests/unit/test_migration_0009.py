"""Revision 0009 (members' reminder choices, the cell's rule for them) upgrades a database that
holds data, keeps it, defaults every member to "all reminders" and every cell to "pausing
allowed", and downgrades."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import _attendance, _columns, _downgrade, _fill_at_0001

MEMBER_COLUMNS = {"reminder_off_leads", "reminders_paused_until"}
CELL_COLUMNS = {"reminder_required_leads", "reminder_pause_allowed"}


async def test_upgrading_a_database_with_data_to_0009_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0004")
    before = await _attendance(db)
    assert len(before) == 1

    await upgrade_database(db.engine, "0009")
    assert await current_revision(db.engine) == "0009"
    assert await _attendance(db) == before
    async with db.engine.begin() as connection:
        member = await connection.execute(
            text("SELECT reminder_off_leads, reminders_paused_until FROM members")
        )
        assert [tuple(r) for r in member.all()] == [(None, None)]
        cell = await connection.execute(
            text("SELECT reminder_required_leads, reminder_pause_allowed FROM cells")
        )
        assert [(r[0], bool(r[1])) for r in cell.all()] == [(None, True)]
        await connection.execute(
            text(
                "UPDATE members SET reminder_off_leads = '[4320]', "
                "reminders_paused_until = '2026-12-31'"
            )
        )

    await _downgrade(db, "0004")
    assert not MEMBER_COLUMNS & await _columns(db, "members")
    assert not CELL_COLUMNS & await _columns(db, "cells")
    assert await _attendance(db) == before
    await upgrade_database(db.engine)
    assert await _columns(db, "members") >= MEMBER_COLUMNS
    assert await _columns(db, "cells") >= CELL_COLUMNS
    assert await _attendance(db) == before
