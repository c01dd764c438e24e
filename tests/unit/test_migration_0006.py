"""Revision 0006 (roster columns, statuses) keeps the data of a database that holds some."""

from __future__ import annotations

from sqlalchemy import inspect, text

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
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO member_statuses (cell_id, member_id, kind, starts_on, ends_on, "
                "reason, created_at) VALUES (1, 1, 'mien_sh', '2026-12-01', '2027-05-31', "
                "'Ốm dài ngày', '2026-12-01 00:00:00+00:00')"
            )
        )

    await _downgrade(db, "0002")
    assert await _attendance(db) == before
    assert {"birth_year", "admitted_on"}.isdisjoint(await _columns(db, "members"))
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert "member_statuses" not in tables
    await upgrade_database(db.engine)
    assert await _attendance(db) == before
