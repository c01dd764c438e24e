"""Issue #12 point 7: the whole roll of a 200-member cell from one screen — type part of a
name, with or without diacritics, and mark the matching members in one tap each."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.texts import attendance as ta
from storage.models import Attendance, Cell, Member
from tests.builders import add_members
from tests.e2e.conftest import Harness, Message
from tests.e2e.month_helpers import Counted, add_meeting, buttons

FAMILY = ("Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quang")
GIVEN = ("Hùng", "Lan", "Mai", "Tuấn", "Hà", "Dũng", "Hương", "Long")
NAMES = ["Nguyễn Văn An", "Trần Thị Thanh Bình", "Nguyễn Văn Anh"] + [
    f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 5]} {GIVEN[i // 50 % 8]} {i}" for i in range(197)
]


def _action(message: Message, name: str, label: str) -> int:
    """The flat index of the ``label`` button on ``name``'s row."""
    flat = 0
    for row in message["reply_markup"]["inline_keyboard"]:
        if name in row[0]["text"]:
            return flat + [b["text"] for b in row].index(label)
        flat += len(row)
    raise AssertionError(f"{name} is not listed: {buttons(message)}")


async def _present(harness: Harness, name: str) -> tuple[Any, Any]:
    for _ in range(100):
        async with harness.services.db.session() as session:
            row = (
                await session.execute(
                    select(Attendance.present, Attendance.absence_excused)
                    .join(Member, Member.id == Attendance.member_id)
                    .where(Member.full_name == name)
                )
            ).first()
        if row is not None:
            return row[0], row[1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing stored for {name}")


@pytest.mark.timeout(60)
async def test_two_hundred_members_marked_by_typing_part_of_a_name(harness: Harness) -> None:
    secretary = Counted(await harness.secretary())
    async with harness.services.db.session() as session:
        cell = await session.scalar(select(Cell))
        assert cell is not None
    await add_members(harness.services.db, cell.id, NAMES, tid_base=None)
    await add_meeting(harness.services, harness.clock.now() - timedelta(minutes=10))

    await secretary.send("/danhsach")
    roll = await harness.api.wait_for_message(
        secretary.id, lambda m: ta.BUTTON_MARK in str(m.get("reply_markup"))
    )
    await secretary.press(roll, ta.BUTTON_MARK)
    grid = await harness.wait_text(secretary.id, roll["message_id"], "Ghi nhận tham dự thực tế")
    await secretary.press(grid, ta.BUTTON_SEARCH)
    await harness.wait_text(secretary.id, roll["message_id"], "gõ một phần họ tên")

    await secretary.send("nguyen van an")  # no diacritics
    found = await harness.api.wait_for_message(secretary.id, lambda m: "khớp" in m.get("text", ""))
    labels = buttons(found)
    assert labels[0] == "1. Nguyễn Văn An" and "2. Nguyễn Văn Anh" in labels
    assert not any("Bình" in label for label in labels)
    await secretary.press(found, _action(found, "Nguyễn Văn An", "✅"))
    assert await _present(harness, "Nguyễn Văn An") == (True, None)
    marked = await harness.wait_text(secretary.id, found["message_id"], "Nguyễn Văn An — có mặt")
    assert "Nguyễn Văn Anh — chưa ghi" in marked["text"]  # still the same search, updated

    await secretary.send("BÌNH")
    found = await harness.api.wait_for_message(
        secretary.id, lambda m: "«BÌNH»" in m.get("text", "")
    )
    await secretary.press(found, _action(found, "Trần Thị Thanh Bình", "🔴"))
    assert await _present(harness, "Trần Thị Thanh Bình") == (False, False)
    # Two members found and marked among 200, in 8 interactions from /danhsach.
    assert secretary.count == 7


async def test_search_refuses_odd_input_politely_and_ends_with_xong(harness: Harness) -> None:
    secretary = await harness.secretary()
    async with harness.services.db.session() as session:
        cell = await session.scalar(select(Cell))
        assert cell is not None
    await add_members(harness.services.db, cell.id, NAMES[:5], tid_base=None)
    meeting_id = await add_meeting(harness.services, harness.clock.now() - timedelta(minutes=5))
    roll = await harness.say(secretary, "/danhsach")
    await secretary.press(roll, ta.BUTTON_PROXY)
    grid = await harness.wait_text(secretary.id, roll["message_id"], "Trả lời thay")
    await secretary.press(grid, ta.BUTTON_SEARCH)
    await harness.wait_text(secretary.id, roll["message_id"], "gõ một phần họ tên")
    reply = await harness.say(secretary, "x" * 500)
    assert "dài quá" in reply["text"]
    reply = await harness.say(secretary, "Không Ai Tên Này")
    assert "Không có đồng chí nào khớp" in reply["text"]
    reply = await harness.say(secretary, "an")
    assert buttons(reply)[0] == "1. Nguyễn Văn An"  # a word start, not "Văn"
    await secretary.press(reply, _action(reply, "Nguyễn Văn An", "❌"))
    await harness.wait_text(secretary.id, reply["message_id"], "Nguyễn Văn An — vắng")
    async with harness.services.db.session() as session:
        answer = await session.scalar(
            select(Attendance.answer).where(Attendance.meeting_id == meeting_id)
        )
    assert answer == "no"
    await secretary.press(reply, ta.BUTTON_SEARCH_DONE)

    def back_on_the_grid() -> bool:
        shown = harness.api.get_message(secretary.id, reply["message_id"]) or {}
        return ta.BUTTON_SEARCH in buttons(shown) and "khớp" not in shown.get("text", "")

    await harness.api.wait_until(back_on_the_grid)
    assert await harness.services.conversations.expected(secretary.id, secretary.id) is None
