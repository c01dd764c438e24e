"""Meetings a cell's rules generate: creating them ahead, moving the untouched ones when a rule
changes, and refreshing a meeting's group panel after any move."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.meetings import reminders
from bot.meetings.recurrence import Rule
from bot.views import CellInfo
from storage.models import Cell, Meeting, MeetingKind, MeetingRule, MeetingStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.panels import PanelRepository

GENERATE_AHEAD = timedelta(days=92)  # about 3 months


async def refresh_panel(session: AsyncSession, meeting: Meeting) -> None:
    """The group panel shows the meeting's time and whether it is still on: after a change,
    have it edited (in the same transaction). Meetings without a panel get none."""
    panels = PanelRepository(session)
    if await panels.get(meeting.id) is not None:
        await panels.mark_dirty(meeting.id, meeting.cell_id)


async def generate(session: AsyncSession, cell: Cell, row: MeetingRule, now: datetime) -> int:
    """Create the rule's occurrences within ``GENERATE_AHEAD`` not made yet; returns how many."""
    kind = MeetingKind(row.meeting_kind)
    tz = CellInfo.of(cell).tz
    found = Rule.of(row).occurrences(kind, now, now + GENERATE_AHEAD, tz)
    repo = MeetingRepository(session)
    taken = await repo.occurrence_keys(cell.id, [key for key, _ in found])
    created = 0
    for key, moment in found:
        if key in taken:
            continue
        meeting = await repo.add(
            Meeting(
                cell_id=cell.id,
                kind=kind,
                status=MeetingStatus.SCHEDULED,
                starts_at=moment,
                duration_minutes=row.duration_minutes,
                place=row.place,
                occurrence_key=key,
                rule_id=row.id,
            )
        )
        await reminders.plan_meeting(session, meeting, cell, now)
        created += 1
    return created


async def follow_rule(
    session: AsyncSession,
    cell: Cell,
    kind: MeetingKind,
    rule: Rule,
    now: datetime,
    actor_id: int,
) -> None:
    """Move the untouched future occurrences of a kind to the new rule's day and time."""
    tz = CellInfo.of(cell).tz
    for meeting in await MeetingRepository(session).generated_future(cell.id, kind, now):
        local = meeting.starts_at.astimezone(tz)
        day = rule.date_in(local.year, local.month)
        if day is None:
            continue
        moment = datetime.combine(day, rule.at, tz)
        if moment == meeting.starts_at or moment <= now:
            continue
        old = meeting.starts_at
        meeting.starts_at = moment
        await session.flush()
        await refresh_panel(session, meeting)
        entry = await AuditRepository(session).record(
            cell.id,
            "meeting_rescheduled",
            actor_member_id=actor_id,
            meeting_id=meeting.id,
            details={"old": old.isoformat(), "new": moment.isoformat(), "by_rule": True},
        )
        await reminders.plan_change(
            session, meeting, cell, entry.id, now, what="when", actor_id=actor_id
        )
