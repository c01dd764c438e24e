"""The higher committee's overview: per cell and month, from per-meeting aggregates.

The database counts (storage/repositories/orgs.py, one row per meeting); this module only
sorts those rows into cells and months, so no attendance row, name or reason is ever loaded.

- *Regular meeting*: a regular or combined meeting of the month, not cancelled, that is over
  (``held``); one still ahead is ``upcoming``; none at all is ``missing`` (the cell is flagged).
- *Thematic session in the quarter*: the same for thematic or combined meetings in the
  month's quarter (at least once a quarter, HD 12 [S]).
- *Attendance*: on the base of QĐ 24-QĐ/TW point 9.3.2 (rules-digest §5 [S]), counted exactly
  as the minutes and ``/thongke`` count it (bot/attendance/base.py; the SQL twin is
  ``OverviewRepository.meeting_totals``): full members, less those attending elsewhere (away),
  exempted members who are absent, and those absent with a valid reason (marked so, or on long
  leave); members visiting from another cell are not in it. Each member's status is the one
  in effect on the meeting's local day in the cell's time zone, which the database works out
  as well (storage/functions.py ``local_date``: PostgreSQL's own zone rules; on SQLite a
  function each connection registers), so still one query per overview. The month's rate is the
  present members of the base over the base, summed over its held regular meetings whose
  attendance was recorded (as ``/thongke``'s monthly rate sums them).
- *Absences without reason*: the minutes' "vắng không có lý do" of those meetings: absent
  members of the cell not exempted, away or visiting, without a valid reason.
- *HD 12 criterion* (HD 12-HD/BTCTW 2018 [S]; whether HD 42 keeps it is unverified): judged
  per meeting as ``/thongke`` judges it (``MeetingQuality.met``): above 85% of the base present
  and no absence without reason; unknown while an absence is not yet classified or an
  expected member is left unmarked. The month meets it when every such meeting does; it fails
  when one fails; unknown while nothing was recorded.
- *Agenda ≥ 1 day ahead*: every held regular meeting's agenda went out through the bot at
  least a day before it began (HD 42 [S] asks for the documents 01 day ahead).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.base import hd12_verdict
from bot.meetings.reminders import REGULAR_LIKE, THEMATIC_LIKE, month_range, quarter_range
from bot.orgs.months import Month
from bot.orgs.roles import scope_of
from bot.orgs.views import RoleInfo
from storage.models import Org, OrgRoleHolder
from storage.repositories.orgs import CellRef, MeetingTotals, OverviewRepository

AGENDA_AHEAD = timedelta(days=1)


class Held(enum.StrEnum):
    HELD = "held"
    UPCOMING = "upcoming"
    MISSING = "missing"


@dataclass(frozen=True)
class CellMonth:
    cell_id: int
    cell_name: str
    year: int
    month: int
    regular: Held
    regular_day: date | None  # the (first) regular meeting's local date
    thematic: Held  # in the month's quarter
    recorded: int  # held regular meetings whose attendance was recorded
    base: int  # their QĐ 24 base, summed
    present: int  # present members of that base
    absent_unexcused: int
    absent_unclassified: int
    hd12_met: bool | None  # None: not recorded yet, or not complete
    agenda_ahead: bool | None  # None: no regular meeting held yet

    @property
    def rate(self) -> float | None:
        return self.present / self.base if self.base else None

    @property
    def flagged(self) -> bool:
        return self.regular is Held.MISSING


@dataclass(frozen=True)
class Overview:
    role: RoleInfo
    year: int
    month: int
    cells: tuple[CellRef, ...]
    lines: tuple[CellMonth, ...]  # the cells × months asked for, cell by cell, month by month

    def of_month(self, year: int, month: int) -> tuple[CellMonth, ...]:
        return tuple(line for line in self.lines if (line.year, line.month) == (year, month))

    @property
    def current(self) -> tuple[CellMonth, ...]:
        return self.of_month(self.year, self.month)


def months_up_to(year: int, month: int, count: int) -> list[Month]:
    """``count`` months ending with (year, month), oldest first."""
    found: list[Month] = []
    y, m = year, month
    for _ in range(count):
        found.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return found[::-1]


def _quarter(month: int) -> int:
    return (month - 1) // 3 + 1


def _status(meetings: Sequence[MeetingTotals], now: datetime) -> Held:
    if any(_over(m, now) for m in meetings):
        return Held.HELD
    return Held.UPCOMING if meetings else Held.MISSING


def _over(meeting: MeetingTotals, now: datetime) -> bool:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes) <= now


def meeting_hd12(meeting: MeetingTotals) -> bool | None:
    """One meeting against the HD 12 criterion, as ``/thongke`` judges it
    (bot/exports/stats.py ``MeetingQuality.met``): unknown while attendance is not recorded,
    an absence is not classified or an expected member is left unmarked."""
    complete = bool(meeting.recorded) and not meeting.absent_unclassified
    complete = complete and not meeting.not_recorded
    return hd12_verdict(meeting.present, meeting.base, meeting.absent_unexcused, complete=complete)


def month_hd12(meetings: Sequence[MeetingTotals]) -> bool | None:
    """The month's verdict from its recorded meetings': one failing fails it, all meeting it
    meet it, otherwise (nothing recorded, or one not complete) it is unknown."""
    verdicts = [meeting_hd12(m) for m in meetings]
    if False in verdicts:
        return False
    return True if verdicts and all(verdicts) else None


def cell_months(
    cells: Sequence[CellRef],
    totals: Sequence[MeetingTotals],
    months: Sequence[Month],
    now: datetime,
) -> list[CellMonth]:
    """Sort per-meeting totals into one line per cell and month (pure: unit-tested)."""
    by_cell: dict[int, list[tuple[date, MeetingTotals]]] = {}
    zones = {cell.id: ZoneInfo(cell.timezone) for cell in cells}
    for row in totals:
        tz = zones.get(row.cell_id)
        if tz is not None:
            by_cell.setdefault(row.cell_id, []).append((row.starts_at.astimezone(tz).date(), row))
    lines: list[CellMonth] = []
    for cell in cells:
        rows = by_cell.get(cell.id, [])
        for year, month in months:
            start, end = month_range(year, month)
            q_start, q_end = quarter_range(year, _quarter(month))
            regular = [m for day, m in rows if start <= day < end and m.kind in REGULAR_LIKE]
            thematic = [m for day, m in rows if q_start <= day < q_end and m.kind in THEMATIC_LIKE]
            held = [m for m in regular if _over(m, now)]
            recorded = [m for m in held if m.recorded]
            first = min(regular, key=lambda m: m.starts_at) if regular else None
            lines.append(
                CellMonth(
                    cell_id=cell.id,
                    cell_name=cell.name,
                    year=year,
                    month=month,
                    regular=_status(regular, now),
                    regular_day=first.starts_at.astimezone(zones[cell.id]).date()
                    if first
                    else None,
                    thematic=_status(thematic, now),
                    recorded=len(recorded),
                    base=sum(m.base for m in recorded),
                    present=sum(m.present for m in recorded),
                    absent_unexcused=sum(m.absent_unexcused for m in recorded),
                    absent_unclassified=sum(m.absent_unclassified for m in recorded),
                    hd12_met=month_hd12(recorded),
                    agenda_ahead=all(
                        m.agenda_sent_at is not None
                        and m.agenda_sent_at <= m.starts_at - AGENDA_AHEAD
                        for m in held
                    )
                    if held
                    else None,
                )
            )
    return lines


async def build_overview(
    session: AsyncSession,
    holder: OrgRoleHolder,
    org: Org,
    months: Sequence[Month],
    now: datetime,
) -> Overview:
    """The overview of a role's cells over ``months`` (the last one is the month shown)."""
    scope = await scope_of(session, holder)
    repo = OverviewRepository(session)
    cells = await repo.cells(scope)
    first_year, first_month = months[0]
    last_year, last_month = months[-1]
    start = quarter_range(first_year, _quarter(first_month))[0]
    end = quarter_range(last_year, _quarter(last_month))[1]
    # A day of margin each side: cells may keep another time zone than UTC.
    since = datetime.combine(start - timedelta(days=1), datetime.min.time(), ZoneInfo("UTC"))
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), ZoneInfo("UTC"))
    totals = await repo.meeting_totals(scope, since, until) if cells else []
    return Overview(
        RoleInfo.of(holder, org),
        last_year,
        last_month,
        tuple(cells),
        tuple(cell_months(cells, totals, months, now)),
    )
