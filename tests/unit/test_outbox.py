"""The outbox worker on both databases: planning, claiming, outcomes, crash recovery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.delivery.outbox import OutboxWorker
from bot.delivery.outgoing import (
    Defer,
    EditMessage,
    OutgoingMessage,
    Rendered,
    SendResult,
    SendStatus,
)
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.shared_budget import PostgresSendBudget
from bot.services import outbox_renderers
from storage.db import Database
from storage.models import (
    Cell,
    Meeting,
    MeetingKind,
    Member,
    OutboxMessage,
    OutboxStatus,
)
from storage.repositories.outbox import OutboxRepository, PlanRow
from tests.builders import CellWithMembers, build_cell
from tests.fakes import ScriptedSender, fast_limiter

KIND = "test_note"
GROUP = -100777


async def _render_note(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    mode = row.payload.get("mode")
    if mode == "cancel":
        return None
    if mode == "defer":
        raise Defer(30)
    if mode == "boom":
        raise RuntimeError("template broke")
    message = OutgoingMessage(text=row.payload.get("text", "Xin chào đồng chí"))
    if "edit" in row.payload:
        return EditMessage(int(row.payload["edit"]), message)
    return message


RENDERERS = {**outbox_renderers(), KIND: _render_note}


@pytest.fixture
async def cell(db: Database) -> CellWithMembers:
    return await build_cell(
        db,
        name="Chi bộ 1",
        parent_committee=None,
        group_chat_id=GROUP,
        secretary=None,
        members=5,
        tid_base=500,
        member_name="Đảng viên {tid}",
    )


def _row(
    cell: CellWithMembers, key: str, chat_id: int, due: datetime, **payload: Any
) -> dict[str, Any]:
    member = next((m.id for m in cell.members if m.telegram_id == chat_id), None)
    return {
        "cell_id": cell.cell_id,
        "kind": KIND,
        "dedupe_key": key,
        "chat_id": chat_id,
        "member_id": member,
        "payload": payload,
        "due_at": due,
    }


async def _plan(db: Database, rows: list[dict[str, Any]]) -> int:
    async with db.session() as session:
        return await OutboxRepository(session).plan(rows)


async def _rows(db: Database) -> dict[str, OutboxMessage]:
    async with db.session() as session:
        return {r.dedupe_key: r for r in await session.scalars(select(OutboxMessage))}


def _worker(db: Database, clock: ManualClock, sender: ScriptedSender, **kw: Any) -> OutboxWorker:
    return OutboxWorker(db, clock, sender, fast_limiter(), renderers=RENDERERS, **kw)


async def test_plan_ignores_duplicate_keys(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    now = clock.now()
    rows = [_row(cell, f"k{i}", 500 + i, now) for i in range(3)]
    assert await _plan(db, rows) == 3
    assert await _plan(db, [*rows, _row(cell, "k9", 504, now), _row(cell, "k9", 504, now)]) == 1
    assert len(await _rows(db)) == 4


async def test_bulk_planning_stores_rows_as_the_orm_does_and_revives_only_cancelled_unsent(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """``plan_or_revive`` (reminder planning's one-statement path, driver values built by
    hand) writes what ``plan`` writes, in the same format: the worker finds the rows due."""
    now = clock.now()
    soon = now + timedelta(minutes=5)
    await _plan(db, [_row(cell, "orm", 500, soon, text="a")])
    rows = [
        PlanRow(**_row(cell, f"b{i}", 500 + i, soon, text="a", n=i), meeting_id=None)
        for i in range(3)
    ]
    async with db.session() as session:
        assert await OutboxRepository(session).plan_or_revive([*rows, rows[0]]) == 3
    stored = await _rows(db)
    orm, bulk = stored["orm"], stored["b1"]
    assert (bulk.due_at, bulk.status, bulk.attempts, bulk.member_id) == (
        orm.due_at,
        orm.status,
        orm.attempts,
        cell.members[1].id,
    )
    assert bulk.payload == {"text": "a", "n": 1} and [stored[f"b{i}"].turn for i in range(3)] == [
        0,
        1,
        2,
    ]
    async with db.session() as session:
        assert [r.dedupe_key for r in await OutboxRepository(session).claimable(soon, 9)] == [
            "orm",
            "b0",
            "b1",
            "b2",
        ]
        for row in await session.scalars(select(OutboxMessage)):
            if row.dedupe_key in ("b0", "b1"):
                row.status = OutboxStatus.CANCELLED
            if row.dedupe_key == "b1":
                row.sent_at = now  # cancelled after it was sent: never again
    async with db.session() as session:  # again: only the cancelled, never-sent row comes back
        assert await OutboxRepository(session).plan_or_revive(rows) == 1
    stored = await _rows(db)
    assert [stored[f"b{i}"].status for i in range(3)] == ["pending", "cancelled", "pending"]


async def test_sends_due_rows_once_and_records_them(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    now = clock.now()
    await _plan(db, [_row(cell, "a", 500, now), _row(cell, "later", 501, now + timedelta(hours=1))])
    sender = ScriptedSender()
    worker = _worker(db, clock, sender)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    rows = await _rows(db)
    assert rows["a"].status == "sent" and rows["a"].attempts == 1
    assert rows["a"].telegram_message_id == 1001 and rows["a"].sent_at == now
    assert rows["later"].status == "pending"
    assert await worker.next_due() == now + timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    assert await worker.run_once() == 1
    assert [chat for chat, _ in sender.sent] == [500, 501]


class _TakenBackMidSend(ScriptedSender):
    """While the send is on the wire, another instance takes the row back (its claim lapsed)
    and settles it as uncertain, as its crash recovery does."""

    def __init__(self, db: Database, key: str) -> None:
        super().__init__()
        self.db, self.key = db, key

    async def send(self, chat_id: int, message: OutgoingMessage) -> SendResult:
        async with self.db.session() as session:
            row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == self.key)
            )
            assert row is not None
            if chat_id == row.chat_id:
                assert row.status == OutboxStatus.SENDING
                row.status = OutboxStatus.UNCERTAIN
        return await super().send(chat_id, message)


async def test_a_delivery_is_recorded_only_on_a_row_still_in_flight(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    now = clock.now()
    await _plan(db, [_row(cell, "taken", 500, now), _row(cell, "ours", 501, now)])
    sender = _TakenBackMidSend(db, "taken")
    await _worker(db, clock, sender).run_once()
    rows = await _rows(db)
    assert rows["taken"].status == "uncertain" and rows["taken"].sent_at is None
    assert rows["taken"].telegram_message_id is None
    assert rows["ours"].status == "sent" and rows["ours"].sent_at == now
    assert rows["ours"].telegram_message_id is not None and rows["ours"].locked_until is None


async def test_renderer_outcomes(db: Database, clock: ManualClock, cell: CellWithMembers) -> None:
    now = clock.now()
    await _plan(
        db,
        [
            _row(cell, "cancel", 500, now, mode="cancel"),
            _row(cell, "defer", 501, now, mode="defer"),
            _row(cell, "boom", 502, now, mode="boom"),
            _row(cell, "edit", 503, now, edit=77, text="Nội dung mới"),
        ],
    )
    sender = ScriptedSender()
    await _worker(db, clock, sender).run_once()
    rows = await _rows(db)
    assert rows["cancel"].status == "cancelled"
    assert rows["defer"].status == "pending" and rows["defer"].attempts == 0
    assert rows["defer"].due_at == now + timedelta(seconds=30)
    assert rows["boom"].status == "failed" and "template broke" in (rows["boom"].error or "")
    assert rows["edit"].status == "sent"
    assert sender.edits == [(503, 77, "Nội dung mới")] and sender.sent == []


async def test_429_requeues_without_using_an_attempt(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    now = clock.now()
    await _plan(db, [_row(cell, "a", 500, now)])
    sender = ScriptedSender()
    sender.script[500] = [SendResult(SendStatus.RETRY_AFTER, retry_after=12)]
    worker = _worker(db, clock, sender)
    await worker.run_once()
    row = (await _rows(db))["a"]
    assert row.status == "pending" and row.attempts == 0
    assert row.due_at == now + timedelta(seconds=12)
    assert worker.limiter.peek(500) > 10 and worker.limiter.peek(501) == 0
    clock.advance(timedelta(seconds=12))
    worker.limiter = fast_limiter()
    await worker.run_once()
    row = (await _rows(db))["a"]
    assert row.status == "sent" and row.attempts == 1


async def test_forbidden_marks_member_unreachable(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    await _plan(db, [_row(cell, "a", 500, clock.now())])
    sender = ScriptedSender()
    sender.script[500] = [SendResult(SendStatus.UNREACHABLE, error="Forbidden: bot was blocked")]
    await _worker(db, clock, sender).run_once()
    row = (await _rows(db))["a"]
    assert row.status == "failed" and row.error == "unreachable: Forbidden: bot was blocked"
    async with db.session() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == 500))
        assert member is not None and member.can_dm is False


async def test_network_errors_back_off_then_fail(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    await _plan(db, [_row(cell, "a", 500, clock.now())])
    sender = ScriptedSender()
    sender.script[500] = [SendResult(SendStatus.TEMPORARY, error="boom")] * 3
    worker = _worker(db, clock, sender, max_attempts=3, backoff_base=10)
    delays = []
    for _ in range(3):
        before = clock.now()
        assert await worker.run_once() == 1
        row = (await _rows(db))["a"]
        if row.status == "pending":
            delays.append((row.due_at - before).total_seconds())
            clock.set(row.due_at)
    assert row.status == "failed" and row.attempts == 3
    assert 7.5 <= delays[0] <= 12.5 and 15 <= delays[1] <= 25


async def test_group_migration_is_followed(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    await _plan(db, [_row(cell, "g", GROUP, clock.now())])
    sender = ScriptedSender()
    sender.script[GROUP] = [SendResult(SendStatus.MIGRATED, migrate_to=-1009999)]
    worker = _worker(db, clock, sender)
    await worker.run_once()
    await worker.run_once()
    row = (await _rows(db))["g"]
    assert row.status == "sent" and row.chat_id == -1009999 and row.attempts == 1
    assert [chat for chat, _ in sender.sent] == [GROUP, -1009999]
    async with db.session() as session:
        assert (await session.get(Cell, cell.cell_id)).group_chat_id == -1009999  # type: ignore[union-attr]


async def test_lost_answer_is_uncertain_and_never_resent(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    await _plan(db, [_row(cell, "a", 500, clock.now())])
    sender = ScriptedSender()
    sender.hang.add(500)
    worker = _worker(db, clock, sender, send_timeout=0.05)
    await worker.run_once()
    assert (await _rows(db))["a"].status == "uncertain"
    clock.advance(timedelta(days=1))
    sender.hang.clear()
    assert await worker.run_once() == 0
    assert sender.sent == []


async def test_crash_mid_send_resumes_without_second_copies(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """A dead process left one row claimed (not yet sent) and one in flight."""
    now = clock.now()
    await _plan(db, [_row(cell, f"m{i}", 500 + i, now) for i in range(5)])
    async with db.session() as session:
        rows = {r.dedupe_key: r for r in await session.scalars(select(OutboxMessage))}
        rows["m0"].status, rows["m0"].sent_at = OutboxStatus.SENT, now  # delivered before the crash
        rows["m1"].status, rows["m1"].attempts = OutboxStatus.SENDING, 1  # on the wire at the crash
        rows["m1"].locked_until = now + timedelta(seconds=60)
        rows["m2"].locked_until = now + timedelta(seconds=20)  # claimed, not begun
    sender = ScriptedSender()
    worker = _worker(db, clock, sender)
    assert await worker.run_once() == 2  # m3, m4 at once; m2 waits for its lease
    clock.advance(timedelta(seconds=61))
    assert await worker.run_once() == 1  # m2
    statuses = {k: r.status for k, r in (await _rows(db)).items()}
    assert statuses == {"m0": "sent", "m1": "uncertain", "m2": "sent", "m3": "sent", "m4": "sent"}
    assert sorted(chat for chat, _ in sender.sent) == [502, 503, 504]


async def test_two_workers_never_send_the_same_row(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    now = clock.now()
    await _plan(db, [_row(cell, f"m{i}", 1000 + i, now) for i in range(60)])
    sender = ScriptedSender()
    workers = [_worker(db, clock, sender, batch_size=7) for _ in range(3)]
    for _ in range(12):
        await asyncio.gather(*(w.run_once() for w in workers))
        clock.advance(timedelta(seconds=21))  # expire any lease, as if the claims were slow
    chats = [chat for chat, _ in sender.sent]
    assert sorted(chats) == list(range(1000, 1060))
    assert {r.status for r in (await _rows(db)).values()} == {"sent"}


async def test_cancel_messages(db: Database, clock: ManualClock, cell: CellWithMembers) -> None:
    async with db.session() as session:
        meeting = Meeting(cell_id=cell.cell_id, kind=MeetingKind.REGULAR, starts_at=clock.now())
        session.add(meeting)
        await session.flush()
        meeting_id = meeting.id
    rows = [_row(cell, f"rem:{meeting_id}:{i}", 500 + i, clock.now()) for i in range(3)]
    rows.append({**_row(cell, f"agenda:{meeting_id}:0", 500, clock.now()), "kind": "other"})
    for row in rows:
        row["meeting_id"] = meeting_id
    await _plan(db, rows)
    async with db.session() as session:
        assert await OutboxRepository(session).cancel(meeting_id=meeting_id, kinds=["nothing"]) == 0
        assert (
            await OutboxRepository(session).cancel(meeting_id=meeting_id, dedupe_prefix="rem:") == 3
        )
        assert await OutboxRepository(session).cancel(meeting_id=meeting_id, kinds=["other"]) == 1
    assert {r.status for r in (await _rows(db)).values()} == {"cancelled"}


async def test_run_forever_sends_on_wake_and_stops(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    sender = ScriptedSender()
    worker = _worker(db, clock, sender, poll_interval=30)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop))
    await asyncio.sleep(0.1)
    await _plan(db, [_row(cell, "a", 500, clock.now())])
    worker.wake()
    await _eventually(lambda: len(sender.sent) == 1)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert (await _rows(db))["a"].status == "sent"


async def test_a_stopping_worker_gives_back_what_waits_for_its_turn_and_the_next_sends_it_once(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """Stopping does not wait out the chat's spacing: a claimed copy not yet begun goes back
    to the queue, free at once (no lease to wait for), and the next worker sends it."""
    now = clock.now()
    await _plan(db, [_row(cell, f"x{i}", 500, now) for i in range(2)])
    sender = ScriptedSender()
    worker = OutboxWorker(db, clock, sender, RateLimiter(), max_wait=5.0, renderers=RENDERERS)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop))
    await _eventually(lambda: len(sender.sent) == 1)  # the second waits 1.05 s for its turn
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop.set()
    await asyncio.wait_for(task, 5)
    assert loop.time() - started < 0.5
    assert len(sender.sent) == 1
    (waiting,) = [row for row in (await _rows(db)).values() if row.status == "pending"]
    assert waiting.locked_until is None
    assert await _worker(db, clock, sender).run_once() == 1
    assert len(sender.sent) == 2
    assert {row.status for row in (await _rows(db)).values()} == {"sent"}


async def test_real_rate_spacing(db: Database, clock: ManualClock, cell: CellWithMembers) -> None:
    """With the default limits, 3 messages to one private chat are at least 1 s apart."""
    now = clock.now()
    await _plan(db, [_row(cell, f"x{i}", 500, now) for i in range(2)])
    sender = ScriptedSender()
    worker = OutboxWorker(db, clock, sender, RateLimiter(), max_wait=2.0, renderers=RENDERERS)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await worker.run_once() == 2
    assert loop.time() - started >= 0.95


async def test_a_send_waits_while_the_budget_is_full_of_unanswered_requests(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """When every place of the second is taken by requests Telegram has not answered yet (a
    stall: replies to members sent just before), the worker's send waits for their answers;
    it does not force its way in after a number of short polls (it once did after 50 polls
    of 20 ms, one second, and arrivals could bunch past Telegram's 30/s)."""
    await _plan(db, [_row(cell, "x", 500, clock.now())])
    sender = ScriptedSender()
    limiter = RateLimiter(global_rate=4)
    assert [limiter.admit(chat) for chat in (901, 902, 903, 904)] == [0.0] * 4  # unanswered
    worker = OutboxWorker(db, clock, sender, limiter, renderers=RENDERERS)
    sending = asyncio.create_task(worker.run_once())
    await asyncio.sleep(2.5)
    assert sender.sent == []  # still waiting for a place
    for _ in range(4):
        limiter.release()  # the answers come
    assert await asyncio.wait_for(sending, 5) == 1
    assert [chat for chat, _ in sender.sent] == [500]


async def test_a_busy_chat_gets_its_messages_as_it_frees_up_whatever_the_clock_says(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """Three messages due at once to one private chat: the third cannot start within
    ``max_wait``, so the worker passes it over and takes it when the chat frees up, in real
    seconds. The clock the rows are scheduled by stands still here: pacing must not wait
    for it (it once moved the row's ``due_at``, and the message waited for the clock)."""
    now = clock.now()
    await _plan(db, [_row(cell, f"x{i}", 500, now) for i in range(3)])
    await _plan(db, [_row(cell, "other", 501, now)])
    sender = ScriptedSender()
    worker = OutboxWorker(db, clock, sender, RateLimiter(), max_wait=2.0, renderers=RENDERERS)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop))
    try:
        await _eventually(lambda: len(sender.sent) == 4, within=6.0)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert [chat for chat, _ in sender.sent].count(500) == 3
    assert {row.status for row in (await _rows(db)).values()} == {"sent"}
    assert {row.due_at for row in (await _rows(db)).values()} == {now}


