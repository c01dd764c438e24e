"""Attendance and membership messages fit Telegram's limits at maximum sizes (issue 10, #2)."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.delivery.limits import MAX_TEXT, split_text, telegram_length
from bot.services import Services
from handlers.attendance.roll import render_grid, render_roll
from handlers.members.privacy import render_my_data
from handlers.members.roster import render_roster
from storage.enums import AttendanceAnswer, MemberState
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell


def _names(count: int, prefix: str) -> list[str]:
    return [f"{prefix} {i:03d} " + "Nguyễn Thị Hồng Nhung " * 6 for i in range(count)]


def _fits(text: str) -> bool:
    return 0 < telegram_length(text) <= MAX_TEXT


async def test_roll_grid_and_my_data_fit_at_maximum_sizes(
    services: Services, clock: ManualClock
) -> None:
    names = [n[:120] for n in _names(200, "Đảng viên")]
    cell = await build_cell(services.db, members=names, tid_base=1000)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    reason = "Lý do rất dài 🏥 " * 40
    for tid in cell.member_tids:
        await services.attendance.answer(tid, meeting, AttendanceAnswer.NO)
        await services.attendance.set_reason(tid, meeting, "khac", reason[:500])
    roll = await services.attendance.roll(cell.secretary_tid, meeting)
    text, _ = render_roll(roll, [roll.meeting])
    assert all(_fits(part) for part in split_text(text))
    for mode in "pk":
        for page in range(26):
            grid, _ = render_grid(roll, mode, page)
            assert _fits(grid)
    mine = render_my_data(await services.privacy.my_data(cell.member_tids[0]))
    assert all(_fits(part) for part in split_text(mine))


async def test_roster_fits_with_many_pending_and_departed_members(services: Services) -> None:
    cell = await build_cell(services.db, members=[n[:120] for n in _names(40, "Đang")])
    for state, prefix, base in (
        (MemberState.PENDING, "Chờ", 5000),
        (MemberState.INACTIVE, "Rời", 6000),
    ):
        names = [n[:120] for n in _names(200, prefix)]
        await add_members(services.db, cell.cell_id, names, tid_base=base, state=state)
    roster = await services.members.roster(cell.secretary_tid)
    for page in range(5):
        text, _ = render_roster(roster, page)
        assert _fits(text), telegram_length(text)
