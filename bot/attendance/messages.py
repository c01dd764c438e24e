"""Attendance's outbox renderers, called at send time by the outbox worker: the nudge to a
member who has not answered, the committee's absence alert, and a member's private
confirmation of their own answer (coalesced: it says the answer stored when it is sent)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.alerts import ABSENCE_ALERT_KIND, NUDGE_KIND, AbsenceAlert
from bot.attendance.buttons import attendance_buttons, reason_buttons
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.members.reminder_prefs import wants_nudge
from bot.texts import attendance as ta
from bot.texts.common import fmt
from bot.views import MeetingInfo
from storage.models import Attendance, AttendanceAnswer, MemberState, OutboxMessage
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository


async def _member_row(
    session: AsyncSession, row: OutboxMessage, *, reminder: bool = False
) -> tuple[MeetingInfo, ZoneInfo, Attendance | None] | None:
    """A member's row's meeting (not cancelled), its cell's time zone and the member's
    stored answer; None when the meeting or the active member is gone, or, for a
    ``reminder``, when the member paused their private reminders."""
    if row.meeting_id is None or row.member_id is None:
        return None
    attendance = AttendanceRepository(session)
    meeting = await attendance.meeting(row.meeting_id)
    member = await MemberRepository(session).get(row.member_id)
    if meeting is None or member is None or member.state != MemberState.ACTIVE:
        return None
    info = MeetingInfo.of(meeting)
    if info.cancelled:
        return None
    cell = await CellRepository(session).get(meeting.cell_id)
    assert cell is not None
    if reminder and not wants_nudge(member, cell, row.due_at):
        return None
    return info, ZoneInfo(cell.timezone), await attendance.get(meeting.id, member.id)


async def render_nudge(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    """ "You haven't answered yet" — or nothing, if that is no longer true or wanted."""
    found = await _member_row(session, row, reminder=True)
    if found is None:
        return None
    info, tz, answered = found
    if now >= info.starts_at or (answered is not None and answered.answer is not None):
        return None
    place = fmt(ta.PLACE_SUFFIX, place=info.place) if info.place else ""
    title = ta.meeting_title(info.kind, info.starts_at, tz)
    return OutgoingMessage(
        fmt(ta.NUDGE, meeting=title, place=place),
        attendance_buttons(info.id, with_comment=True),
    )


async def render_absence_alert(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    payload = row.payload or {}
    member = await MemberRepository(session).get(int(payload.get("member_id", 0)))
    if member is None:
        return None
    months = tuple(int(m) for m in payload.get("months", []))
    alert = AbsenceAlert(member.id, member.full_name, int(payload.get("year", 0)), months)
    return OutgoingMessage(alert.text())


CONFIRM_KIND = "answer_confirm"


def confirmation(
    info: MeetingInfo, tz: ZoneInfo, answer: AttendanceAnswer, revision: int
) -> OutgoingMessage:
    """The private confirmation of an answer (with the reason menu after "absent"). It carries
    the answer buttons too, so the member changes the answer from it in one tap."""
    meeting = ta.meeting_title(info.kind, info.starts_at, tz)
    answer_row = attendance_buttons(info.id)
    if answer is AttendanceAnswer.NO:
        return OutgoingMessage(
            fmt(ta.ASK_REASON, meeting=meeting), reason_buttons(info.id, revision) + answer_row
        )
    template = ta.CONFIRM_YES if answer is AttendanceAnswer.YES else ta.CONFIRM_MAYBE
    return OutgoingMessage(fmt(template, meeting=meeting), answer_row)


async def render_confirmation(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    """The member's LATEST answer, read now: five quick taps make one true confirmation.

    Read in one statement (the meeting, the cell's time zone, the active member's answer):
    every changed tap of a storm is rendered here, on the outbox worker's turn."""
    if row.meeting_id is None or row.member_id is None:
        return None
    found = await AttendanceRepository(session).confirming(row.meeting_id, row.member_id)
    if found is None or found.answer is None:
        return None
    info = MeetingInfo.of(found)
    if info.cancelled:
        return None
    tz = ZoneInfo(found.cell_timezone)
    return confirmation(info, tz, AttendanceAnswer(found.answer), found.answer_revision)


RENDERERS: dict[str, Renderer] = {
    NUDGE_KIND: render_nudge,
    ABSENCE_ALERT_KIND: render_absence_alert,
    CONFIRM_KIND: render_confirmation,
}
