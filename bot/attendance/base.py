"""A meeting's attendance base and counts: the one computation the minutes, the exports and
the statistics use.

The base follows QĐ 24-QĐ/TW (2021) point 9.3.2 as rules-digest §5 states it [S]: all full
members summoned, minus those temporarily attending elsewhere, exempted members who are
absent, and full members absent with a valid reason approved by the committee. (Suspended or
prosecuted members are not recorded by the bot.) HD 12's criterion [S]: attendance above 85%
of that base and no absence without reason. Members visiting from another cell attend here
but belong to their own cell's base (an assumption: no text on it was found [U]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.common import load_roll
from bot.attendance.views import Roll, RollEntry
from bot.members.statuses import statuses_on
from bot.texts import roster as tr
from bot.texts.common import fmt
from storage.enums import PartyStatus, StatusKind
from storage.models import Cell, Meeting

QUALITY_RATE = 0.85  # HD 12-HD/BTCTW (2018) [S]


@dataclass(frozen=True)
class MeetingBase:
    """The minutes' opening counts ("tổng số …, miễn …, sinh hoạt tạm thời …, có mặt …,
    vắng có lý do …, không có lý do …") and the QĐ 24 base with its HD 12 figure."""

    total: int  # the cell's members on the day (visiting members not included)
    full: int
    probationary: int
    exempted: int
    away: int  # sinh hoạt tạm thời ở nơi khác
    visiting: int  # from another cell, sinh hoạt tạm thời here
    present: int  # everyone present, visiting members included
    absent_excused: int  # exempted and away members are not counted as absent
    absent_unexcused: int
    not_recorded: int
    base: int  # QĐ 24 point 9.3.2
    base_present: int
    # Members not expected because of their status (away, visiting, exempted and absent):
    # per-member statistics leave these meetings out for them.
    not_expected: frozenset[int] = frozenset()

    @property
    def rate(self) -> float:
        return self.base_present / self.base if self.base else 0.0

    @property
    def hd12_met(self) -> bool:
        return hd12_verdict(self.base_present, self.base, self.absent_unexcused) is True


def hd12_verdict(
    present: int, base: int, absent_unexcused: int, *, complete: bool = True
) -> bool | None:
    """HD 12's criterion [S] on a meeting's figures: above 85% of the base present and nobody
    absent without reason; None while the record is not ``complete`` (not recorded, an
    absence not classified or an expected member left unmarked). The minutes, /thongke and
    the higher committee's overview all judge by this one function."""
    if not complete:
        return None
    rate = present / base if base else 0.0
    return rate > QUALITY_RATE and absent_unexcused == 0


def _excused(entry: RollEntry, status: StatusKind | None) -> bool:
    """A valid reason: marked so by the committee, or long leave."""
    return entry.absence_excused is True or status is StatusKind.LONG_LEAVE


def compute_base(entries: Sequence[RollEntry], statuses: Mapping[int, StatusKind]) -> MeetingBase:
    """The counts of one meeting from its roll and the members' statuses on its day."""
    counts = dict.fromkeys(
        ("total", "full", "probationary", "exempted", "away", "visiting", "present"), 0
    )
    counts |= dict.fromkeys(("excused", "unexcused", "unrecorded", "base", "base_present"), 0)
    not_expected: set[int] = set()
    for entry in entries:
        if not entry.active and entry.present is None:
            continue  # left the cell and not marked for this meeting
        status = statuses.get(entry.member_id)
        full = entry.party_status is PartyStatus.FULL
        present = entry.present is True
        counts["present"] += present
        if status is StatusKind.VISITING:
            counts["visiting"] += 1
            not_expected.add(entry.member_id)
            continue
        counts["total"] += 1
        counts["full" if full else "probationary"] += 1
        if status is StatusKind.AWAY:
            counts["away"] += 1
            not_expected.add(entry.member_id)
            continue
        exempt = status is not None and status.is_exemption
        counts["exempted"] += exempt
        if exempt and not present:
            not_expected.add(entry.member_id)
        if entry.present is False and not exempt:
            counts["excused" if _excused(entry, status) else "unexcused"] += 1
        elif entry.present is None and not exempt:
            counts["unrecorded"] += 1
        if not full or (exempt and not present):
            continue
        if entry.present is False and _excused(entry, status):
            continue
        counts["base"] += 1
        counts["base_present"] += present
    return MeetingBase(
        total=counts["total"],
        full=counts["full"],
        probationary=counts["probationary"],
        exempted=counts["exempted"],
        away=counts["away"],
        visiting=counts["visiting"],
        present=counts["present"],
        absent_excused=counts["excused"],
        absent_unexcused=counts["unexcused"],
        not_recorded=counts["unrecorded"],
        base=counts["base"],
        base_present=counts["base_present"],
        not_expected=frozenset(not_expected),
    )


async def base_of_roll(session: AsyncSession, roll: Roll) -> MeetingBase:
    """The counts of a loaded roll, with the statuses on the meeting's local day."""
    day = roll.meeting.local_start(ZoneInfo(roll.timezone)).date()
    return compute_base(roll.entries, await statuses_on(session, roll.meeting.cell_id, day))


async def meeting_base(session: AsyncSession, meeting: Meeting, cell: Cell) -> MeetingBase:
    """The counts of a stored meeting."""
    return await base_of_roll(session, await load_roll(session, meeting, cell))


def opening_line(counts: MeetingBase) -> str:
    """The minutes' opening: "tổng số …, miễn …, sinh hoạt tạm thời …, có mặt …, vắng …"."""
    line = fmt(
        tr.MINUTES_OPENING,
        total=counts.total,
        full=counts.full,
        probationary=counts.probationary,
        exempted=counts.exempted,
        away=counts.away,
        present=counts.present,
        excused=counts.absent_excused,
        unexcused=counts.absent_unexcused,
    )
    if counts.visiting:
        line += fmt(tr.MINUTES_VISITING, visiting=counts.visiting)
    return line
