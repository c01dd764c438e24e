"""Plain, immutable views of stored rows that the domain hands to handlers.

Handlers never touch ORM objects (no lazy loads outside a session, no accidental writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row

from storage.enums import MeetingKind, MeetingStatus, MemberState, PartyStatus, Role
from storage.models import Cell, Meeting, Member


@dataclass(frozen=True)
class CellInfo:
    id: int
    name: str
    timezone: str
    group_chat_id: int | None
    parent_committee: str | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, cell: Cell) -> CellInfo:
        return cls(cell.id, cell.name, cell.timezone, cell.group_chat_id, cell.parent_committee)


@dataclass(frozen=True)
class MemberInfo:
    id: int
    cell_id: int
    telegram_id: int | None
    full_name: str
    role: Role
    party_status: PartyStatus
    state: MemberState
    can_dm: bool

    @property
    def is_committee(self) -> bool:
        return self.state is MemberState.ACTIVE and self.role.is_committee

    @property
    def is_active(self) -> bool:
        return self.state is MemberState.ACTIVE

    @classmethod
    def of(cls, member: Member) -> MemberInfo:
        return cls(
            id=member.id,
            cell_id=member.cell_id,
            telegram_id=member.telegram_id,
            full_name=member.full_name,
            role=Role(member.role),
            party_status=PartyStatus(member.party_status),
            state=MemberState(member.state),
            can_dm=member.can_dm,
        )


@dataclass(frozen=True)
class Membership:
    """An active member together with their cell: who is acting, and where."""

    member: MemberInfo
    cell: CellInfo


# HD 42-HD/BTCTW (2025): at least 90 minutes, 120 for a combined sitting [S].
MIN_MINUTES: dict[MeetingKind, int] = {
    MeetingKind.REGULAR: 90,
    MeetingKind.THEMATIC: 90,
    MeetingKind.COMBINED: 120,
    MeetingKind.EXTRAORDINARY: 90,
}


@dataclass(frozen=True)
class MeetingInfo:
    """The one view of a meeting: what scheduling, attendance, comments and exports read."""

    id: int
    cell_id: int
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime
    duration_minutes: int
    place: str | None
    chair: str | None
    minute_taker: str | None
    agenda: str | None
    topic: str | None
    presenters: str | None
    materials: str | None
    preparation: str | None
    occurrence_key: str | None
    # The calendar file's SEQUENCE and LAST-MODIFIED; the sitting as held (for the minutes).
    ics_sequence: int = 0
    updated_at: datetime | None = None
    held_started_at: datetime | None = None
    held_ended_at: datetime | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED

    def is_over(self, now: datetime) -> bool:
        return now >= self.ends_at

    @property
    def is_thematic(self) -> bool:
        return self.kind in (MeetingKind.THEMATIC, MeetingKind.COMBINED)

    @property
    def too_short(self) -> bool:
        return self.duration_minutes < MIN_MINUTES[self.kind]

    def local_start(self, tz: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(tz)

    @classmethod
    def of(cls, meeting: Meeting | Row[Any]) -> MeetingInfo:
        """From the ORM object or a Core row with the meetings table's columns by name (the
        tap path reads rows: no ORM load, issue #13)."""
        return cls(
            id=meeting.id,
            cell_id=meeting.cell_id,
            kind=MeetingKind(meeting.kind),
            status=MeetingStatus(meeting.status),
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            place=meeting.place,
            chair=meeting.chair,
            minute_taker=meeting.minute_taker,
            agenda=meeting.agenda,
            topic=meeting.topic,
            presenters=meeting.presenters,
            materials=meeting.materials,
            preparation=meeting.preparation,
            occurrence_key=meeting.occurrence_key,
            ics_sequence=meeting.ics_sequence or 0,
            updated_at=meeting.updated_at,
            held_started_at=meeting.held_started_at,
            held_ended_at=meeting.held_ended_at,
        )
