"""Issue #12 point 7: one tap answers from every place a meeting is shown — the committee's
confirmation of a new meeting, the announcement, /lich, the agenda, the reminders and the
member's own private confirmation of an answer."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Attendance, Member
from tests.e2e.conftest import Harness, Message
from tests.e2e.month_helpers import buttons
from tests.e2e.test_broadcast_e2e import _compose_and_send
from tests.e2e.test_broadcast_e2e import _settle as settle_until
from tests.e2e.test_reminders_e2e import _meeting_in_chat, _settle

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)


async def _answers(harness: Harness) -> dict[str, str | None]:
    async with harness.services.db.session() as session:
        rows = await session.execute(
            select(Member.full_name, Attendance.answer).join(
                Attendance, Attendance.member_id == Member.id
            )
        )
        return {name: answer for name, answer in rows.all()}


async def _stored(harness: Harness, name: str, answer: str) -> None:
    for _ in range(100):
        if (await _answers(harness)).get(name) == answer:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name}: {answer} was not stored ({await _answers(harness)})")


def _has(harness: Harness, chat_id: int, needle: str) -> bool:
    return any(needle in m.get("text", "") for m in harness.api.messages(chat_id))


def _last_with(harness: Harness, chat_id: int, needle: str) -> Message:
    found = [m for m in harness.api.messages(chat_id) if needle in m.get("text", "")]
    assert found, needle
    return found[-1]


async def test_one_tap_answers_from_every_place_a_meeting_is_shown(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.group(secretary)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    # One member answers from each place in turn, changing the answer each time, so every tap
    # is seen stored (a reminder goes only to those who have not said "absent").

    # The confirmation of a new meeting: the secretary answers for herself at once.
    await _meeting_in_chat(harness)
    created = _last_with(harness, secretary.id, "Đã tạo lịch")
    assert buttons(created)[:3] == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]
    await secretary.press(created, "✅ Có mặt")
    await _stored(harness, "Nguyễn Thị Hoa", "yes")

    # The announcement.
    await _settle(harness)
    notice = _last_with(harness, an.id, "lịch sinh hoạt mới")
    await an.press(notice, "❌ Vắng")
    await _stored(harness, "Nguyễn Văn An", "no")

    # /lich.
    await an.send("/lich")
    lich = await harness.api.wait_for_message(
        an.id, lambda m: "Lịch sinh hoạt sắp tới" in m.get("text", "")
    )
    await an.press(lich, "❔ (1)")
    await _stored(harness, "Nguyễn Văn An", "maybe")

    # The agenda.
    await _compose_and_send(harness, secretary, "1. Thông tin thời sự\n2. Nhiệm vụ tháng 12")
    await settle_until(harness, lambda: _has(harness, an.id, "Thông tin thời sự"))
    agenda = _last_with(harness, an.id, "Thông tin thời sự")
    await an.press(agenda, "✅ Có mặt")
    await _stored(harness, "Nguyễn Văn An", "yes")

    # A reminder.
    harness.clock.set(DEC5 - timedelta(days=3))
    await _settle(harness)
    reminder = _last_with(harness, an.id, "🔔 Nhắc lịch")
    seen = _count(harness, an.id, "vắng mặt buổi")
    await an.press(reminder, "❌ Vắng")
    await _stored(harness, "Nguyễn Văn An", "no")

    # The member's private confirmation of that answer (here the reason menu after "absent"):
    # its answer row changes the answer in one tap.
    confirmed = await _next_with(harness, an.id, "vắng mặt buổi", seen)
    assert buttons(confirmed)[-3:] == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]
    seen = _count(harness, an.id, "sẽ có mặt tại buổi")
    await an.press(confirmed, "✅ Có mặt")
    await _stored(harness, "Nguyễn Văn An", "yes")
    again = await _next_with(harness, an.id, "sẽ có mặt tại buổi", seen)
    assert buttons(again) == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]


def _count(harness: Harness, chat_id: int, needle: str) -> int:
    return sum(needle in m.get("text", "") for m in harness.api.messages(chat_id))


async def _next_with(harness: Harness, chat_id: int, needle: str, seen: int) -> Message:
    """The first message with ``needle`` after the ``seen`` ones already there."""
    await settle_until(harness, lambda: _count(harness, chat_id, needle) > seen)
    return [m for m in harness.api.messages(chat_id) if needle in m.get("text", "")][seen]
