"""What every attendance action shares: the timing rules, the actor checks, and loading a
meeting's roll (the cell's members with their answers and actual attendance)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee
from bot.attendance.views import Roll, RollEntry, Tally
from bot.clock import Clock
from bot.errors import StaleAction
from bot.views import MeetingInfo, Membership
from storage.db import Database
from storage.models import (
    Attendance,
    AttendanceAnswer,
    Cell,
    Meeting,
    Member,
    MemberState,
    PartyStatus,
)
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository
from storage.repositories.panels import PanelRepository


def roll_entry(member: Member, row: Attendance | None, names: dict[int, str]) -> RollEntry:
    proxy = None
    if row is not None and row.answered_by_member_id not in (None, member.id):
        proxy = names.get(row.answered_by_member_id or 0, "chi ủy")
    return RollEntry(
        member_id=member.id,
        full_name=member.full_name,
        party_status=PartyStatus(member.party_status),
        active=member.state == MemberState.ACTIVE,
        has_telegram=member.telegram_id is not None,
        can_dm=member.can_dm,
        answer=AttendanceAnswer(row.answer) if row is not None and row.answer else None,
        reason_code=row.reason_code if row else None,
        reason_text=row.reason_text if row else None,
        answered_at=row.answered_at if row else None,
        proxy_name=proxy,
        present=row.present if row else None,
        absence_excused=row.absence_excused if row else None,
    )


async def load_roll(session: AsyncSession, meeting: Meeting, cell: Cell) -> Roll:
    repo = AttendanceRepository(session)
    members = await repo.roll_members(cell.id, meeting.id)
    names = {m.id: m.full_name for m in members}
    rows = {row.member_id: row for row in await repo.for_meeting(meeting.id)}
    missing = {r.answered_by_member_id for r in rows.values()} - set(names) - {None}
    for member_id in missing:
        other = await MemberRepository(session).get(member_id or 0)
        if other is not None:
            names[other.id] = other.full_name
    panel = await PanelRepository(session).get(meeting.id)
    return Roll(
        meeting=MeetingInfo.of(meeting),
        cell_name=cell.name,
        parent_committee=cell.parent_committee,
        timezone=cell.timezone,
        entries=tuple(roll_entry(m, rows.get(m.id), names) for m in members),
        checkin_open=panel is not None and panel.checkin_opened_at is not None,
    )


async def tally(session: AsyncSession, meeting: Meeting) -> Tally:
    """The answers of the cell's active members (those who left since do not count)."""
    cell = await CellRepository(session).get(meeting.cell_id)
    assert cell is not None
    roll = await load_roll(session, meeting, cell)
    active = Roll(
        roll.meeting,
        roll.cell_name,
        roll.parent_committee,
        roll.timezone,
        tuple(e for e in roll.entries if e.active),
        roll.checkin_open,
    )
    return active.tally


def entry_of(roll: Roll, member_id: int) -> RollEntry:
    return next(e for e in roll.entries if e.member_id == member_id)


class AttendanceBase:
    """The settings and checks the member-side and committee-side actions share."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        cutoff_before_start: timedelta = timedelta(0),
        checkin_early: timedelta = timedelta(hours=1),
        checkin_late: timedelta = timedelta(hours=1),
        nudge_gap: timedelta = timedelta(minutes=10),
    ) -> None:
        self.db = db
        self.clock = clock
        self.cutoff_before_start = cutoff_before_start
        self.checkin_early = checkin_early
        self.checkin_late = checkin_late
        self.nudge_gap = nudge_gap

    def cutoff(self, meeting: MeetingInfo | Meeting) -> datetime:
        return meeting.starts_at - self.cutoff_before_start

    async def _as_committee(
        self, session: AsyncSession, telegram_id: int, meeting_id: int, *, lock: bool = False
    ) -> tuple[Membership, Meeting, Cell]:
        actor = await require_committee(session, telegram_id)
        meeting = await AttendanceRepository(session).meeting(meeting_id, for_update=lock)
        if meeting is None or meeting.cell_id != actor.cell.id:
            raise StaleAction("meeting_gone")
        cell = await CellRepository(session).get(meeting.cell_id)
        assert cell is not None
        return actor, meeting, cell

    async def _target(self, session: AsyncSession, cell_id: int, member_id: int) -> Member:
        member = await MemberRepository(session).get(member_id)
        if member is None or member.cell_id != cell_id:
            raise StaleAction("member_gone")
        return member

    def _check_open(self, meeting: Meeting | MeetingInfo, now: datetime) -> None:
        """Members' answers and nudges: only before the cutoff of a meeting still on."""
        info = meeting if isinstance(meeting, MeetingInfo) else MeetingInfo.of(meeting)
        if info.cancelled:
            raise StaleAction("meeting_cancelled")
        if now >= self.cutoff(meeting):
            raise StaleAction("answers_closed")

    @staticmethod
    def _check_started(ref: MeetingInfo, now: datetime, *, early: timedelta) -> None:
        """Recording actual attendance: the meeting is on and (nearly) under way."""
        if ref.cancelled:
            raise StaleAction("meeting_cancelled")
        if now < ref.starts_at - early:
            raise StaleAction("not_started")