async def test_a_chat_another_instance_paused_gets_its_message_when_the_pause_ends(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """On PostgreSQL the bot-wide budget says the chat is busy for 7 s (another instance got
    a 429 there): the worker gives the row back and sends it once the pause is over, although
    the clock the rows are scheduled by stands still."""
    if db.dialect != "postgresql":
        pytest.skip("instances share a budget only on PostgreSQL")
    other, mine = (PostgresSendBudget(Database(db.url).engine) for _ in range(2))
    try:
        await other.report_429(500, 7.0, everywhere=False)  # past what reserve waits
        await _plan(db, [_row(cell, "x", 500, clock.now())])
        sender = ScriptedSender()
        worker = OutboxWorker(db, clock, sender, RateLimiter(), renderers=RENDERERS, budget=mine)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        started = loop.time()
        task = asyncio.create_task(worker.run_forever(stop))
        try:
            await _eventually(lambda: len(sender.sent) == 1, within=11.0)
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)
        assert loop.time() - started >= 6.0
        assert (await _rows(db))["x"].status == "sent"
    finally:
        await other.engine.dispose()
        await mine.engine.dispose()


async def _eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_slow_claim_overtaken_by_another_worker_does_not_send_again(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """Worker A claims, stalls past its lease; B claims and sends; A wakes up: no 2nd copy."""
    await _plan(db, [_row(cell, "a", 500, clock.now()), _row(cell, "b", 501, clock.now())])
    sender = ScriptedSender()
    slow, fast = _worker(db, clock, sender), _worker(db, clock, sender)
    stalled = await slow._claim(10)
    assert len(stalled) == 2
    async with db.session() as session:  # meanwhile the committee cancels "b"
        row_b = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "b"))
        assert row_b is not None
        row_b.status = OutboxStatus.CANCELLED
    clock.advance(timedelta(seconds=21))
    assert await fast.run_once() == 1
    for claim in stalled:
        await slow._process(claim, asyncio.Event())
    assert sender.sent == [(500, "Xin chào đồng chí")]
    assert (await _rows(db))["a"].attempts == 1


