"""The higher committee's overview: per cell and month, from per-meeting aggregates.

The database counts (storage/repositories/orgs.py, one row per meeting); this module only
sorts those rows into cells and months, so no attendance row, name or reason is ever loaded.

- *Regular meeting*: a regular or combined meeting of the month, not cancelled, that is over
  (``held``); one still ahead is ``upcoming``; none at all is ``missing`` (the cell is flagged).
- *Thematic session in the quarter*: the same for thematic or combined meetings in the
  month's quarter (at least once a quarter, HD 12 [S]).
- *Attendance*: present / recorded over the month's held regular meetings.
- *HD 12 criterion* (HD 12-HD/BTCTW 2018 [S]; whether HD 42 keeps it is unverified): above
  85% present and nobody absent without reason; unknown while nothing was recorded or an
  absence is not yet classified.
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

from bot.meetings.reminders import REGULAR_LIKE, THEMATIC_LIKE, month_range, quarter_range
from bot.orgs.months import Month
from bot.orgs.roles import scope_of
from bot.orgs.views import RoleInfo
from storage.models import Org, OrgRoleHolder
from storage.repositories.orgs import CellRef, MeetingTotals, OverviewRepository

HD12_RATE = 0.85  # "trên 85%": strictly above
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
    recorded: int
    present: int
    absent_unexcused: int
    absent_unclassified: int
    agenda_ahead: bool | None  # None: no regular meeting held yet

    @property
    def rate(self) -> float | None:
        return self.present / self.recorded if self.recorded else None

    @property
    def hd12_met(self) -> bool | None:
        rate = self.rate
        if rate is None or self.absent_unclassified:
            return None
        return rate > HD12_RATE and self.absent_unexcused == 0

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
                    recorded=sum(m.recorded for m in held),
                    present=sum(m.present for m in held),
                    absent_unexcused=sum(m.absent_unexcused for m in held),
                    absent_unclassified=sum(m.absent_unclassified for m in held),
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
