"""The storage layer: UTC round trips, a cell's local day, migrations, concurrent writers."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from storage.db import Database
from storage.functions import local_date
from storage.migrate import current_revision
from storage.models import Cell, Member, MemberState

VN = timezone(timedelta(hours=7))


async def test_datetimes_come_back_aware_utc(db: Database) -> None:
    moment = datetime(2026, 12, 5, 14, 0, tzinfo=VN)
    async with db.session() as session:
        session.add(Cell(name="Chi bộ 1", created_at=moment))
    async with db.session() as session:
        stored = await session.scalar(select(Cell.created_at))
    assert stored == moment
    assert stored is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 7


async def test_naive_datetimes_are_rejected(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.session() as session:
            session.add(Cell(name="Chi bộ 2", created_at=datetime(2026, 1, 1, 8, 0)))


async def test_local_date_is_the_cells_day_on_both_backends(db: Database) -> None:
    """storage/functions.py ``local_date``: the day of a stored UTC moment in a named zone,
    daylight saving included (Berlin moves to summer time on 29/03/2026 at 01:00 UTC)."""
    cases = [
        (datetime(2026, 11, 5, 16, 59, tzinfo=UTC), "Asia/Ho_Chi_Minh", date(2026, 11, 5)),
        (datetime(2026, 11, 5, 17, 0, tzinfo=UTC), "Asia/Ho_Chi_Minh", date(2026, 11, 6)),
        (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 1, 16)),
        (datetime(2026, 7, 15, 21, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 7, 15)),
        (datetime(2026, 7, 15, 22, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 7, 16)),
        (datetime(2026, 3, 1, 3, 0, tzinfo=UTC), "America/New_York", date(2026, 2, 28)),
    ]
    async with db.session() as session:
        for n, (moment, zone, _) in enumerate(cases):
            session.add(Cell(name=f"Chi bộ {n}", timezone=zone, created_at=moment))
    async with db.session() as session:
        day = local_date(Cell.created_at, Cell.timezone)
        rows = (await session.execute(select(day).order_by(Cell.id))).scalars().all()
        matched = await session.scalar(select(func.count(Cell.id)).where(day == date(2026, 11, 6)))
    assert list(rows) == [expected for _, _, expected in cases]
    assert matched == 1  # compared with a date parameter on the backend


async def test_schema_is_at_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(db.engine) == head


async def test_concurrent_read_then_write_transactions_do_not_fail(db: Database) -> None:
    """30 tasks each read a counter and write it back: none fails with 'database is locked'."""
    async with db.session() as session:
        session.add(Cell(id=1, name="Chi bộ 3"))
        session.add(Member(cell_id=1, telegram_id=1, full_name="A B", state=MemberState.ACTIVE))

    async def bump(i: int) -> None:
        async with db.session() as session:
            query = select(Member).where(Member.telegram_id == 1)
            if db.dialect == "postgresql":
                query = query.with_for_update()
            member = await session.scalar(query)
            assert member is not None
            await asyncio.sleep(0)
            await session.execute(
                update(Member)
                .where(Member.id == member.id)
                .values(full_name=f"{member.full_name}x")
            )

    results = await asyncio.gather(*(bump(i) for i in range(30)), return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    async with db.session() as session:
        name = await session.scalar(select(Member.full_name))
    assert name == "A B" + "x" * 30


async def test_utc_now_default(db: Database) -> None:
    before = datetime.now(UTC)
    async with db.session() as session:
        session.add(Cell(name="Chi bộ 4"))
    async with db.session() as session:
        created = await session.scalar(select(Cell.created_at))
    assert created is not None and created >= before - timedelta(seconds=1)


async def test_models_match_migrations(db: Database) -> None:
    """A model change without its migration fails here (regenerate: see storage/migrations)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.models import Base

    def _diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


def test_migrations_run_by_hand_read_database_url(tmp_path: Path, monkeypatch: Any) -> None:
    """`alembic upgrade head` without a URL uses DATABASE_URL, like the bot (storage reads no bot
    settings)."""
    from alembic import command

    from storage.migrate import alembic_config

    database = tmp_path / "by-hand.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    command.upgrade(alembic_config(), "head")
    assert database.exists() and database.stat().st_size > 0
