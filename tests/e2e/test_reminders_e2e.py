"""Reminders end to end: a meeting created in chat, reminders delivered at the right moments
through the outbox worker and the real PTB over HTTP; a restart between planning and firing
still delivers exactly once; a cancelled meeting sends nothing; a decliner gets no nudge.
The tests move the ManualClock and wake the worker; nobody sleeps for minutes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import stop_application
from storage.models import Attendance, AttendanceAnswer, Meeting, OutboxMessage
from tests.e2e.conftest import Harness

pytest.importorskip("bot.delivery.outbox", reason="the outbox worker (issue #5) is not merged yet")

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)
SECRETARY = "Nguyễn Thị Hoa"


def _worker(app: Any) -> Any:
    return app.bot_data.outbox_worker


async def _settle(harness: Harness, app: Any = None) -> None:
    """Let the worker send everything due now. The worker's rate limiter spaces messages to
    one chat by about a second of real time, and a row a renderer defers, or a retry, is due
    again a little later on the test's clock: so the clock moves a second per pass, but only
    while no row is claimed (a claim's lease runs on that clock too, and must not expire
    while the claim waits its real-time turn)."""
    worker = _worker(app or harness.app)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        await worker.run_once()
        await harness.api.wait_idle(quiet=0.05)
        now = harness.clock.now()
        async with harness.services.db.session() as session:
            waiting = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(["pending", "sending"]),
                    OutboxMessage.due_at <= now + timedelta(minutes=1),
                )
            )
            if not await session.scalar(waiting):
                return
            claimed = await session.scalar(
                waiting.where(OutboxMessage.locked_until.is_not(None)).where(
                    OutboxMessage.locked_until > now
                )
            )
        if not claimed:
            harness.clock.advance(timedelta(seconds=1))
        await asyncio.sleep(0.2)
    raise AssertionError("the outbox did not drain")


def _reminders(harness: Harness, chat_id: int) -> list[str]:
    return [m["text"] for m in harness.api.messages(chat_id) if "🔔 Nhắc lịch" in m.get("text", "")]


async def _meeting_in_chat(harness: Harness) -> int:
    """The secretary creates a regular meeting on 05/12 14h00 through /taolich."""
    secretary = harness.people[SECRETARY]
    start = await harness.say(secretary, "/taolich")
    await secretary.press(start, "📅 Thường kỳ")
    await harness.wait_text(secretary.id, start["message_id"], "gõ ngày giờ")
    await harness.say(secretary, "14h ngày 5/12")
    confirm = await harness.say(secretary, "Hội trường khu phố 3")
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    async with harness.services.db.session() as session:
        meeting_id = await session.scalar(select(Meeting.id))
    assert meeting_id is not None
    return meeting_id


async def _people(harness: Harness) -> tuple[Any, Any, Any]:
    secretary = await harness.secretary()
    group = await harness.group(secretary)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    binh = await harness.member(secretary, "Trần Văn Bình", 202)
    await group.add_user(an)
    del group
    return secretary, an, binh


async def test_reminders_arrive_at_each_lead_time_exactly_once(harness: Harness) -> None:
    secretary, an, binh = await _people(harness)
    await _meeting_in_chat(harness)
    await _settle(harness)
    notice = harness.api.last_message(an.id)
    assert notice is not None and "lịch sinh hoạt mới" in notice["text"]
    assert [b["text"] for b in notice["reply_markup"]["inline_keyboard"][0]] == [
        "✅ Có mặt",
        "❌ Vắng",
        "❔ Chưa chắc",
    ]
    for lead, words in ((timedelta(days=3), "3 ngày"), (timedelta(days=1), "1 ngày")):
        harness.clock.set(DEC5 - lead)
        await _settle(harness)
        await _settle(harness)  # a second pass changes nothing
        for person in (secretary, an, binh):
            assert sum(words in t for t in _reminders(harness, person.id)) == 1
    group_reminders = _reminders(harness, -1001)
    assert len(group_reminders) == 2 and "chưa trả lời" in group_reminders[0]
    harness.clock.set(DEC5 - timedelta(hours=2))
    await _settle(harness)
    harness.clock.set(DEC5 + timedelta(hours=1))
    await _settle(harness)
    assert Counter(len(_reminders(harness, p.id)) for p in (secretary, an, binh)) == {3: 3}


async def test_restart_between_planning_and_firing_delivers_once(harness: Harness) -> None:
    _, an, _ = await _people(harness)
    await _meeting_in_chat(harness)
    await _settle(harness)
    await stop_application(harness.app)  # the bot goes down before any reminder is due
    harness.clock.set(DEC5 - timedelta(days=1) + timedelta(minutes=30))
    app = await harness.restart()  # the fixture stops this one
    await _settle(harness, app)
    texts = _reminders(harness, an.id)
    # The 3-day reminder was missed while down and is superseded: only the 1-day one goes.
    assert len(texts) == 1 and "còn 23 giờ nữa" in texts[0]
    await _settle(harness, app)
    assert len(_reminders(harness, an.id)) == 1


async def test_cancelled_meeting_sends_nothing_more(harness: Harness) -> None:
    secretary, an, _ = await _people(harness)
    await _meeting_in_chat(harness)
    await _settle(harness)
    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "🚫 Hủy (1)")
    confirm = await harness.wait_text(secretary.id, lich["message_id"], "chắc chắn hủy")
    await secretary.press(confirm, "🚫 Hủy buổi sinh hoạt")
    await harness.wait_text(secretary.id, lich["message_id"], "Đã hủy")
    await _settle(harness)
    assert "đã được hủy" in (harness.api.last_message(an.id) or {}).get("text", "")
    for moment in (DEC5 - timedelta(days=3), DEC5 - timedelta(days=1), DEC5 - timedelta(hours=2)):
        harness.clock.set(moment)
        await _settle(harness)
    assert _reminders(harness, an.id) == [] and _reminders(harness, -1001) == []


async def test_decliner_gets_no_nudge_and_no_more_reminders(harness: Harness) -> None:
    _, an, binh = await _people(harness)
    meeting_id = await _meeting_in_chat(harness)
    await _settle(harness)
    async with harness.services.db.session() as session:  # An declines (issue #4's tap)
        member_id = await session.scalar(
            select(OutboxMessage.member_id).where(OutboxMessage.chat_id == an.id).limit(1)
        )
        session.add(
            Attendance(meeting_id=meeting_id, member_id=member_id, answer=AttendanceAnswer.NO)
        )
    harness.clock.set(DEC5 - timedelta(days=3))
    await _settle(harness)
    harness.clock.set(DEC5 - timedelta(days=2))
    await _settle(harness)
    nudged_binh = [m for m in harness.api.messages(binh.id) if "chưa" in m.get("text", "")]
    assert nudged_binh  # Bình has not answered: reminded to answer
    harness.clock.set(DEC5 - timedelta(days=1))
    await _settle(harness)
    assert _reminders(harness, an.id) == []
    assert len(_reminders(harness, binh.id)) == 2