async def test_plan_inserts_large_batches_once(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """More rows than fit one statement's bind parameters on PostgreSQL (32,767)."""
    now = clock.now()
    rows = [_row(cell, f"big{i}", 10_000 + i, now) for i in range(3_100)]
    assert await _plan(db, rows) == 3_100
    assert await _plan(db, [*rows, _row(cell, "big-new", 504, now)]) == 1
    assert len(await _rows(db)) == 3_101


async def test_a_row_cancelled_before_its_send_gives_its_place_back_at_once(
    db: Database, clock: ManualClock, cell: CellWithMembers
) -> None:
    """A send is reserved in the limiter before its row is moved to "sending"; a row found
    cancelled then never reaches Telegram, so its place is free at once, not a second later
    (a cancelled meeting's reminders must not slow the others down)."""
    now = clock.now()
    await _plan(db, [_row(cell, f"c{i}", 500 + i, now, mode="cancel") for i in range(3)])
    limiter = RateLimiter(global_rate=3, private_interval=0, group_interval=0)
    worker = OutboxWorker(db, clock, ScriptedSender(), limiter, renderers=RENDERERS)
    assert await worker.run_once() == 3
    assert [limiter.admit(chat) for chat in (901, 902, 903)] == [0.0] * 3
    assert (await _rows(db))["c0"].status == OutboxStatus.CANCELLED
