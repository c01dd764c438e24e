"""The bot-wide send budget: instances sharing PostgreSQL book one schedule (issue #11)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.delivery.shared_budget import PostgresSendBudget, SendBudget, send_budget_for
from storage.db import Database
from storage.repositories.send_budget import SendBudgetRepository

PRIVATE, GROUP = 1001, -1002


@pytest.fixture
def pg(db: Database) -> Database:
    if db.dialect != "postgresql":
        pytest.skip("the shared budget lives in PostgreSQL; SQLite runs one instance")
    return db


def _peer(db: Database, rate: float = 30.0) -> PostgresSendBudget:
    """One instance's budget: its own engine on the shared database, as a process has."""
    return PostgresSendBudget(Database(db.url).engine, global_rate=rate)


async def _send(
    budget: SendBudget, chat: int, *, per_chat: bool = True, max_wait: float = 0.0
) -> float:
    """One send as the worker makes it: 0.0 once sent, or how long the chat is still busy."""
    turn = await budget.reserve(chat, per_chat=per_chat, max_wait=max_wait)
    if turn.busy > 0:
        return turn.busy
    await budget.start(turn)
    await budget.finish(await budget.admit())
    return 0.0


async def _dispose(*budgets: PostgresSendBudget) -> None:
    for budget in budgets:
        await budget.engine.dispose()


async def test_sqlite_books_nothing_and_postgres_shares_the_budget(db: Database) -> None:
    budget = send_budget_for(db.engine, global_rate=28)
    assert budget.shared is (db.dialect == "postgresql")
    if not budget.shared:
        started = time.monotonic()
        for _ in range(100):  # one instance: the in-process RateLimiter is the whole truth
            assert await _send(budget, PRIVATE, per_chat=True) == 0.0
        assert time.monotonic() - started < 0.5
        assert type(budget) is SendBudget


async def test_three_instances_together_stay_within_the_overall_rate(pg: Database) -> None:
    peers = [_peer(pg, rate=40.0) for _ in range(3)]
    starts: list[float] = []

    async def send(budget: PostgresSendBudget, chat: int) -> None:
        assert await _send(budget, chat, per_chat=chat % 2 == 0, max_wait=2.0) == 0.0
        starts.append(time.monotonic())

    try:
        began = time.monotonic()
        await asyncio.gather(*(send(peers[i % 3], 5000 + i) for i in range(60)))
    finally:
        await _dispose(*peers)
    starts.sort()
    assert starts[-1] - began >= 59 / 40 - 0.05  # 60 slots, 1/40 s apart, whoever booked them
    # Slots are exact; a start comes a few milliseconds after its slot (one more statement,
    # a busy event loop), which may pull one or two into the same second.
    busiest = max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)
    assert busiest <= 43


