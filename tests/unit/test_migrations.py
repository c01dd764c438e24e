"""Schema revisions after the released 0001 keep the data of a database that holds some."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import alembic_config, current_revision, upgrade_database

WHEN = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)


async def _downgrade(db: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)


async def _fill_at_0001(db: Database) -> None:
    rows = {
        "cells": "INSERT INTO cells (id, name, timezone, allow_attachments, created_at) "
        "VALUES (1, 'Chi bộ Khu phố 3', 'Asia/Ho_Chi_Minh', false, :at)",
        "members": "INSERT INTO members (id, cell_id, telegram_id, full_name, role, "
        "party_status, state, can_dm, created_at, updated_at) VALUES "
        "(1, 1, 4000000000, 'Nguyễn Văn An', 'member', 'full', 'active', true, :at, :at)",
        "meetings": "INSERT INTO meetings (id, cell_id, kind, status, starts_at, "
        "duration_minutes, detached, created_at, updated_at) VALUES "
        "(1, 1, 'regular', 'scheduled', :at, 90, false, :at, :at)",
        "attendance": "INSERT INTO attendance (id, meeting_id, member_id, answer, reason_code, "
        "reason_text, answered_at, updated_at) VALUES "
        "(1, 1, 1, 'no', 'khac', 'Đi khám bệnh', :at, :at)",
    }
    async with db.engine.begin() as connection:
        for statement in rows.values():
            await connection.execute(text(statement), {"at": WHEN})


async def _attendance(db: Database) -> list[tuple[object, ...]]:
    async with db.engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT a.answer, a.reason_code, a.reason_text, m.full_name, m.telegram_id, "
                "c.name FROM attendance a JOIN members m ON m.id = a.member_id "
                "JOIN cells c ON c.id = m.cell_id"
            )
        )
        return [tuple(row) for row in result.all()]


async def _columns(db: Database, table: str) -> set[str]:
    async with db.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns(table)}
        )


async def test_upgrading_a_database_with_data_to_0002_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0001")
    assert await current_revision(db.engine) == "0001"
    await _fill_at_0001(db)
    before = await _attendance(db)
    assert before == [
        ("no", "khac", "Đi khám bệnh", "Nguyễn Văn An", 4000000000, "Chi bộ Khu phố 3")
    ]

    await upgrade_database(db.engine, "0002")
    assert await _attendance(db) == before
    async with db.engine.connect() as connection:
        added = (
            await connection.execute(
                text("SELECT answer_update_id, answer_revision FROM attendance")
            )
        ).all()
    assert [tuple(r) for r in added] == [(None, 0)]

    await _downgrade(db, "0001")
    assert await _attendance(db) == before
    assert {"answer_update_id", "answer_revision"}.isdisjoint(await _columns(db, "attendance"))
    await upgrade_database(db.engine)
    assert await _attendance(db) == before


async def test_upgrading_a_database_with_data_to_0004_keeps_it_and_downgrade_works(
    db: Database,
) -> None:
    await _downgrade(db, "0002")
    await _fill_at_0001(db)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO outbox (id, cell_id, kind, dedupe_key, chat_id, member_id, "
                "meeting_id, payload, status, due_at, attempts, created_at) VALUES "
                "(1, 1, 'reminder', 'rem:1:1:60:0', 4000000000, 1, 1, '{}', 'pending', :at, 0, "
                ":at)"
            ),
            {"at": WHEN},
        )
    before = await _attendance(db)

    await upgrade_database(db.engine, "0004")
    assert await _attendance(db) == before
    async with db.engine.connect() as connection:
        outbox = (await connection.execute(text("SELECT dedupe_key, turn FROM outbox"))).all()
        meetings = (await connection.execute(text("SELECT id, plan_key FROM meetings"))).all()
    assert [tuple(r) for r in outbox] == [("rem:1:1:60:0", 0)]  # every old row takes turn 0
    assert [tuple(r) for r in meetings] == [(1, None)]  # planned again once, then skipped

    await _downgrade(db, "0002")
    assert "turn" not in await _columns(db, "outbox")
    assert "plan_key" not in await _columns(db, "meetings")
    await upgrade_database(db.engine)
    assert await _attendance(db) == before
