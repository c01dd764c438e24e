"""Statuses change the base (issue #12 point 2): who is reminded, the minutes' opening counts
and the HD 12 figure on the QĐ 24 point 9.3.2 base, for the rural and the agency cell."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.attendance.base import MeetingBase, compute_base, meeting_base, opening_line
from bot.attendance.views import RollEntry, Totals
from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed
from bot.exports.stats import MeetingQuality
from bot.meetings.reminders import plan_meeting
from bot.members.statuses import StatusService, remindable
from bot.services import Services
from storage.enums import AttendanceAnswer, PartyStatus, StatusKind
from storage.models import AuditEntry, Cell, Meeting, Member, OutboxMessage
from tests.attendance_helpers import days, make_meeting
from tests.builders import SECRETARY, build_cell

ELDERS = ("Lê Văn Tám", "Phạm Thị Lan", "Đỗ Văn Hùng")  # no smartphone


def _entry(
    member_id: int, present: bool | None, excused: bool | None = None, *, full: bool = True
) -> RollEntry:
    status = PartyStatus.FULL if full else PartyStatus.PROBATIONARY
    return RollEntry(
        member_id, f"Đảng viên {member_id}", status, True, True, True,
        None, None, None, None, None, present, excused,
    )  # fmt: skip


def test_the_agency_cell_base_leaves_out_the_exempted_absent_and_those_away() -> None:
    # 200 members: 10 exempted (2 of them came), 5 on temporary transfer, 3 absent with a
    # reason, 1 without; everyone else present.
    statuses = {i: StatusKind.EXEMPT_MEETINGS for i in range(1, 11)}
    statuses |= {i: StatusKind.AWAY for i in range(11, 16)}
    entries = [_entry(i, i in (1, 2)) for i in range(1, 16)]
    entries += [_entry(i, False, True) for i in range(16, 19)]
    entries += [_entry(19, False, False)]
    entries += [_entry(i, True) for i in range(20, 201)]
    counts = compute_base(entries, statuses)
    assert (counts.total, counts.exempted, counts.away) == (200, 10, 5)
    assert (counts.present, counts.absent_excused, counts.absent_unexcused) == (183, 3, 1)
    # 200 − 5 away − 8 exempted and absent − 3 excused = 184; 183 of them present.
    assert (counts.base, counts.base_present) == (184, 183)
    assert counts.rate == pytest.approx(183 / 184)
    assert not counts.hd12_met  # one absence without reason
    assert opening_line(counts) == (
        "Tổng số đảng viên: 200 (chính thức 200, dự bị 0); miễn sinh hoạt: 10; sinh hoạt "
        "tạm thời nơi khác: 5; có mặt: 183; vắng có lý do: 3; vắng không có lý do: 1."
    )


def test_probationary_and_visiting_members_are_counted_but_outside_the_base() -> None:
    entries = [_entry(1, True), _entry(2, True, full=False), _entry(3, True), _entry(4, None)]
    counts = compute_base(entries, {3: StatusKind.VISITING, 4: StatusKind.LONG_LEAVE})
    assert (counts.total, counts.full, counts.probationary, counts.visiting) == (3, 2, 1, 1)
    assert counts.present == 3 and counts.base == 2 and counts.base_present == 1
    assert "nơi khác đến sinh hoạt tạm thời: 1" in opening_line(counts)
    long_leave_absent = compute_base(
        [_entry(1, True), _entry(4, False)], {4: StatusKind.LONG_LEAVE}
    )
    assert long_leave_absent.absent_excused == 1 and long_leave_absent.base == 1


def test_the_stats_verdict_counts_absences_on_the_base_as_the_minutes_do() -> None:
    """A visitor absent without reason is outside this cell's base: the minutes say 0 absent
    without reason, and /thongke's HD 12 verdict agrees (it used the whole roll)."""
    entries = [_entry(i, True) for i in range(1, 10)] + [_entry(10, False, False)]
    counts = compute_base(entries, {10: StatusKind.VISITING})
    roll = Totals(10, 10, 0, present=9, absent_excused=0, absent_unexcused=1,
                  absent_unclassified=0, not_recorded=0)  # fmt: skip
    quality = MeetingQuality(None, roll, True, counts)  # type: ignore[arg-type]
    assert (counts.absent_unexcused, counts.hd12_met) == (0, True)
    assert quality.no_unexcused and quality.met is True
    assert MeetingQuality(None, roll, True).met is False  # type: ignore[arg-type]


async def _ids(services: Services, cell_id: int) -> dict[str, int]:
    async with services.db.session() as session:
        rows = await session.scalars(select(Member).where(Member.cell_id == cell_id))
        return {m.full_name: m.id for m in rows}


async def _base(services: Services, meeting_id: int) -> MeetingBase:
    async with services.db.session() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        cell = await session.get(Cell, meeting.cell_id)
        assert cell is not None
        return await meeting_base(session, meeting, cell)