async def test_a_private_chat_gets_one_message_a_second_across_instances(pg: Database) -> None:
    first, second = _peer(pg), _peer(pg)
    try:
        assert await _send(first, PRIVATE, per_chat=True) == 0.0
        started = time.monotonic()
        assert await _send(second, PRIVATE, per_chat=True) == 0.0
        assert time.monotonic() - started >= 0.9  # waited for the chat's second, then went
        # Another chat is not held up at all; a group's interval is 20 a minute.
        started = time.monotonic()
        assert await _send(second, PRIVATE + 1, per_chat=True) == 0.0
        assert await _send(first, GROUP, per_chat=True) == 0.0
        assert time.monotonic() - started < 0.5
        engine = pg.engine.execution_options(isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            repo = SendBudgetRepository(connection)
            assert await repo.book_chat(GROUP, (await repo.book_global(0.01)).slot, 3.1) > 3.0
    finally:
        await _dispose(first, second)


async def test_a_stopping_worker_does_not_wait_for_a_busy_chat(pg: Database) -> None:
    """The chat is busy for about a second (another instance just wrote to it): a worker
    that begins stopping meanwhile gets its turn back as busy at once, having sent nothing."""
    first, second = _peer(pg), _peer(pg)
    stopping = asyncio.Event()
    try:
        assert await _send(first, PRIVATE, per_chat=True) == 0.0
        asyncio.get_running_loop().call_later(0.2, stopping.set)
        started = time.monotonic()
        turn = await second.reserve(PRIVATE, per_chat=True, max_wait=2.0, stopping=stopping)
        assert turn.busy > 0
        assert 0.15 <= time.monotonic() - started < 0.6
    finally:
        await _dispose(first, second)


async def test_a_direct_reply_never_waits_for_its_chat_but_the_outbox_keeps_the_interval(
    pg: Database,
) -> None:
    reply, worker = _peer(pg), _peer(pg)
    try:
        started = time.monotonic()
        assert await _send(reply, PRIVATE, per_chat=False) == 0.0
        assert await _send(reply, PRIVATE, per_chat=False) == 0.0  # a reply and its follow-up
        assert time.monotonic() - started < 0.5
        assert await _send(worker, PRIVATE, per_chat=True) == 0.0
        assert time.monotonic() - started >= 0.9
    finally:
        await _dispose(reply, worker)


async def test_a_429_pauses_the_chat_and_a_global_one_everyone(pg: Database) -> None:
    first, second = _peer(pg), _peer(pg)
    try:
        await first.report_429(PRIVATE, 8.0, everywhere=False)
        # Longer than a chat's own interval: the worker gives the row back for that long.
        assert 7.0 < await _send(second, PRIVATE, per_chat=True, max_wait=2.0) <= 8.0
        await first.report_429(PRIVATE + 1, 0.6, everywhere=True)
        started = time.monotonic()
        assert await _send(second, PRIVATE + 2, per_chat=True) == 0.0
        assert time.monotonic() - started >= 0.5
    finally:
        await _dispose(first, second)


async def test_the_outbox_books_at_most_the_horizon_ahead_and_replies_go_first(
    pg: Database,
) -> None:
    engine = pg.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        repo = SendBudgetRepository(connection)
        bookings = [await repo.book_global(0.1, horizon=0.5) for _ in range(10)]
        booked = [b for b in bookings if b.booked]
        assert 5 <= len(booked) <= 7
        assert all(b.wait <= 0.61 for b in booked)
        refused = bookings[-1]
        assert not refused.booked and refused.wait > 0.5
        reply = await repo.book_global(0.1)  # no horizon: a reply is booked whatever the queue
        assert reply.booked and reply.wait > 0.5
        # A missing clock row (a truncated table) is made again, not an error.
        await connection.exec_driver_sql("DELETE FROM send_clock")
        assert (await repo.book_global(0.1)).booked


async def test_old_chat_clocks_are_pruned(pg: Database) -> None:
    engine = pg.engine.execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        repo = SendBudgetRepository(connection)
        await repo.push_chat(PRIVATE, -600.0)  # free ten minutes ago
        await repo.push_chat(PRIVATE + 1, 1.0)
        assert await repo.prune_chats(120.0) == 1
        now = (await repo.book_global(0.01)).slot
        assert await repo.book_chat(PRIVATE + 1, now, 1.05) > 0.0
        assert await repo.book_chat(PRIVATE, now, 1.05) == 0.0


async def test_no_second_sees_more_requests_than_the_rate_however_late_answers_come(
    pg: Database,
) -> None:
    peers = [_peer(pg, rate=5.0) for _ in range(3)]
    try:
        admissions = [asyncio.create_task(peers[i % 3].admit()) for i in range(8)]
        await asyncio.sleep(1.0)
        flying = [task for task in admissions if task.done()]
        assert len(flying) == 5  # no answer yet: a sixth could arrive in the same second
        waiting = asyncio.create_task(peers[0].start(await peers[0].reserve(9, per_chat=False)))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # no room: it waits before its caller prepares anything
        answered = time.monotonic()
        for i, task in enumerate(flying):
            await peers[i % 3].finish(task.result())
        await asyncio.gather(*admissions, waiting)
        assert time.monotonic() - answered >= 0.9  # they count until a second after the answer
    finally:
        await _dispose(*peers)


async def test_a_start_foreseen_ahead_leaves_out_answers_that_stop_counting_by_then(
    pg: Database,
) -> None:
    """The outbox moves its row to "sending" between ``start`` and ``admit``: ``start``
    need not wait for answers that stop counting within that time; ``admit`` still does."""
    budget = _peer(pg, rate=2.0)
    try:
        for ticket in [await budget.admit() for _ in range(2)]:
            await budget.finish(ticket)
        answered = time.monotonic()
        await budget.start(await budget.reserve(9, per_chat=False), ahead=0.6)
        assert time.monotonic() - answered < 0.85  # not the full second
        await budget.finish(await budget.admit())
        assert time.monotonic() - answered >= 0.95  # the hard bound waited for it
    finally:
        await _dispose(budget)
