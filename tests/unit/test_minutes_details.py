"""The minutes' details chosen in chat (bot/meetings/minutes.py): who may set them, what is
refused politely, the "kết thúc" tap counted once, the length against HD 42's minimum."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document

from bot.attendance.views import Roll
from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed, StaleAction
from bot.exports.minutes_docx import write_minutes
from bot.exports.report import MeetingReport
from bot.meetings.minutes import sitting_times, too_short
from bot.services import Services
from bot.texts import exports as tx
from storage.models import MeetingKind
from tests.attendance_helpers import make_meeting
from tests.builders import build_cell
from tests.unit.test_ics import _meeting


async def test_details_are_set_bounded_and_the_end_counts_once(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=2)
    start = clock.now() + timedelta(hours=2)  # 10h00 in Hà Nội
    meeting = await make_meeting(services.db, cell.cell_id, start)
    minutes, sec = services.minutes, cell.secretary_tid
    with pytest.raises(InvalidInput, match="minutes_not_started"):
        await minutes.finish(sec, meeting)
    details = await minutes.set_person(sec, meeting, "chair", cell.secretary_id)
    assert details.meeting.chair is not None
    with pytest.raises(StaleAction):
        await minutes.set_person(sec, meeting, "chair", 2**31 + 5)
    with pytest.raises(InvalidInput, match="text_too_long"):
        await minutes.set_text(sec, meeting, "minute_taker", "x" * 500)
    with pytest.raises(InvalidInput, match="minutes_start_ahead"):
        await minutes.set_start(sec, meeting, "10h05")
    with pytest.raises(NotAllowed):
        await minutes.details(cell.member_tids[0], meeting)  # a member, not the committee
    with pytest.raises(StaleAction):
        await minutes.details(sec, 999_999)

    clock.set(start + timedelta(minutes=100))  # 11h40
    typed = await minutes.set_start(sec, meeting, " 10h05 ")
    assert typed.times.started_at == start + timedelta(minutes=5)
    assert not typed.times.start_from_checkin
    ended = await minutes.finish(sec, meeting)
    assert ended.times.minutes == 95 and not ended.too_short and not ended.already_ended
    clock.advance(timedelta(minutes=30))  # 12h10
    again = await minutes.finish(sec, meeting)  # a double or late tap changes nothing
    assert again.already_ended and again.times.ended_at == ended.times.ended_at
    with pytest.raises(InvalidInput, match="minutes_start_after_end"):
        await minutes.set_start(sec, meeting, "12h00")


def test_length_against_hd42_minimum() -> None:
    base = _meeting(kind=MeetingKind.COMBINED)
    start = base.starts_at
    held = _meeting(kind=MeetingKind.COMBINED, held_ended_at=start + timedelta(minutes=100))
    times = sitting_times(held, checkin_at=start)
    assert times.minutes == 100 and times.start_from_checkin
    assert too_short(held, times)  # a combined sitting needs 120 minutes
    unknown = sitting_times(base, None)
    assert unknown.minutes is None and not too_short(base, unknown)


def test_draft_without_broadcast_or_comments() -> None:
    meeting = _meeting(kind=MeetingKind.REGULAR, topic=None, agenda="Kiểm điểm tháng 11")
    roll = Roll(meeting, "Chi bộ Thôn Đông", None, "Asia/Ho_Chi_Minh", (), False)
    doc = Document(io.BytesIO(write_minutes(MeetingReport(roll, ()))))
    heading = doc.tables[0].rows[0].cells[0].text
    assert heading.startswith(tx.PARENT_BLANK) and "CHI BỘ THÔN ĐÔNG" in heading
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[paragraphs.index(tx.SECTION_AGENDA) + 1] == "Kiểm điểm tháng 11"
    assert tx.ANNEX_TITLE not in paragraphs and tx.LENGTH_UNKNOWN in paragraphs
    assert tx.CLOSING in paragraphs  # no "kết thúc" tap: a blank to fill by hand