async def test_the_rural_cell_minutes_numbers_and_hd12(
    services: Services, clock: ManualClock
) -> None:
    """8 members, 3 without Telegram (answered for by the committee), 1 of them exempted."""
    cell = await build_cell(
        services.db, members=4, probationary=1, without_telegram=ELDERS, group_chat_id=None
    )
    ids = await _ids(services, cell.cell_id)
    assert len(ids) == 8
    today = clock.now().date()
    statuses = StatusService(services.db, services.clock)
    await statuses.set_status(
        SECRETARY, ids["Lê Văn Tám"], StatusKind.EXEMPT_ALL, today, date(2027, 6, 30),
        "Tuổi cao, sức yếu (nghị quyết chi bộ)",
    )  # fmt: skip
    meeting_id = await make_meeting(services.db, cell.cell_id, clock.now() + days(2))
    att = services.attendance
    await att.answer_for(SECRETARY, meeting_id, ids["Phạm Thị Lan"], AttendanceAnswer.YES)
    await att.answer_for(SECRETARY, meeting_id, ids["Đỗ Văn Hùng"], AttendanceAnswer.NO, "om")

    clock.advance(days(2))
    present = [SECRETARY_NAME, *(m.name for m in cell.members), "Phạm Thị Lan"]
    for name in present:
        await att.mark_present(SECRETARY, meeting_id, ids[name], True)
    await att.classify_absence(SECRETARY, meeting_id, ids["Đỗ Văn Hùng"], True)
    counts = await _base(services, meeting_id)
    assert opening_line(counts) == (
        "Tổng số đảng viên: 8 (chính thức 7, dự bị 1); miễn sinh hoạt: 1; sinh hoạt tạm "
        "thời nơi khác: 0; có mặt: 6; vắng có lý do: 1; vắng không có lý do: 0."
    )
    # Base: 7 full − 1 exempted and absent − 1 absent with reason = 5, all 5 present.
    assert (counts.base, counts.base_present, counts.hd12_met) == (5, 5, True)
    exported = await services.exports.meeting(cell.cell_id, meeting_id)
    minutes_file = next(f for f in exported.files if f.filename.startswith("bien-ban"))
    minutes = Document(io.BytesIO(minutes_file.content))
    assert opening_line(counts) in [p.text for p in minutes.paragraphs]
    workbook = load_workbook(io.BytesIO(exported.files[0].content))
    assert list(workbook["Tổng hợp"].iter_rows(values_only=True))[1][10] == 1.0

    await att.classify_absence(SECRETARY, meeting_id, ids["Đỗ Văn Hùng"], False)
    counts = await _base(services, meeting_id)
    assert (counts.base, counts.base_present, counts.absent_unexcused) == (6, 5, 1)
    assert counts.hd12_met is False  # 83% and an absence without reason


SECRETARY_NAME = "Nguyễn Văn An"


async def test_statuses_decide_who_is_reminded(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=4)
    away, exempt, visiting, leave = cell.members
    today = clock.now().date()
    statuses = StatusService(services.db, services.clock)
    await statuses.set_status(
        SECRETARY, away.id, StatusKind.AWAY, today, date(2027, 3, 1), "Đi học tập trung"
    )
    await statuses.set_status(
        SECRETARY, exempt.id, StatusKind.EXEMPT_MEETINGS, today, date(2027, 1, 31), "Ốm dài"
    )
    await statuses.set_status(
        SECRETARY, visiting.id, StatusKind.VISITING, today, date(2027, 1, 31), "Từ chi bộ khác"
    )
    await statuses.set_status(
        SECRETARY, leave.id, StatusKind.LONG_LEAVE, today, date(2027, 1, 31), "Nghỉ chữa bệnh"
    )
    async with services.db.session() as session:
        chosen = {m.id for m in await remindable(session, cell.cell_id, today + days(3))}
        after = {m.id for m in await remindable(session, cell.cell_id, date(2027, 2, 15))}
    assert cell.secretary is not None
    assert chosen == {cell.secretary.id, visiting.id}
    assert after == {cell.secretary.id, visiting.id, exempt.id, leave.id}  # they ended

    meeting_id = await make_meeting(services.db, cell.cell_id, clock.now() + days(5))
    async with services.db.session() as session:
        meeting = await session.get(Meeting, meeting_id)
        cell_row = await session.get(Cell, cell.cell_id)
        assert meeting is not None and cell_row is not None
        await plan_meeting(session, meeting, cell_row, clock.now())
        reminded = set(
            await session.scalars(
                select(OutboxMessage.member_id).where(OutboxMessage.meeting_id == meeting_id)
            )
        )
        audits = await session.scalar(select(func.count()).where(AuditEntry.action == "status_set"))
    assert away.id not in reminded and exempt.id not in reminded and leave.id not in reminded
    assert visiting.id in reminded
    assert audits == 4
    nudged = await services.attendance.nudge(SECRETARY, meeting_id)  # /danhsach's 🔔
    assert set(nudged.recipients) == {SECRETARY_NAME, visiting.name}


async def test_status_rules_and_who_may_set_them(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=2)
    member = cell.members[0]
    statuses = StatusService(services.db, services.clock)
    today = clock.now().date()
    with pytest.raises(InvalidInput, match="status_exemption_too_long"):
        await statuses.set_status(
            SECRETARY, member.id, StatusKind.EXEMPT_ALL, today, date(2027, 11, 27), "Ốm"
        )
    with pytest.raises(InvalidInput, match="status_ends_before_start"):
        await statuses.set_status(
            SECRETARY, member.id, StatusKind.LONG_LEAVE, today, date(2026, 1, 1), "Ốm"
        )
    with pytest.raises(InvalidInput, match="status_reason_missing"):
        await statuses.set_status(
            SECRETARY, member.id, StatusKind.LONG_LEAVE, today, date(2027, 1, 1), "   "
        )
    ok = await statuses.set_status(
        SECRETARY, member.id, StatusKind.EXEMPT_ALL, today, date(2027, 11, 26), "Ốm  dài"
    )
    assert ok.reason == "Ốm dài"
    with pytest.raises(InvalidInput, match="status_overlaps"):
        await statuses.set_status(
            SECRETARY, member.id, StatusKind.AWAY, date(2027, 1, 1), date(2027, 2, 1), "Đi xa"
        )
    assert member.telegram_id is not None
    with pytest.raises(NotAllowed):
        await statuses.set_status(
            member.telegram_id, member.id, StatusKind.AWAY, today, date(2027, 2, 1), "Đi xa"
        )
