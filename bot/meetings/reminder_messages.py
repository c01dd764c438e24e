"""How the reminder outbox rows become messages, at send time, and the ``RENDERERS`` table.

Each renderer decides again whether its row is still worth sending (the meeting cancelled or
moved, already begun, the member declined or left or no longer wants it, a later reminder
already due after downtime) and returns ``None`` to cancel it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.buttons import attendance_buttons
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.meetings.planning import PLANNING_FAILED
from bot.meetings.reminders import (
    COMMITTEE_TASK,
    GROUP_REMINDER,
    NOTICE,
    REGULAR_LIKE,
    REMINDER,
    TASK_LEADS,
    THEMATIC_LIKE,
    documents_deadline,
    epoch,
    has_meeting,
    leads_of,
    month_range,
    quarter_range,
)
from bot.members.reminder_prefs import wants_lead
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.views import CellInfo, MeetingInfo
from storage.enums import AttendanceAnswer, MeetingStatus, MemberState, Role
from storage.models import Cell, Meeting, Member, OutboxMessage
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository

ON_TIME = timedelta(minutes=5)  # sent within this of its due time: say the planned lead


async def _context(
    session: AsyncSession, row: OutboxMessage
) -> tuple[Meeting, Cell, MeetingInfo] | None:
    if row.meeting_id is None:
        return None
    meeting = await MeetingRepository(session).get(row.meeting_id)
    cell = await CellRepository(session).get(row.cell_id)
    if meeting is None or cell is None:
        return None
    return meeting, cell, MeetingInfo.of(meeting)


def _still_timely(meeting: Meeting, row: OutboxMessage, now: datetime) -> bool:
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and now < meeting.starts_at
        and row.payload.get("starts") == epoch(meeting.starts_at)
    )


async def _timely_context(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> tuple[Meeting, Cell, MeetingInfo] | None:
    """The row's meeting, if it is still on, not begun and not moved since the row was planned."""
    found = await _context(session, row)
    if found is None or not _still_timely(found[0], row, now):
        return None
    return found


def _superseded(meeting: Meeting, cell: Cell, lead: int, now: datetime) -> bool:
    """After downtime several reminders can be due at once: only the latest one is useful."""
    return any(
        other < lead and meeting.starts_at - timedelta(minutes=other) <= now
        for other in leads_of(cell)
    )


Due = tuple[Meeting, Cell, MeetingInfo, int]  # the meeting, its cell, its view, the lead
DueRenderer = Callable[
    [AsyncSession, OutboxMessage, datetime, Due], Awaitable[OutgoingMessage | None]
]


def when_due(render: DueRenderer) -> Renderer:
    """A reminder's renderer that runs only while the reminder is timely and no later reminder
    of the same meeting supersedes it; otherwise the row is dropped."""

    async def renderer(
        session: AsyncSession, row: OutboxMessage, now: datetime
    ) -> OutgoingMessage | None:
        found = await _timely_context(session, row, now)
        if found is None:
            return None
        meeting, cell, info = found
        lead = int(row.payload.get("lead", 0))
        if _superseded(meeting, cell, lead, now):
            return None
        return await render(session, row, now, (meeting, cell, info, lead))

    return renderer


async def _active_member(session: AsyncSession, row: OutboxMessage) -> Member | None:
    if row.member_id is None:
        return None
    member = await MemberRepository(session).get(row.member_id)
    if member is None or member.state != MemberState.ACTIVE:
        return None
    return member


