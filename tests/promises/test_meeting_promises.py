"""Promises about meetings: "Meetings can be edited, moved or cancelled; members are told",
"Các đảng viên đã được báo", and "Đã bỏ lịch định kỳ. Các buổi đã tạo vẫn giữ nguyên"."""

from __future__ import annotations

from sqlalchemy import select

from bot.meetings.recurrence import parse_rule
from bot.services import Services
from bot.texts import meetings as tmt
from storage.enums import MeetingKind, MeetingStatus
from storage.models import Meeting
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell
from tests.e2e.conftest import Harness
from tests.promises.helpers import settle, texts_of


async def _edit(harness: Harness, field: str, value: str) -> None:
    secretary = harness.people["Nguyễn Thị Hoa"]
    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "✏️ Sửa (1)")
    menu = await harness.wait_text(secretary.id, lich["message_id"], "muốn sửa gì")
    await secretary.press(menu, tmt.EDIT_FIELDS[field])
    await harness.api.wait_for_message(secretary.id, lambda m: tmt.EDIT_ASK[field] in m["text"])
    reply = await harness.say(secretary, value)
    assert "Đã cập nhật" in reply["text"]


async def test_members_are_told_when_a_meeting_is_edited_moved_or_cancelled(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    cell = (await harness.services.members.roster(secretary.id)).cell
    await make_meeting(harness.services.db, cell.id, harness.clock.now() + days(5))

    await _edit(harness, "place", "Hội trường mới của khu phố")
    await _edit(harness, "when", "14h ngày 10/12")
    await settle(harness)
    told = texts_of(harness, an.id)
    assert any("đổi địa điểm" in t and "Hội trường mới của khu phố" in t for t in told)
    assert any("đổi thời gian" in t and "10/12/2026" in t for t in told)

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "🚫 Hủy (1)")
    ask = await harness.wait_text(secretary.id, lich["message_id"], "chắc chắn hủy")
    await secretary.press(ask, tmt.BUTTON_CANCEL_YES)
    done = await harness.wait_text(secretary.id, lich["message_id"], "Đã hủy")
    assert "Các đảng viên đã được báo" in done["text"]
    await settle(harness)
    cancelled = [t for t in texts_of(harness, an.id) if "đã được hủy" in t]
    assert cancelled and all("sinh hoạt sinh hoạt" not in t.lower() for t in cancelled), cancelled
    assert all(t.startswith("🚫 Buổi sinh hoạt chi bộ thường kỳ ") for t in cancelled), cancelled


async def test_clearing_a_rule_keeps_the_meetings_it_made(services: Services) -> None:
    cell = await build_cell(services.db)
    rule = parse_rule("ngày 5 hằng tháng 14h")
    _, generated = await services.meetings.set_rule(cell.secretary_tid, MeetingKind.REGULAR, rule)
    assert generated.created
    await services.meetings.clear_rule(cell.secretary_tid, MeetingKind.REGULAR)
    await services.meetings.maintain()
    async with services.db.session() as session:
        kept = list(
            await session.scalars(select(Meeting.status).where(Meeting.cell_id == cell.cell_id))
        )
    assert kept == [MeetingStatus.SCHEDULED] * generated.created
