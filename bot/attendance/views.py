"""Immutable views for attendance, roll calls and comments (handlers never see ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.views import MeetingInfo
from storage.models import AttendanceAnswer, PartyStatus

REASON_CODES: tuple[str, ...] = ("om", "ct", "gd", "khac")


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    maybe: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.maybe + self.unanswered


@dataclass(frozen=True)
class RollEntry:
    """One member's line in the secretary's roll for a meeting."""

    member_id: int
    full_name: str
    party_status: PartyStatus
    active: bool
    has_telegram: bool
    can_dm: bool
    answer: AttendanceAnswer | None
    reason_code: str | None
    reason_text: str | None
    answered_at: datetime | None
    proxy_name: str | None  # set when the committee answered for the member
    present: bool | None
    absence_excused: bool | None


@dataclass(frozen=True)
class Totals:
    """The counts a biên bản opens with."""

    members: int
    full: int
    probationary: int
    present: int
    absent_excused: int
    absent_unexcused: int
    absent_unclassified: int
    not_recorded: int

    @property
    def absent(self) -> int:
        return self.absent_excused + self.absent_unexcused + self.absent_unclassified

    @property
    def rate(self) -> float:
        return self.present / self.members if self.members else 0.0


@dataclass(frozen=True)
class Roll:
    meeting: MeetingInfo
    cell_name: str
    parent_committee: str | None
    timezone: str
    entries: tuple[RollEntry, ...]
    checkin_open: bool

    def with_answer(self, answer: AttendanceAnswer | None) -> tuple[RollEntry, ...]:
        return tuple(e for e in self.entries if e.answer == answer)

    @property
    def tally(self) -> Tally:
        return Tally(
            yes=len(self.with_answer(AttendanceAnswer.YES)),
            no=len(self.with_answer(AttendanceAnswer.NO)),
            maybe=len(self.with_answer(AttendanceAnswer.MAYBE)),
            unanswered=len(self.with_answer(None)),
        )

    @property
    def attendance_taken(self) -> bool:
        return any(e.present is not None for e in self.entries)

    @property
    def totals(self) -> Totals:
        entries = self.entries
        absent = [e for e in entries if e.present is False]
        return Totals(
            members=len(entries),
            full=sum(e.party_status is PartyStatus.FULL for e in entries),
            probationary=sum(e.party_status is PartyStatus.PROBATIONARY for e in entries),
            present=sum(e.present is True for e in entries),
            absent_excused=sum(e.absence_excused is True for e in absent),
            absent_unexcused=sum(e.absence_excused is False for e in absent),
            absent_unclassified=sum(e.absence_excused is None for e in absent),
            not_recorded=sum(e.present is None for e in entries),
        )


@dataclass(frozen=True)
class CommentInfo:
    id: int
    meeting_id: int
    member_id: int
    author_name: str | None  # None when hidden from this viewer
    text: str
    hide_name: bool
    created_at: datetime
    updated_at: datetime
    withdrawn: bool
    own: bool
