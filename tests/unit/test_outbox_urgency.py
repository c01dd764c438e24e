"""Urgency first (issue #13, point 4): with more due than the rate allows, the worker claims
a member's reply first, then the reminders and notices of the soonest meeting, then the
committee's own messages, then the rest; cells take turns within each."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.delivery.outbox import OutboxWorker
from bot.delivery.outgoing import OutgoingMessage, Rendered
from bot.delivery.ratelimit import RateLimiter
from bot.services import outbox_renderers
from storage.db import Database
from storage.models import OutboxMessage
from storage.repositories.outbox import (
    COMMITTEE_KINDS,
    MEETING_KINDS,
    REPLY_KINDS,
    OutboxRepository,
)
from tests.attendance_helpers import make_meeting
from tests.builders import build_cell
from tests.fakes import ScriptedSender


async def _key(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    return OutgoingMessage(row.dedupe_key)


def test_every_tiered_kind_is_a_real_outbox_kind() -> None:
    assert set(REPLY_KINDS + MEETING_KINDS + COMMITTEE_KINDS) <= set(outbox_renderers())


async def test_a_backlog_goes_out_most_urgent_first_and_cells_take_turns(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    big = await build_cell(db, name="Chi bộ lớn", members=30, tid_base=1000, group_chat_id=None)
    small = await build_cell(db, name="Chi bộ nhỏ", members=4, tid_base=2000, group_chat_id=None)
    in_three_days = await make_meeting(db, big.cell_id, now + timedelta(days=3))
    in_two_hours = await make_meeting(db, small.cell_id, now + timedelta(hours=2))
    agenda_meeting = await make_meeting(db, small.cell_id, now + timedelta(days=9))
    big_agenda = await make_meeting(db, big.cell_id, now + timedelta(days=9))

    rows: list[dict[str, Any]] = []

    def add(cell_id: int, kind: str, key: str, chat: int, meeting: int | None, age: int) -> None:
        # older rows were due earlier: the old order (by due time) would send them first
        rows.append(
            {
                "cell_id": cell_id,
                "kind": kind,
                "dedupe_key": key,
                "chat_id": chat,
                "meeting_id": meeting,
                "due_at": now - timedelta(minutes=age),
            }
        )

    for i, tid in enumerate(big.member_tids):
        add(big.cell_id, "agenda", f"agenda-big-{i}", tid, big_agenda, 90)
        add(big.cell_id, "reminder", f"3days-{i}", tid, in_three_days, 60)
    add(big.cell_id, "committee_task", "gap-big", big.member_tids[0], None, 120)
    for i, tid in enumerate(small.member_tids):
        add(small.cell_id, "agenda", f"agenda-small-{i}", tid, agenda_meeting, 80)
        add(small.cell_id, "reminder", f"2hours-{i}", tid, in_two_hours, 1)
    add(small.cell_id, "answer_confirm", "reply", small.member_tids[0], in_two_hours, 0)
    async with db.session() as session:
        await OutboxRepository(session).plan(rows)

    sender = ScriptedSender()
    kinds = {row["kind"] for row in rows}
    # a reduced rate (200 messages/s) and one message a claim: the send order is the claim
    # order (within a bigger batch, messages to different chats go out concurrently)
    worker = OutboxWorker(
        db,
        clock,
        sender,
        RateLimiter(global_rate=200, private_interval=0, group_interval=0),
        renderers=dict.fromkeys(kinds, _key),
        batch_size=1,
    )
    while await worker.run_once():
        pass
    order = [text for _, text in sender.sent]
    assert len(order) == len(rows)

    def first(prefix: str) -> int:
        return next(i for i, key in enumerate(order) if key.startswith(prefix))

    def last(prefix: str) -> int:
        return max(i for i, key in enumerate(order) if key.startswith(prefix))

    assert order[0] == "reply"
    assert last("2hours") < first("3days")  # the soonest meeting first
    assert last("3days") < first("agenda")  # every reminder before the committee's messages
    assert last("agenda") < order.index("gap-big")  # the rest last
    # fair: the small cell's agenda is not held back by the big cell's 30 copies
    # (the old order, by due time, sent all 30 of the big cell's first)
    agenda = [key for key in order if key.startswith("agenda")]
    assert sum(key.startswith("agenda-small") for key in agenda[:8]) == len(small.member_tids)
