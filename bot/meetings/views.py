"""Immutable views of meetings and rules that the domain hands to handlers and renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.meetings.recurrence import Rule
from bot.views import MeetingInfo
from storage.models import AttendanceAnswer, MeetingKind, MeetingRule

DEFAULT_LEADS = (3 * 24 * 60, 24 * 60, 2 * 60)  # 3 days, 1 day, 2 hours before


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


@dataclass(frozen=True)
class RegularSuggestion:
    """What /taolich offers at once: the month whose regular meeting is still to schedule,
    the dates the cell's rule gives for it, and the place to assume (rule's, else last one's).
    No dates when this month's and next month's are both scheduled: ``scheduled`` is then
    the next regular meeting."""

    year: int
    month: int
    starts: tuple[datetime, ...]
    place: str | None
    scheduled: datetime | None = None
