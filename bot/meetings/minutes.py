"""What the minutes (biên bản) need that the schedule does not hold: the chair and the
minute-taker, the place, when the sitting really began and when the committee tapped "kết
thúc" — all chosen in chat by the committee, stored on the meeting and audited.

The length runs from the sitting's start (the time the committee typed, else the moment
check-in was opened) to the "kết thúc" tap; under HD 42's minimum it is flagged [S].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee
from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.meetings.dateparse import parse_time_of_day
from bot.meetings.drafts import clean_text
from bot.views import MIN_MINUTES, CellInfo, MeetingInfo, Membership
from storage.db import Database
from storage.models import Meeting, MeetingStatus, MemberState
from storage.repositories.audit import AuditRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository
from storage.repositories.panels import PanelRepository

PEOPLE = ("chair", "minute_taker")
TYPED = (*PEOPLE, "place")
MAX_KEY = 2**31 - 1
EARLIEST_START = timedelta(hours=1)  # a sitting may begin up to an hour before its time


@dataclass(frozen=True)
class SittingTimes:
    """When the sitting began and ended, and its length in minutes (when both are known)."""

    started_at: datetime | None
    ended_at: datetime | None
    start_from_checkin: bool  # the start is the moment check-in was opened (none was typed)

    @property
    def minutes(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.started_at).total_seconds() // 60))


def sitting_times(meeting: MeetingInfo, checkin_at: datetime | None) -> SittingTimes:
    start = meeting.held_started_at or checkin_at
    return SittingTimes(start, meeting.held_ended_at, meeting.held_started_at is None)


def too_short(meeting: MeetingInfo, times: SittingTimes) -> bool:
    """Under HD 42-HD/BTCTW (2025)'s minimum: 90 minutes, 120 for a combined sitting [S]."""
    return times.minutes is not None and times.minutes < MIN_MINUTES[meeting.kind]


@dataclass(frozen=True)
class MinutesDetails:
    meeting: MeetingInfo
    cell: CellInfo
    times: SittingTimes
    committee: tuple[tuple[int, str], ...]  # (member id, name): the chair and taker to offer
    already_ended: bool = False

    @property
    def too_short(self) -> bool:
        return too_short(self.meeting, self.times)


class MinutesService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def details(self, actor: int, meeting_id: int) -> MinutesDetails:
        async with self.db.session() as session:
            who, meeting = await self._meeting(session, actor, meeting_id)
            return await self._details(session, who, meeting)

    async def set_person(
        self, actor: int, meeting_id: int, field: str, member_id: int
    ) -> MinutesDetails:
        """The chair or minute-taker picked from the cell's members (their full name)."""
        if field not in PEOPLE:
            raise StaleAction("meeting_gone")
        async with self.db.session() as session:
            who, meeting = await self._meeting(session, actor, meeting_id)
            member = (
                await MemberRepository(session).get(member_id) if member_id <= MAX_KEY else None
            )
            if (
                member is None
                or member.cell_id != who.cell.id
                or member.state != MemberState.ACTIVE
            ):
                raise StaleAction("member_gone")
            return await self._set(session, who, meeting, field, member.full_name)

    async def set_text(self, actor: int, meeting_id: int, field: str, raw: str) -> MinutesDetails:
        """The chair, minute-taker (a guest, say) or place, as typed."""
        if field not in TYPED:
            raise StaleAction("meeting_gone")
        async with self.db.session() as session:
            who, meeting = await self._meeting(session, actor, meeting_id)
            return await self._set(session, who, meeting, field, clean_text(field, raw))

    async def set_start(self, actor: int, meeting_id: int, raw: str) -> MinutesDetails:
        """The time the sitting really began ("14h05"), on the meeting's own day."""
        now = self.clock.now()
        async with self.db.session() as session:
            who, meeting = await self._meeting(session, actor, meeting_id)
            day = meeting.starts_at.astimezone(who.cell.tz).date()
            moment = datetime.combine(day, parse_time_of_day(raw), who.cell.tz)
            if moment > now:
                raise InvalidInput("minutes_start_ahead")
            if meeting.held_ended_at is not None and moment >= meeting.held_ended_at:
                raise InvalidInput("minutes_start_after_end")
            old, meeting.held_started_at = meeting.held_started_at, moment
            await self._audit(session, who, meeting, "held_started_at", old, moment)
            return await self._details(session, who, meeting)

    async def finish(self, actor: int, meeting_id: int) -> MinutesDetails:
        """The committee's "kết thúc" tap: the end of the sitting. The first tap counts (a
        double tap or a late one changes nothing)."""
        now = self.clock.now()
        async with self.db.session() as session:
            who, meeting = await self._meeting(session, actor, meeting_id)
            if meeting.held_ended_at is not None:
                details = await self._details(session, who, meeting)
                return MinutesDetails(
                    details.meeting, details.cell, details.times, details.committee, True
                )
            if now < meeting.starts_at - EARLIEST_START:
                raise InvalidInput("minutes_not_started")
            meeting.held_ended_at = now
            await self._audit(session, who, meeting, "held_ended_at", None, now)
            return await self._details(session, who, meeting)

    # --- internals -----------------------------------------------------------------------
    async def _meeting(
        self, session: AsyncSession, actor: int, meeting_id: int
    ) -> tuple[Membership, Meeting]:
        who = await require_committee(session, actor)
        meeting = (
            await MeetingRepository(session).get(meeting_id, for_update=True)
            if 0 < meeting_id <= MAX_KEY
            else None
        )
        if meeting is None or meeting.cell_id != who.cell.id:
            raise StaleAction("meeting_gone")
        if meeting.status == MeetingStatus.CANCELLED:
            raise StaleAction("meeting_gone")
        return who, meeting

    async def _set(
        self, session: AsyncSession, who: Membership, meeting: Meeting, field: str, value: str
    ) -> MinutesDetails:
        old = getattr(meeting, field)
        setattr(meeting, field, value)
        await self._audit(session, who, meeting, field, old, value)
        return await self._details(session, who, meeting)

    @staticmethod
    async def _audit(
        session: AsyncSession,
        who: Membership,
        meeting: Meeting,
        field: str,
        old: object,
        new: object,
    ) -> None:
        await session.flush()

        def plain(value: object) -> object:
            return value.isoformat() if isinstance(value, datetime) else value

        await AuditRepository(session).record(
            who.cell.id,
            "minutes_detail_set",
            actor_member_id=who.member.id,
            meeting_id=meeting.id,
            details={"field": field, "old": plain(old), "new": plain(new)},
        )

    @staticmethod
    async def _details(session: AsyncSession, who: Membership, meeting: Meeting) -> MinutesDetails:
        panel = await PanelRepository(session).get(meeting.id)
        info = MeetingInfo.of(meeting)
        times = sitting_times(info, panel.checkin_opened_at if panel else None)
        committee = await MemberRepository(session).committee(who.cell.id)
        people = tuple((m.id, m.full_name) for m in committee)
        return MinutesDetails(info, who.cell, times, people)
