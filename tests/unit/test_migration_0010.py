"""Revision 0010 (chosen_cells, member_transfers) upgrades a database that holds data and
downgrades."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import current_revision, upgrade_database
from tests.unit.test_migrations import WHEN, _attendance, _downgrade, _fill_at_0001

NEW = {"chosen_cells", "member_transfers"}


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrading_a_database_with_data_to_0010_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    await _fill_at_0001(db)
    await upgrade_database(db.engine, "0009")
    before = await _attendance(db)
    assert len(before) == 1 and not NEW & await _tables(db)

    await upgrade_database(db.engine, "0010")
    assert await current_revision(db.engine) == "0010"
    assert await _attendance(db) == before
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO cells (id, name, timezone, allow_attachments, created_at) "
                "VALUES (2, 'Chi bộ Trường học', 'Asia/Ho_Chi_Minh', false, :at)"
            ),
            {"at": WHEN},
        )
        await connection.execute(
            text(
                "INSERT INTO chosen_cells (telegram_id, cell_id, chosen_at) "
                "VALUES (4000000000, 1, :at)"
            ),
            {"at": WHEN},
        )
        await connection.execute(
            text(
                "INSERT INTO member_transfers (kind, status, from_cell_id, from_member_id, "
                "to_cell_id, created_at) VALUES ('chinh_thuc', 'pending', 1, 1, 2, :at)"
            ),
            {"at": WHEN},
        )
        rows = await connection.execute(text("SELECT telegram_id, cell_id FROM chosen_cells"))
        assert [tuple(r) for r in rows.all()] == [(4000000000, 1)]
        rows = await connection.execute(
            text("SELECT from_member_id, to_cell_id FROM member_transfers")
        )
        assert [tuple(r) for r in rows.all()] == [(1, 2)]

    await _downgrade(db, "0009")
    assert not NEW & await _tables(db)
    assert await _attendance(db) == before
    await upgrade_database(db.engine)
    assert await _tables(db) >= NEW
    assert await _attendance(db) == before
