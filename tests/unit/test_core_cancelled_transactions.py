"""A task cancelled in the middle of a write transaction never leaves the database locked.

Cancellation is how asyncio stops work (shutdown, timeouts, a crashed outbox worker): the
transaction it interrupts must be rolled back at once, never left holding SQLite's single write
lock (or a PostgreSQL row lock) until the garbage collector happens to free a cursor.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select, text, update

from storage.db import Database
from storage.models import Cell

# A statement that keeps the database busy for a good fraction of a second.
SLOW = {
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
        "SELECT count(*) FROM c"
    ),
    "postgresql": "SELECT pg_sleep(0.5)",
}


async def _rename(db: Database, name: str) -> None:
    async with db.session() as session:
        await session.execute(update(Cell).where(Cell.id == 1).values(name=name))


async def test_a_cancelled_writer_releases_its_lock_at_once(db: Database) -> None:
    async with db.session() as session:
        session.add(Cell(id=1, name="Chi bộ 1"))
    started = asyncio.Event()

    async def writer_cancelled_mid_statement() -> None:
        async with db.session() as session:
            await session.execute(update(Cell).where(Cell.id == 1).values(name="never"))
            started.set()
            await session.execute(text(SLOW[db.dialect]))

    task = asyncio.create_task(writer_cancelled_mid_statement())
    await started.wait()
    await asyncio.sleep(0.1)  # the slow statement is running now
    task.cancel()
    # Keep the exception (and its traceback, with the interrupted cursor) alive, as a task set
    # or a log record would: the lock must not wait for the garbage collector.
    outcome = await asyncio.gather(task, return_exceptions=True)
    assert isinstance(outcome[0], asyncio.CancelledError)

    begun = time.monotonic()
    await asyncio.wait_for(_rename(db, "Chi bộ 2"), timeout=5)
    assert time.monotonic() - begun < 2
    async with db.session() as session:
        assert await session.scalar(select(Cell.name)) == "Chi bộ 2"


async def test_writers_cancelled_at_random_moments_never_block_the_next(db: Database) -> None:
    async with db.session() as session:
        session.add(Cell(id=1, name="Chi bộ 1"))

    async def busy() -> None:
        while True:
            async with db.session() as session:
                await session.execute(update(Cell).where(Cell.id == 1).values(name="busy"))
                await session.execute(select(Cell.name))

    kept: list[object] = []
    for step in range(60):
        task = asyncio.create_task(busy())
        await asyncio.sleep((step % 20) * 0.001)
        task.cancel()
        kept += await asyncio.gather(task, return_exceptions=True)
        await asyncio.wait_for(_rename(db, f"Chi bộ {step}"), timeout=5)


async def test_sqlite_transactions_of_one_process_take_turns_in_arrival_order(
    db: Database,
) -> None:
    """First come, first served: SQLite's own busy handler polls and wakes writers in no order."""
    async with db.session() as session:
        session.add(Cell(id=1, name="Chi bộ 1"))
    order: list[int] = []
    holding = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with db.session() as session:
            await session.execute(update(Cell).where(Cell.id == 1).values(name="held"))
            holding.set()
            await release.wait()

    async def writer(n: int) -> None:
        async with db.session() as session:
            await session.execute(update(Cell).where(Cell.id == 1).values(name=f"w{n}"))
            order.append(n)

    first = asyncio.create_task(holder())
    await holding.wait()
    writers = []
    for n in range(12):
        writers.append(asyncio.create_task(writer(n)))
        await asyncio.sleep(0.02)  # each one is waiting before the next arrives
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *writers), timeout=20)
    if db.dialect == "sqlite":
        assert order == list(range(12))
    else:  # PostgreSQL queues row locks itself; every writer gets through
        assert sorted(order) == list(range(12))
