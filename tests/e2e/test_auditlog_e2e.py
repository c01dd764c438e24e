"""/nhatky through the real Application over HTTP: the committee reads the audit log, newest
first, paged and filtered; strangers, members, forged and stale pages are refused politely."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.texts import auditlog as tl
from bot.texts import common as tc
from storage.enums import AttendanceAnswer
from storage.models import AuditEntry
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness, Message

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


async def _cell(harness: Harness) -> tuple[int, dict[str, int]]:
    """A secretary (100) and two approved members (201, 202); the cell id and member ids."""
    secretary = await harness.secretary()
    await harness.member(secretary, "Nguyễn Văn An", 201)
    await harness.member(secretary, "Trần Thị Bình", 202)
    roster = await harness.services.members.roster(secretary.id)
    ids = {m.full_name: m.id for m in roster.active}
    return roster.cell.id, ids


def _lines(message: Message) -> list[str]:
    return [line for line in str(message["text"]).split("\n") if line.startswith("• ")]


async def test_the_log_lists_recent_actions_newest_first_in_the_cells_time(
    harness: Harness,
) -> None:
    cell_id, ids = await _cell(harness)
    secretary = harness.people["Nguyễn Thị Hoa"]
    services = harness.services
    meeting = await make_meeting(services.db, cell_id, harness.clock.now() + days(2))
    harness.clock.advance(timedelta(minutes=5))
    await services.attendance.answer_for(
        secretary.id, meeting, ids["Trần Thị Bình"], AttendanceAnswer.NO, "om"
    )

    reply = await harness.say(secretary, "/nhatky")
    lines = _lines(reply)
    async with services.db.session() as session:
        newest = await session.scalar(select(func.max(AuditEntry.created_at)))
    assert newest is not None
    local = newest.astimezone(HCM)  # the entry's time (the database stamps it), in the cell's
    day = f"{(harness.clock.now() + days(2)).astimezone(HCM):%d/%m/%Y}"
    assert lines[0] == (
        f"• {local:%d/%m/%Y %H:%M} · Nguyễn Thị Hoa: trả lời thay: vắng — Trần Thị Bình "
        f"(buổi {day})"
    )
    assert "Trần Thị Bình: xin vào chi bộ" in lines[2]  # the request, before its approval
    assert "Nguyễn Thị Hoa: duyệt vào chi bộ — Trần Thị Bình" in lines[1]
    assert lines[-1].endswith(f"{tl.SYSTEM}: tạo chi bộ")  # the oldest last: the command line
    assert lines[-2].endswith("Nguyễn Thị Hoa: nhận vai trò bí thư")
    assert "ốm" not in reply["text"].lower()  # absence reasons are not shown in the log
    assert tl.HINT in reply["text"]


async def test_pages_filters_and_refusals(harness: Harness) -> None:
    cell_id, ids = await _cell(harness)
    secretary = harness.people["Nguyễn Thị Hoa"]
    an = harness.people["Nguyễn Văn An"]
    services = harness.services
    meeting = await make_meeting(services.db, cell_id, harness.clock.now() + timedelta(hours=1))
    for present in [True, False] * 6:  # 12 entries about An and the meeting
        harness.clock.advance(timedelta(minutes=1))
        await services.attendance.mark_present(secretary.id, meeting, ids["Nguyễn Văn An"], present)

    first = await harness.say(secretary, "/nhatky")
    assert "trang 1/2" in first["text"] and len(_lines(first)) == 12
    await secretary.press(first, tl.BUTTON_OLDER)
    second = await harness.wait_text(secretary.id, first["message_id"], "trang 2/2")
    assert "tạo chi bộ" in _lines(second)[-1]
    await secretary.press(second, tl.BUTTON_NEWER)
    await harness.wait_text(secretary.id, first["message_id"], "trang 1/2")

    # by member, typed: exact name or a part of it, without diacritics
    by_name = await harness.say(secretary, "/nhatky nguyen van an")
    assert "Lọc theo đảng viên: Nguyễn Văn An" in by_name["text"]
    assert all("Nguyễn Văn An" in line for line in _lines(by_name))
    several = await harness.say(secretary, "/nhatky Nguyễn")
    assert "Có nhiều đảng viên" in several["text"]
    await secretary.press(several, "Nguyễn Văn An")
    await harness.wait_text(secretary.id, several["message_id"], "Lọc theo đảng viên")
    none = await harness.say(secretary, "/nhatky Lê Không Có")
    assert "Không tìm thấy" in none["text"]
    huge = await harness.say(secretary, "/nhatky " + "Nguyễn Văn " * 500)
    assert "Không tìm thấy" in huge["text"] and len(huge["text"]) < 300
    group = await harness.group(secretary)
    await secretary.send("/nhatky", chat=group)
    private_only = tc.fmt(tc.PRIVATE_ONLY)
    await harness.api.wait_for_message(group.id, lambda m: m.get("text") == private_only)

    # by meeting, with buttons
    page = await harness.say(secretary, "/nhatky")
    await secretary.press(page, tl.BUTTON_BY_MEETING)
    await harness.wait_text(secretary.id, page["message_id"], tl.CHOOSE_MEETING)
    await secretary.press(page, 0)
    filtered = await harness.wait_text(secretary.id, page["message_id"], "Lọc theo buổi")
    assert len(_lines(filtered)) == 12 and "trang 1/1" in filtered["text"]
    await secretary.press(filtered, tl.BUTTON_ALL)
    await harness.wait_text(secretary.id, page["message_id"], "trang 1/2")

    # forged and stale presses
    for data, expected in (
        ("nk:7", "Trang nhật ký này không còn"),
        ("nk:0:x5", tc.UNKNOWN_BUTTON),
        ("nk:0:m999999", "không còn"),
        ("nk:0:h999999", ""),
    ):
        query = secretary.press_data(page, data)
        answer = await harness.api.wait_for_callback_answer(query)
        assert answer.get("show_alert") and expected in answer["text"], (data, answer)
    query = an.press_data(an, "nk:0")  # a member who is not in the committee
    answer = await harness.api.wait_for_callback_answer(query)
    assert answer["text"] == tc.fmt(tc.NOT_ALLOWED)
    assert (await harness.say(an, "/nhatky"))["text"] == tc.fmt(tc.NOT_ALLOWED)
    stranger = harness.api.user(999, "Lạ")
    assert (await harness.say(stranger, "/nhatky"))["text"] == tc.fmt(tc.NOT_MEMBER)
