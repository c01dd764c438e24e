"""Revision 0006 (roster columns, statuses) keeps the data of a database that holds some."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import _attendance, _columns, _downgrade, _fill_at_0001


async def test_upgrading_a_database_with_data_to_0006_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0002")
    before = await _attendance(db)

    await upgrade_database(db.engine, "0006")
    assert await current_revision(db.engine) == "0006"
    assert await _attendance(db) == before
    async with db.engine.connect() as connection:
        added = (
            await connection.execute(text("SELECT birth_year, admitted_on FROM members"))
        ).all()
    assert [tuple(r) for r in added] == [(None, None)]

    await _downgrade(db, "0002")
    assert await _attendance(db) == before
    assert {"birth_year", "admitted_on"}.isdisjoint(await _columns(db, "members"))
    await upgrade_database(db.engine)
    assert await _attendance(db) == before
