"""Issue #12 point 7: next month's regular meeting in at most 3 interactions from /taolich,
on the day the cell's rule (or last month's meeting) gives."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.meetings.recurrence import parse_rule
from storage.models import MeetingKind
from tests.e2e.conftest import Harness
from tests.e2e.month_helpers import Counted, add_meeting, buttons, meetings_by_start

VN = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_next_months_meeting_like_last_months_in_three_interactions(
    harness: Harness,
) -> None:
    secretary = Counted(await harness.secretary())
    # This month's meeting (the 1st Tuesday, 14h00) is held: next month is the one to schedule.
    await add_meeting(
        harness.services, datetime(2026, 11, 3, 14, tzinfo=VN), place="Hội trường khu phố 3"
    )
    await secretary.send("/taolich")
    start = await harness.api.wait_for_message(secretary.id)
    assert "Buổi thường kỳ tháng 12/2026" in start["text"]
    first, *_ = buttons(start)
    assert first == "📅 Thứ Ba, 01/12/2026, lúc 14h00"  # the 1st Tuesday again, in December
    assert all("/11/2026" not in b for b in buttons(start))
    await secretary.press(start, first)
    confirm = await harness.wait_text(secretary.id, start["message_id"], "Tạo buổi sinh hoạt")
    assert "Hội trường khu phố 3" in confirm["text"]
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, start["message_id"], "Đã tạo lịch")
    assert secretary.count == 3
    meetings = await meetings_by_start(harness.services)
    assert [(m.starts_at, m.place) for m in meetings][-1] == (
        datetime(2026, 12, 1, 14, tzinfo=VN),
        "Hội trường khu phố 3",
    )


async def test_quick_date_then_another_place(harness: Harness) -> None:
    secretary = Counted(await harness.secretary())
    await add_meeting(harness.services, datetime(2026, 11, 12, 19, 30, tzinfo=VN), place="Nhà A")
    await secretary.send("/taolich")
    start = await harness.api.wait_for_message(secretary.id)
    first = buttons(start)[0]
    assert first == "📅 Thứ Năm, 10/12/2026, lúc 19h30"
    await secretary.press(start, first)
    confirm = await harness.wait_text(secretary.id, start["message_id"], "Tạo buổi sinh hoạt")
    await secretary.press(confirm, "📍 Đổi địa điểm")
    await harness.wait_text(secretary.id, start["message_id"], "địa điểm")
    await secretary.send("Nhà văn hóa")
    confirm = await harness.api.wait_for_message(
        secretary.id, lambda m: "Tạo buổi sinh hoạt" in m.get("text", "")
    )
    assert "Nhà văn hóa" in confirm["text"]
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    assert (await meetings_by_start(harness.services))[-1].place == "Nhà văn hóa"


async def test_rule_already_scheduled_both_months_so_taolich_says_so(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.services.meetings.set_rule(
        secretary.id, MeetingKind.REGULAR, parse_rule("thứ Ba đầu tiên 14h")
    )
    start = await harness.say(secretary, "/taolich")
    assert "đã có lịch (buổi gần nhất: Thứ Ba, 01/12/2026, lúc 14h00)" in start["text"]
    assert buttons(start)[0] == "📅 Thường kỳ"  # no quick dates: the kinds only
