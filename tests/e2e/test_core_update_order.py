"""One person's updates take effect in the order Telegram sent them, through the real
Application: a member's quick correction is never overtaken by the tap it corrects."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import select

from bot.simulator import FakeUser
from handlers.adapters.update_order import PerPersonOrder
from storage.models import Attendance, Cell, Member
from storage.repositories.panels import PanelRepository
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members
from tests.e2e.conftest import Harness

LABELS = {"yes": "✅ Có mặt", "no": "❌ Vắng", "maybe": "❔ Chưa chắc"}
MEMBERS = 30
TAPS = 6


async def test_each_members_last_tap_wins_while_everyone_taps_at_once(harness: Harness) -> None:
    assert isinstance(harness.app.update_processor, PerPersonOrder)
    processor = harness.app.update_processor
    chat = await harness.group(await harness.secretary())
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    await add_members(harness.services.db, cell_id, MEMBERS, tid_base=300)
    users = [harness.api.user(300 + i, f"Số {i + 1:02d}", started=True) for i in range(MEMBERS)]
    for user in users:
        chat.set_member(user)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(8))
    async with harness.services.db.session() as session:
        await PanelRepository(session).mark_dirty(meeting, cell_id)
    panel = await harness.api.wait_for_message(chat.id, lambda m: "📋" in m.get("text", ""))

    rng = random.Random(18)
    last: dict[int, str] = {}
    queries: list[str] = []

    async def taps(user: FakeUser) -> None:
        first = rng.choice(list(LABELS))
        others = [answer for answer in LABELS if answer != first]
        sequence = [first if n % 2 == 0 else rng.choice(others) for n in range(TAPS)]
        last[user.id] = sequence[-1]
        for answer in sequence:  # a quick correction: no waiting for the bot's answer
            queries.append(await user.press(panel, LABELS[answer]))
            await asyncio.sleep(rng.random() * 0.01)

    await asyncio.gather(*(taps(user) for user in users))
    for query in queries:
        await harness.api.wait_for_callback_answer(query, timeout=60)

    async with harness.services.db.session() as session:
        stored = dict(
            (
                await session.execute(
                    select(Member.telegram_id, Attendance.answer)
                    .join(Attendance, Attendance.member_id == Member.id)
                    .where(Attendance.meeting_id == meeting)
                )
            ).all()
        )
    wrong = {tid: (stored.get(tid), want) for tid, want in last.items() if stored.get(tid) != want}
    assert wrong == {}, f"{len(wrong)} members' last tap lost: {wrong}"
    # once the last confirmation is out, the processor keeps no trace of anyone
    for _ in range(200):
        if processor.people_waiting == 0:
            break
        await asyncio.sleep(0.05)
    assert processor.people_waiting == 0
