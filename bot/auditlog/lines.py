"""Audit entries as lines a person reads: when (in the cell's time zone), who, what, about
whom and which meeting. Names are looked up now, so an erased member reads as erased."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import auditlog as tl
from bot.texts.attendance import day
from storage.models import AuditEntry
from storage.repositories.audit import AuditRepository


@dataclass(frozen=True)
class LogLine:
    at: datetime  # aware, in the cell's time zone
    who: str
    what: str
    about: str  # the member the action was about, or ""
    meeting: str  # "buổi 05/12/2026", or ""


def meeting_label(starts_at: datetime, tz: ZoneInfo) -> str:
    return tl.MEETING.format(day=day(starts_at, tz))


async def log_lines(
    session: AsyncSession, entries: Sequence[AuditEntry], tz: ZoneInfo
) -> list[LogLine]:
    audit = AuditRepository(session)
    people = {e.actor_member_id for e in entries} | {e.target_member_id for e in entries}
    names = await audit.member_names({p for p in people if p is not None})
    meetings = await audit.meeting_starts({e.meeting_id for e in entries if e.meeting_id})
    lines = []
    for entry in entries:
        actor, target = entry.actor_member_id, entry.target_member_id
        if actor is None and target is not None:  # e.g. a join request: the person asked
            actor, target = target, None
        who = names.get(actor, tl.SYSTEM) if actor is not None else tl.SYSTEM
        about = names.get(target, "") if target not in (None, actor) else ""
        starts = meetings.get(entry.meeting_id) if entry.meeting_id else None
        lines.append(
            LogLine(
                entry.created_at.astimezone(tz),
                who,
                tl.action_text(entry.action, entry.details or {}),
                about,
                meeting_label(starts, tz) if starts else "",
            )
        )
    return lines


async def journal_between(
    session: AsyncSession, cell_id: int, tz: ZoneInfo, since: datetime, until: datetime
) -> list[LogLine]:
    """The "Nhật ký" sheet of a period's export, oldest first."""
    entries = await AuditRepository(session).between(cell_id, since, until)
    return await log_lines(session, entries, tz)


async def journal_of_meeting(session: AsyncSession, meeting_id: int, tz: ZoneInfo) -> list[LogLine]:
    """The "Nhật ký" sheet of one meeting's export: every entry about it, oldest first."""
    return await log_lines(session, await AuditRepository(session).for_meeting(meeting_id), tz)
