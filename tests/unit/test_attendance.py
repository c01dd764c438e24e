"""Attendance domain: answers, reasons, cutoff, strangers, proxies, nudges, check-in, alerts."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.attendance.messages import render_nudge
from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.services import Services
from storage.models import (
    Attendance,
    AttendanceAnswer,
    AuditEntry,
    MeetingStatus,
    OutboxMessage,
)
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell

YES, NO, MAYBE = AttendanceAnswer.YES, AttendanceAnswer.NO, AttendanceAnswer.MAYBE


async def test_answer_change_and_double_tap(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    att = services.attendance
    tid = cell.member_tids[0]

    first = await att.answer(tid, meeting, YES)
    assert first.changed and first.answer is YES
    again = await att.answer(tid, meeting, YES)
    assert not again.changed
    changed = await att.answer(tid, meeting, MAYBE)
    assert changed.changed and changed.answer is MAYBE

    roll = await att.roll(cell.secretary_tid, meeting)
    assert roll.tally.maybe == 1 and roll.tally.yes == 0
    assert roll.tally.unanswered == len(cell.member_tids)  # the secretary + 4 others
    async with services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 1


async def test_absence_reasons(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    att = services.attendance
    tid = cell.member_tids[1]

    result = await att.answer(tid, meeting, NO)
    assert result.answer is NO and result.reason_code is None
    result = await att.set_reason(tid, meeting, "ct")
    assert (result.answer, result.reason_code) == (NO, "ct")
    # tapping "❌ Vắng" again keeps the reason: nothing changes
    assert not (await att.answer(tid, meeting, NO)).changed
    result = await att.set_reason(tid, meeting, "khac", "  Đưa   con\x00 đi khám bệnh  ")
    assert result.reason_text == "Đưa con đi khám bệnh"
    with pytest.raises(InvalidInput):
        await att.set_reason(tid, meeting, "khac", " \n ")
    with pytest.raises(InvalidInput):
        await att.set_reason(tid, meeting, "khac", "x" * 501)
    with pytest.raises(StaleAction):
        await att.set_reason(tid, meeting, "zz")
    # changing to "yes" clears the reason
    result = await att.answer(tid, meeting, YES)
    assert result.reason_code is None and result.reason_text is None


async def test_cutoff_and_cancelled(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db)
    soon = await make_meeting(services.db, cell.cell_id, clock.now() + timedelta(hours=1))
    cancelled = await make_meeting(
        services.db, cell.cell_id, clock.now() + days(3), status=MeetingStatus.CANCELLED
    )
    tid = cell.member_tids[0]
    await services.attendance.answer(tid, soon, YES)
    clock.advance(timedelta(hours=1))
    with pytest.raises(StaleAction) as closed:
        await services.attendance.answer(tid, soon, NO)
    assert closed.value.args == ("answers_closed",)
    with pytest.raises(StaleAction) as gone:
        await services.attendance.answer(tid, cancelled, YES)
    assert gone.value.args == ("meeting_cancelled",)
    roll = await services.attendance.roll(cell.secretary_tid, soon)
    assert roll.tally.yes == 1


async def test_strangers_and_other_cells_are_refused(
    services: Services, clock: ManualClock
) -> None:
    ours = await build_cell(services.db, group_chat_id=-1001)
    theirs = await build_cell(
        services.db, name="Chi bộ Khu phố 4", group_chat_id=-1002, secretary_tid=2000, tid_base=2001
    )
    their_meeting = await make_meeting(services.db, theirs.cell_id, clock.now() + days(5))
    with pytest.raises(NotAMember):
        await services.attendance.answer(999_999, their_meeting, YES)
    with pytest.raises(StaleAction) as other:
        await services.attendance.answer(ours.member_tids[0], their_meeting, YES)
    assert other.value.args == ("other_cell",)
    with pytest.raises(StaleAction) as missing:
        await services.attendance.answer(ours.member_tids[0], 424242, YES)
    assert missing.value.args == ("meeting_gone",)
    # the committee of one cell cannot see or change another cell's meeting
    with pytest.raises(StaleAction):
        await services.attendance.roll(ours.secretary_tid, their_meeting)
    with pytest.raises(StaleAction):
        await services.attendance.answer_for(
            ours.secretary_tid, their_meeting, theirs.member_ids[0], YES
        )
    async with services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 0


async def test_thirty_members_concurrently_exact_counts(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=30)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    rng = random.Random(4)
    finals: dict[int, AttendanceAnswer] = {}
    plans: list[tuple[int, list[AttendanceAnswer]]] = []
    for tid in cell.member_tids:
        taps = [rng.choice([YES, NO, MAYBE]) for _ in range(rng.randint(1, 3))]
        taps.append(taps[-1])  # a double tap of the final answer
        finals[tid] = taps[-1]
        plans.append((tid, taps))

    async def member(tid: int, taps: list[AttendanceAnswer]) -> None:
        for answer in taps:
            await services.attendance.answer(tid, meeting, answer)
            await asyncio.sleep(0)

    # the double taps are concurrent too: two tasks send the final answer at once
    await asyncio.gather(
        *(member(tid, taps) for tid, taps in plans),
        *(services.attendance.answer(tid, meeting, finals[tid]) for tid, _ in plans[:10]),
    )
    roll = await services.attendance.roll(cell.secretary_tid, meeting)
    expected = {a: sum(1 for v in finals.values() if v is a) for a in (YES, NO, MAYBE)}
    assert (roll.tally.yes, roll.tally.no, roll.tally.maybe) == (
        expected[YES],
        expected[NO],
        expected[MAYBE],
    )
    assert roll.tally.unanswered == 1  # the secretary
    async with services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 30


async def test_committee_answers_for_a_member(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db)
    (offline_member,) = await add_members(
        services.db, cell.cell_id, ["Lê Văn Không Dùng"], tid_base=None
    )
    offline = offline_member.id
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    result = await services.attendance.answer_for(
        cell.secretary_tid, meeting, offline, NO, reason_code="om"
    )
    assert result.changed and result.reason_code == "om"
    roll = await services.attendance.roll(cell.secretary_tid, meeting)
    entry = next(e for e in roll.entries if e.member_id == offline)
    assert entry.proxy_name == "Nguyễn Văn An" and entry.answer is NO
    with pytest.raises(NotAllowed):
        await services.attendance.answer_for(cell.member_tids[0], meeting, offline, YES)
    async with services.db.session() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert "attendance_answered_for" in actions


async def test_nudge_plans_only_non_responders(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=6)
    (no_bot,) = await add_members(
        services.db, cell.cell_id, ["Phạm Văn Chưa Mở"], tid_base=5555, can_dm=False
    )
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(3))
    await services.attendance.answer(cell.member_tids[0], meeting, YES)
    await services.attendance.answer(cell.member_tids[1], meeting, NO)
    await services.attendance.answer(cell.member_tids[2], meeting, MAYBE)

    result = await services.attendance.nudge(cell.secretary_tid, meeting)
    # 3 silent members + the secretary; the one who never started the bot is listed apart
    assert result.planned == 4
    assert result.unreachable == ("Phạm Văn Chưa Mở",)
    async with services.db.session() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    # the three answers planned their members' own confirmations; the rest are the nudges
    assert {r.chat_id for r in rows if r.kind == "answer_confirm"} == set(cell.member_tids[:3])
    rows = [r for r in rows if r.kind != "answer_confirm"]
    targets = {r.chat_id for r in rows}
    assert targets == {cell.secretary_tid, *cell.member_tids[3:]}
    assert no_bot.id not in {r.member_id for r in rows}
    assert all(r.kind == "nudge" for r in rows)

    with pytest.raises(StaleAction):  # a double tap on "nudge" plans nothing new
        await services.attendance.nudge(cell.secretary_tid, meeting)

    # a member answers after the nudge was planned: the renderer drops their copy
    await services.attendance.answer(cell.member_tids[3], meeting, YES)
    async with services.db.session() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        rendered = {r.chat_id: await render_nudge(session, r, clock.now()) for r in rows}
    assert rendered[cell.member_tids[3]] is None
    message = rendered[cell.member_tids[4]]
    assert message is not None and "chưa báo tham dự" in message.text
    assert [b.callback_data for b in message.buttons[0]] == [
        f"at:{meeting}:y",
        f"at:{meeting}:n",
        f"at:{meeting}:m",
    ]

    clock.advance(timedelta(minutes=11))
    second = await services.attendance.nudge(cell.secretary_tid, meeting)
    assert second.planned == 3  # the secretary and two members are still silent


async def test_check_in_and_marking(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(2))
    tid = cell.member_tids[0]
    with pytest.raises(StaleAction):
        await services.attendance.check_in(tid, meeting)
    with pytest.raises(StaleAction):
        await services.attendance.open_checkin(cell.secretary_tid, meeting)  # too early
    clock.advance(days(2))
    opened = await services.attendance.open_checkin(cell.secretary_tid, meeting)
    assert not opened.already and opened.cell.group_chat_id == -1001
    assert (await services.attendance.open_checkin(cell.secretary_tid, meeting)).already
    assert await services.attendance.check_in(tid, meeting) is True
    assert await services.attendance.check_in(tid, meeting) is False

    marked = await services.attendance.mark_present(
        cell.secretary_tid, meeting, cell.member_ids[1], False
    )
    assert marked.entry.present is False and marked.entry.absence_excused is None
    classified = await services.attendance.classify_absence(
        cell.secretary_tid, meeting, cell.member_ids[1], True
    )
    assert classified.entry.absence_excused is True and classified.alert is None
    with pytest.raises(StaleAction):  # present members have no absence to classify
        await services.attendance.classify_absence(
            cell.secretary_tid, meeting, cell.member_ids[0], False
        )
    with pytest.raises(NotAllowed):
        await services.attendance.mark_present(tid, meeting, cell.member_ids[1], True)
    roll = await services.attendance.roll(cell.secretary_tid, meeting)
    assert roll.checkin_open and roll.totals.present == 1 and roll.totals.absent_excused == 1
    async with services.db.session() as session:
        actions = sorted(await session.scalars(select(AuditEntry.action)))
    assert actions.count("attendance_marked") == 1
    assert actions.count("absence_classified") == 1
    assert "checkin_opened" in actions and "checked_in" in actions


async def test_absences_without_reason_prompt_the_committee(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=2)
    member_id = cell.member_ids[0]
    meetings = [
        await make_meeting(services.db, cell.cell_id, clock.now() + days(35 * i + 1))
        for i in range(4)
    ]  # 28/11/2026, 02/01, 06/02, 13/03/2027 — months 11, 1, 2, 3
    clock.advance(days(200))
    alerts = []
    for meeting in meetings:
        result = await services.attendance.classify_absence(
            cell.secretary_tid, meeting, member_id, False
        )
        alerts.append(result.alert)
    # 2026 has one month only; 2027 reaches 2 months, then 3
    assert alerts[0] is None and alerts[1] is None
    assert alerts[2] is not None and alerts[2].months == (1, 2) and alerts[2].year == 2027
    assert alerts[3] is not None and len(alerts[3].months) == 3
    text = alerts[3].text()
    assert "Điều 8" in text and "không tự động" in text and "kỷ luật" in text
    # re-classifying the same absence does not alert twice
    again = await services.attendance.classify_absence(
        cell.secretary_tid, meetings[3], member_id, False
    )
    assert again.alert is None
    async with services.db.session() as session:
        kinds = list(await session.scalars(select(OutboxMessage.dedupe_key)))
    assert sorted(kinds) == [
        f"absence_alert:{member_id}:2027:2:{cell.secretary_id}",
        f"absence_alert:{member_id}:2027:3:{cell.secretary_id}",
    ]


async def test_group_panel_is_debounced_and_claimed_once(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=4)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    panels = services.panels
    assert await panels.claim_due() == []
    await services.attendance.answer(cell.member_tids[0], meeting, YES)
    await services.attendance.answer(cell.member_tids[1], meeting, NO)

    first, second = await asyncio.gather(panels.claim_due(), panels.claim_due())
    claimed = first + second
    assert len(claimed) == 1  # two concurrent flushers: only one gets the panel
    update = claimed[0]
    assert update.chat_id == -1001 and update.message_id is None
    assert "✅ Có mặt: 1" in update.message.text and "Chưa trả lời: 3" in update.message.text
    await panels.done(update, message_id=77)

    await services.attendance.answer(cell.member_tids[2], meeting, MAYBE)
    await services.attendance.answer(cell.member_tids[3], meeting, YES)
    assert await panels.claim_due() == []  # edited less than 3 s ago: wait
    clock.advance(timedelta(seconds=3))
    (edit,) = await panels.claim_due()
    assert edit.message_id == 77 and "✅ Có mặt: 2" in edit.message.text
    assert "❔ Chưa chắc: 1" in edit.message.text and "Chưa trả lời: 1" in edit.message.text
    # the edit failed because the message was deleted: post a new one next time
    await panels.failed(edit, message_lost=True)
    (again,) = await panels.claim_due()
    assert again.message_id is None
    await panels.done(again, message_id=78)
    clock.advance(timedelta(seconds=10))
    assert await panels.claim_due() == []  # nothing changed since


async def test_mark_everyone_who_said_yes_as_present(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=5)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(1))
    tids, ids = cell.member_tids, cell.member_ids
    for tid in tids[:3]:
        await services.attendance.answer(tid, meeting, YES)
    await services.attendance.answer(tids[3], meeting, NO)
    await services.attendance.answer(tids[4], meeting, MAYBE)
    with pytest.raises(StaleAction):  # too early: the meeting is a day away
        await services.attendance.mark_expected_present(cell.secretary_tid, meeting)
    with pytest.raises(NotAllowed):
        await services.attendance.mark_expected_present(tids[0], meeting)
    clock.advance(days(1))
    # one "yes" was recorded absent by hand before: the bulk action leaves that alone
    await services.attendance.mark_present(cell.secretary_tid, meeting, ids[2], False)

    result = await services.attendance.mark_expected_present(cell.secretary_tid, meeting)
    assert result.marked == ("Trần Thị Đảng Viên 01", "Trần Thị Đảng Viên 02")
    present = {e.member_id for e in result.roll.entries if e.present is True}
    assert present == {ids[0], ids[1]}
    assert result.roll.totals.present == 2
    again = await services.attendance.mark_expected_present(cell.secretary_tid, meeting)
    assert again.marked == ()  # a double tap marks no one twice
    async with services.db.session() as session:
        audited = list(
            await session.scalars(
                select(AuditEntry.target_member_id).where(
                    AuditEntry.action == "attendance_marked", AuditEntry.meeting_id == meeting
                )
            )
        )
    assert sorted(audited) == sorted([ids[2], ids[0], ids[1]])


async def test_mark_everyone_refuses_a_cancelled_meeting(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=1)
    meeting = await make_meeting(
        services.db, cell.cell_id, clock.now(), status=MeetingStatus.CANCELLED
    )
    with pytest.raises(StaleAction) as raised:
        await services.attendance.mark_expected_present(cell.secretary_tid, meeting)
    assert raised.value.args[0] == "meeting_cancelled"


async def test_roll_and_comments_offer_what_lich_calls_upcoming(
    services: Services, clock: ManualClock
) -> None:
    """One definition of "upcoming" (MeetingRepository.upcoming): scheduled and not ended."""
    cell = await build_cell(services.db)
    now = clock.now()
    running = await make_meeting(services.db, cell.cell_id, now - timedelta(minutes=30))
    ahead = await make_meeting(services.db, cell.cell_id, now + days(3))
    await make_meeting(services.db, cell.cell_id, now + days(4), status=MeetingStatus.CANCELLED)
    await make_meeting(services.db, cell.cell_id, now + days(5), status=MeetingStatus.DONE)

    _, listed = await services.meetings.upcoming(cell.secretary_tid)
    assert [m.meeting.id for m in listed] == [running, ahead]
    _, choices = await services.attendance.roll_meetings(cell.secretary_tid)
    assert [m.id for m in choices if not m.is_over(now)] == [running, ahead]
    # comments close when the meeting starts, so only the one ahead is open for them
    _, open_for_comments = await services.comments.open_meetings(cell.member_tids[0])
    assert [m.id for m in open_for_comments] == [ahead]
