"""Promises of /cuatoi and /xoadulieu (bot/texts/privacy.py, README "Privacy and security")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.services import Services
from storage.enums import AttendanceAnswer
from storage.models import Meeting, Member, MemberState
from tests.attendance_helpers import days, make_meeting
from tests.builders import build_cell
from tests.e2e.conftest import Harness
from tests.promises.helpers import NO_TELEGRAM_ID, stored_anywhere


async def test_my_data_shows_everything_the_bot_stores_about_the_member(harness: Harness) -> None:
    """README: "/cuatoi shows everything the bot stores about the member"."""
    services, clock = harness.services, harness.clock
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    cell = (await services.members.roster(secretary.id)).cell
    an_id = next(
        m.id for m in (await services.members.roster(secretary.id)).active if m.telegram_id == an.id
    )
    soon = await make_meeting(services.db, cell.id, clock.now() + timedelta(hours=1))
    later = await make_meeting(services.db, cell.id, clock.now() + days(3))
    proxied = await make_meeting(services.db, cell.id, clock.now() + days(5))
    await services.attendance.answer(an.id, soon, AttendanceAnswer.YES, update_id=1)
    await services.attendance.set_reason(an.id, later, "khac", "đi khám mắt định kỳ", update_id=2)
    await services.attendance.answer_for(secretary.id, proxied, an_id, AttendanceAnswer.MAYBE)
    await services.comments.add(an.id, later, "Góp ý công khai về đảng phí")
    hidden = await services.comments.add(an.id, later, "Góp ý xin ẩn tên")
    await services.comments.set_hidden(an.id, hidden.id, True)
    gone = await services.comments.add(an.id, later, "Góp ý đã rút lại")
    await services.comments.withdraw(an.id, gone.id)
    clock.advance(timedelta(hours=1, minutes=30))
    await services.attendance.mark_present(secretary.id, soon, an_id, True)

    shown = (await harness.say(an, "/cuatoi"))["text"]
    for stored in (
        "Nguyễn Văn An",
        cell.name,
        "Đảng viên",
        "chính thức",
        str(an.id),
        "Nhắn riêng được: có",
        "báo có mặt",
        "thực tế: có mặt",
        "lý do khác: đi khám mắt định kỳ",
        "(chi ủy trả lời thay)",
        "Góp ý công khai về đảng phí",
        "Góp ý xin ẩn tên [ẩn tên trong tệp xuất]",
        "Góp ý đã rút lại [đã rút]",
    ):
        assert stored in shown, stored
    assert shown.count("• ") == 6  # three answers, three comments


NAME, TID = "Đỗ Thị Đã Rời", 4_000_000_777  # Telegram ids pass 32 bits


async def _erase_a_member_named_in_a_meeting(services: Services, named: dict[str, str]) -> None:
    """A departed member (NAME, TID) named in a meeting's ``named`` fields, then erased."""
    cell = await build_cell(services.db, members=[NAME, "Lê Văn Ở Lại"], tid_base=TID)
    meeting = await make_meeting(services.db, cell.cell_id, services.clock.now() + days(3))
    async with services.db.session() as session:
        await session.execute(update(Meeting).where(Meeting.id == meeting).values(named))
        gone = Member.id == cell.member_ids[0]
        await session.execute(update(Member).where(gone).values(state=MemberState.INACTIVE))
    await services.privacy.erase(cell.secretary_tid, cell.member_ids[0])


async def test_erasure_removes_the_name_from_the_meetings_presenters(services: Services) -> None:
    """The erasure text: names are removed "kể cả trong ... lịch sinh hoạt"."""
    await _erase_a_member_named_in_a_meeting(services, {"presenters": f"{NAME}, Lê Văn Ở Lại"})
    assert await stored_anywhere(services, (NAME, TID)) == []


@pytest.mark.parametrize("field", ["chair", "minute_taker"])
async def test_erasure_removes_the_name_from_the_meetings_chair_and_minute_taker(
    services: Services, field: str
) -> None:
    await _erase_a_member_named_in_a_meeting(services, {field: NAME})
    assert await stored_anywhere(services, (NAME, TID)) == []
    assert await stored_anywhere(services, ("Lê Văn Ở Lại", NO_TELEGRAM_ID)) != []


async def test_deactivation_keeps_the_members_data_and_they_can_come_back(
    services: Services,
) -> None:
    """ "Dữ liệu cũ vẫn được giữ; có thể cho sinh hoạt trở lại" (bot/texts/members.py)."""
    cell = await build_cell(services.db, members=1)
    meeting = await make_meeting(services.db, cell.cell_id, services.clock.now() + days(3))
    tid, member_id = cell.member_tids[0], cell.member_ids[0]
    await services.attendance.set_reason(tid, meeting, "om", update_id=1)
    await services.comments.add(tid, meeting, "Góp ý trước khi tạm nghỉ")
    before = await services.privacy.my_data(tid)
    await services.members.set_active(cell.secretary_tid, member_id, False)
    await services.members.set_active(cell.secretary_tid, member_id, True)
    after = await services.privacy.my_data(tid)
    assert (after.answers, after.comments) == (before.answers, before.comments)
    assert [a.reason_code for a in after.answers] == ["om"] and len(after.comments) == 1
