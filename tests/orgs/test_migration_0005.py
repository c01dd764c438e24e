"""Revision 0005 (organisations) keeps the data of a database that holds some, both ways."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import WHEN, _attendance, _columns, _downgrade, _fill_at_0001


async def test_upgrading_a_database_with_data_to_0005_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0002")
    before = await _attendance(db)
    assert len(before) == 1

    await upgrade_database(db.engine, "0005")
    assert await current_revision(db.engine) == "0005"
    assert await _attendance(db) == before  # cells were not recreated: nothing cascaded away
    async with db.engine.begin() as connection:
        assert (await connection.execute(text("SELECT org_id FROM cells"))).all() == [(None,)]
        await connection.execute(
            text(
                "INSERT INTO orgs (id, name, timezone, created_at) "
                "VALUES (1, 'Đảng ủy phường Bến Nghé', 'Asia/Ho_Chi_Minh', :at)"
            ),
            {"at": WHEN},
        )
        await connection.execute(text("UPDATE cells SET org_id = 1"))
    async with db.engine.begin() as connection:  # the foreign key holds: deleting the org
        await connection.execute(text("DELETE FROM orgs"))  # leaves the cell standing alone
        assert (await connection.execute(text("SELECT org_id FROM cells"))).all() == [(None,)]
    assert await _attendance(db) == before

    await _downgrade(db, "0002")
    assert "org_id" not in await _columns(db, "cells")
    assert await _attendance(db) == before
    await upgrade_database(db.engine)
    assert await _attendance(db) == before
