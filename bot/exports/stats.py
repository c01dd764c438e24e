"""Attendance statistics: per cell and per member, by month, and each meeting against the
attendance criterion of Hướng dẫn 12-HD/BTCTW (2018): above 85% present and nobody absent
without reason. Only meetings whose actual attendance was recorded are counted."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.access import require_member
from bot.attendance.base import QUALITY_RATE, MeetingBase, base_of_roll, hd12_verdict
from bot.attendance.common import load_roll
from bot.attendance.views import Totals
from bot.clock import Clock
from bot.texts import exports as tx
from bot.views import CellInfo, MeetingInfo, MemberInfo
from storage.db import Database
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository


@dataclass(frozen=True)
class MeetingQuality:
    meeting: MeetingInfo
    totals: Totals
    recorded: bool
    counts: MeetingBase | None = None  # the QĐ 24 base (bot/attendance/base.py)

    @property
    def rate(self) -> float:
        return self.counts.rate if self.counts is not None else self.totals.rate

    @property
    def present(self) -> int:
        """Present members of the base (QĐ 24 point 9.3.2) the rate is on."""
        return self.counts.base_present if self.counts is not None else self.totals.present

    @property
    def expected(self) -> int:
        return self.counts.base if self.counts is not None else self.totals.members

    @property
    def rate_ok(self) -> bool:
        return self.rate > QUALITY_RATE

    @property
    def no_unexcused(self) -> bool:
        """On the base, as the minutes count it: a visitor's or an exempted member's absence
        is not this cell's "vắng không có lý do"."""
        counts = self.counts if self.counts is not None else self.totals
        return counts.absent_unexcused == 0

    @property
    def met(self) -> bool | None:
        """None while attendance is incomplete (not recorded or absences not classified)."""
        # Exempted or away members left unmarked do not make the record incomplete.
        unrecorded = self.counts.not_recorded if self.counts else self.totals.not_recorded
        complete = self.recorded and not self.totals.absent_unclassified and not unrecorded
        counts = self.counts if self.counts is not None else self.totals
        return hd12_verdict(self.present, self.expected, counts.absent_unexcused, complete=complete)


@dataclass(frozen=True)
class MonthRate:
    month: int
    present: int
    expected: int

    @property
    def rate(self) -> float:
        return self.present / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class MemberLine:
    member_id: int
    full_name: str
    present: int
    expected: int
    unexcused_months: tuple[int, ...]


@dataclass(frozen=True)
class YearStats:
    cell: CellInfo
    year: int
    viewer: MemberInfo
    months: tuple[MonthRate, ...]  # the whole cell, or only the viewer for ordinary members
    meetings: tuple[MeetingQuality, ...]
    members: tuple[MemberLine, ...]  # committee: everyone; a member: themself only


class StatsService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def year(self, telegram_id: int, year: int | None = None) -> YearStats:
        async with self.db.session() as session:
            actor = await require_member(session, telegram_id)
            tz = actor.cell.tz
            year = year or self.clock.now().astimezone(tz).year
            cell = await CellRepository(session).get(actor.cell.id)
            assert cell is not None
            meetings = await AttendanceRepository(session).meetings_between(
                cell.id, datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
            )
            now = self.clock.now()
            qualities: list[MeetingQuality] = []
            cell_months: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            people: dict[int, MemberLine] = {}
            own_months: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for meeting in meetings:
                ref = MeetingInfo.of(meeting)
                if not ref.is_over(now):
                    continue
                roll = await load_roll(session, meeting, cell)
                month = ref.starts_at.astimezone(tz).month
                base = await base_of_roll(session, roll)
                qualities.append(MeetingQuality(ref, roll.totals, roll.attendance_taken, base))
                if not roll.attendance_taken:
                    continue
                cell_months[month][0] += base.base_present
                cell_months[month][1] += base.base
                for entry in roll.entries:
                    if entry.member_id in base.not_expected:
                        continue  # exempted and absent, or attending elsewhere
                    line = people.get(entry.member_id) or MemberLine(
                        entry.member_id, entry.full_name, 0, 0, ()
                    )
                    unexcused = line.unexcused_months
                    if entry.present is False and entry.absence_excused is False:
                        unexcused = tuple(sorted({*unexcused, month}))
                    people[entry.member_id] = MemberLine(
                        line.member_id,
                        line.full_name,
                        line.present + (entry.present is True),
                        line.expected + 1,
                        unexcused,
                    )
                    if entry.member_id == actor.member.id:
                        own_months[month][0] += entry.present is True
                        own_months[month][1] += 1
            committee = actor.member.is_committee
            counts = cell_months if committee else own_months
            months = tuple(MonthRate(m, p, e) for m, (p, e) in sorted(counts.items()))
            if committee:
                lines = tuple(sorted(people.values(), key=lambda p: p.full_name))
            else:
                own = people.get(actor.member.id)
                lines = (own,) if own else ()
            return YearStats(actor.cell, year, actor.member, months, tuple(qualities), lines)


def draw_quality_line(axes: Any) -> None:
    """The HD 12 criterion as a dashed line, labelled where it starts (above the line)."""
    level = QUALITY_RATE * 100
    axes.axhline(level, color="#555555", linestyle="--", linewidth=1)
    axes.annotate(
        tx.CHART_QUALITY_LINE.format(rate=round(level)),
        xy=(0, level),
        xycoords=("axes fraction", "data"),
        xytext=(2, 2),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=8,
        color="#555555",
    )


def chart_png(stats: YearStats, title: str) -> bytes | None:
    """A bar chart of the monthly attendance rate (matplotlib, Agg; imported lazily)."""
    if not stats.months:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        labels = [f"T{m.month}" for m in stats.months]
        values = [round(m.rate * 100, 1) for m in stats.months]
        bars = axes.bar(labels, values, color="#b22222")
        draw_quality_line(axes)
        axes.set_ylim(0, 100)
        axes.set_ylabel("%")
        axes.set_title(title)
        for bar, value in zip(bars, values, strict=True):
            axes.annotate(
                f"{value:.0f}%",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=9,
            )
        out = io.BytesIO()
        figure.tight_layout()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)