def time_left(starts_at: datetime, now: datetime, lead: int | None) -> str:
    """The planned lead ("1 ngày") when sent on time, else the real time left.

    The due time is derived from the start and the lead, not read from the row: the worker
    may push a row's due_at back a little when it rate-limits a chat."""
    if lead is not None and now - (starts_at - timedelta(minutes=lead)) <= ON_TIME:
        return tx.lead_words(lead)
    minutes = max(1, int((starts_at - now).total_seconds() // 60))
    if minutes >= 1440:
        return f"{minutes // 1440} ngày"
    if minutes >= 120:
        return f"{minutes // 60} giờ"
    return f"{minutes} phút"


@when_due
async def render_reminder(
    session: AsyncSession, row: OutboxMessage, now: datetime, due: Due
) -> OutgoingMessage | None:
    meeting, cell, info, lead = due
    member = await _active_member(session, row)
    if member is None:
        return None
    due_at = meeting.starts_at - timedelta(minutes=lead)
    if not wants_lead(member, cell, leads_of(cell), lead, due_at):
        return None  # the member's choice changed since it was planned
    answer = await MeetingRepository(session).answer_of(meeting.id, member.id)
    if answer is AttendanceAnswer.NO:
        return None
    tz = CellInfo.of(cell).tz
    text = tc.fmt(
        tx.REMINDER,
        left=time_left(meeting.starts_at, now, lead),
        card=tx.card(info, tz),
    )
    if answer is None:
        text += tx.REMINDER_ASK
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


@when_due
async def render_group_reminder(
    session: AsyncSession, row: OutboxMessage, now: datetime, due: Due
) -> OutgoingMessage | None:
    meeting, cell, info, lead = due
    answers = await MeetingRepository(session).answers(meeting.id)
    members = await MemberRepository(session).in_states(cell.id)
    counts = {a: sum(1 for v in answers.values() if v is a) for a in AttendanceAnswer}
    counts_text = tx.GROUP_COUNTS.format(
        yes=counts[AttendanceAnswer.YES],
        no=counts[AttendanceAnswer.NO],
        maybe=counts[AttendanceAnswer.MAYBE],
        none=sum(1 for m in members if m.id not in answers),
    )
    tz = CellInfo.of(cell).tz
    text = tc.fmt(
        tx.REMINDER_GROUP,
        left=time_left(meeting.starts_at, now, lead),
        card=tx.card(info, tz),
        counts=counts_text,
    )
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


async def render_committee_task(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    member = await _active_member(session, row)
    if member is None:
        return None
    if "gap" in row.payload:
        return await _render_gap(session, row, member)
    found = await _timely_context(session, row, now)
    if found is None:
        return None
    meeting, cell, info = found
    tz = CellInfo.of(cell).tz
    task = row.payload.get("task")
    deadline = tc.when(documents_deadline(meeting.starts_at), tz)
    values = {
        "kind": tc.KIND_NAMES[info.kind].lower(),
        "when": tc.when(meeting.starts_at, tz),
        "left": time_left(meeting.starts_at, now, TASK_LEADS.get(str(task))),
        "deadline": deadline,
        "topic": info.topic or "",
        "names": info.presenters or "",
    }
    if task == "prepare":
        if not Role(member.role).is_committee:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_PREPARE, **values))
    if task == "documents":
        if not Role(member.role).is_committee:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_DOCUMENTS, **values))
    if task == "presenter":
        if not info.presenters:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_PRESENTER, **values))
    return None


async def _render_gap(
    session: AsyncSession, row: OutboxMessage, member: Member
) -> OutgoingMessage | None:
    cell = await CellRepository(session).get(row.cell_id)
    if cell is None or not Role(member.role).is_committee:
        return None
    year = int(row.payload["year"])
    if row.payload["gap"] == "regular":
        month = int(row.payload["month"])
        if await has_meeting(session, cell, month_range(year, month), REGULAR_LIKE):
            return None
        return OutgoingMessage(tc.fmt(tx.GAP_REGULAR, month=f"{month:02d}/{year}"))
    quarter = int(row.payload["quarter"])
    if await has_meeting(session, cell, quarter_range(year, quarter), THEMATIC_LIKE):
        return None
    return OutgoingMessage(tc.fmt(tx.GAP_THEMATIC, quarter=f"{tx.QUARTERS[quarter]}/{year}"))


async def render_notice(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    found = await _context(session, row)
    if found is None:
        return None
    meeting, cell, info = found
    if now >= meeting.starts_at:
        return None
    if row.member_id is not None and await _active_member(session, row) is None:
        return None
    tz = CellInfo.of(cell).tz
    event = row.payload.get("event")
    if event == "cancelled":
        if meeting.status != MeetingStatus.CANCELLED:
            return None
        return OutgoingMessage(
            tc.fmt(
                tx.NOTICE_CANCELLED,
                kind=tc.KIND_NAMES[info.kind].lower(),
                when=tc.when(meeting.starts_at, tz),
            )
        )
    if meeting.status != MeetingStatus.SCHEDULED:
        return None
    if event == "created":
        text = tc.fmt(tx.NOTICE_CREATED, card=tx.card(info, tz))
    else:
        what = tx.CHANGED_WHAT.get(str(row.payload.get("what")), "cập nhật")
        text = tc.fmt(tx.NOTICE_CHANGED, what=what, card=tx.card(info, tz))
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


async def render_planning_failed(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    """The cell's reminders could not be planned (bot/meetings/planning.py): tell its leaders."""
    member = await _active_member(session, row)
    if member is None or not Role(member.role).is_committee:
        return None
    return OutgoingMessage(tc.fmt(tx.PLANNING_FAILED))


RENDERERS: dict[str, Renderer] = {
    PLANNING_FAILED: render_planning_failed,
    REMINDER: render_reminder,
    GROUP_REMINDER: render_group_reminder,
    COMMITTEE_TASK: render_committee_task,
    NOTICE: render_notice,
}
