"""Immutable views of meetings and rules that the domain hands to handlers and renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.meetings.recurrence import Rule
from storage.models import AttendanceAnswer, Meeting, MeetingKind, MeetingRule, MeetingStatus

# HD 42-HD/BTCTW (2025): at least 90 minutes, 120 for a combined sitting [S].
MIN_MINUTES: dict[MeetingKind, int] = {
    MeetingKind.REGULAR: 90,
    MeetingKind.THEMATIC: 90,
    MeetingKind.COMBINED: 120,
    MeetingKind.EXTRAORDINARY: 90,
}
DEFAULT_LEADS = (3 * 24 * 60, 24 * 60, 2 * 60)  # 3 days, 1 day, 2 hours before


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
    def of(cls, meeting: Meeting) -> MeetingInfo:
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
        )


@dataclass(frozen=True)
class MyMeeting:
    """A meeting as one member sees it: with their own answer."""

    meeting: MeetingInfo
    answer: AttendanceAnswer | None


@dataclass(frozen=True)
class RuleInfo:
    kind: MeetingKind
    rule: Rule
    duration_minutes: int
    place: str | None

    @classmethod
    def of(cls, row: MeetingRule) -> RuleInfo:
        return cls(MeetingKind(row.meeting_kind), Rule.of(row), row.duration_minutes, row.place)


@dataclass(frozen=True)
class CellSchedule:
    """What /caidat shows: the rules and the reminder lead times (minutes)."""

    rules: tuple[RuleInfo, ...]
    leads: tuple[int, ...]


@dataclass(frozen=True)
class MeetingChange:
    """The result of a create/edit/reschedule/cancel: the meeting and what to tell the actor."""

    meeting: MeetingInfo
    warnings: tuple[str, ...] = ()
    notified: int = 0  # members who will be told privately
