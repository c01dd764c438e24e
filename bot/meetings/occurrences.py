"""Meetings a cell's rules generate: creating them ahead, moving the untouched ones when a rule
changes, and refreshing a meeting's group panel after any move."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Generated:
    """What generating a rule's occurrences did."""

    created: int = 0
    already_there: int = 0  # slots a meeting (made by hand) already held: that one stands for it
    same_day: tuple[datetime, ...] = ()  # created on a day that already had another meeting


async def refresh_panel(session: AsyncSession, meeting: Meeting) -> None:
    """The group panel shows the meeting's time and whether it is still on: after a change,
    have it edited (in the same transaction). Meetings without a panel get none."""
    panels = PanelRepository(session)
    if await panels.get(meeting.id) is not None:
        await panels.mark_dirty(meeting.id, meeting.cell_id)


async def generate(session: AsyncSession, cell: Cell, row: MeetingRule, now: datetime) -> Generated:
    """Create the rule's occurrences within ``GENERATE_AHEAD`` not made yet.

    A slot (same start) that a meeting of the cell already holds is never duplicated: that
    meeting is taken as the occurrence (so cancelling it later does not bring one back).
    """
    kind = MeetingKind(row.meeting_kind)
    tz = CellInfo.of(cell).tz
    found = Rule.of(row).occurrences(kind, now, now + GENERATE_AHEAD, tz)
    repo = MeetingRepository(session)
    taken = await repo.occurrence_keys(cell.id, [key for key, _ in found])
    existing = await repo.in_range(cell.id, now, now + GENERATE_AHEAD + timedelta(days=1))
    by_start = {meeting.starts_at: meeting for meeting in existing}
    busy_days = {meeting.starts_at.astimezone(tz).date() for meeting in existing}
    created, already_there, same_day = 0, 0, []
    for key, moment in found:
        if key in taken:
            continue
        holder = by_start.get(moment)
        if holder is not None:
            if holder.occurrence_key is None:
                holder.occurrence_key, holder.rule_id, holder.detached = key, row.id, True
            already_there += 1
            continue
        if moment.astimezone(tz).date() in busy_days:
            same_day.append(moment)
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
    return Generated(created, already_there, tuple(same_day))


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
