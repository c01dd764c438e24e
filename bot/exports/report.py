"""What the exports show about one meeting, and the rows of the attendance table that the
CSV file and the workbook share (kept apart from the service so the writers need no cycle)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.attendance.base import MeetingBase
from bot.attendance.views import CommentInfo, Roll, RollEntry
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import exports as tx


@dataclass(frozen=True)
class MeetingReport:
    """Everything the exports show about one meeting; a comment's author is None where the
    author asked to hide their name."""

    roll: Roll
    comments: tuple[CommentInfo, ...]
    agenda: str | None = None  # the agenda as sent to members (the broadcast), if it was
    checkin_at: datetime | None = None  # when check-in was opened
    counts: MeetingBase | None = None  # the QĐ 24 base and the minutes' opening counts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.roll.timezone)

    @property
    def rate(self) -> float:
        """The HD 12 attendance figure, on the QĐ 24 base when it was computed."""
        return self.counts.rate if self.counts is not None else self.roll.totals.rate

    @property
    def local_start(self) -> datetime:
        return self.roll.meeting.starts_at.astimezone(self.tz)


def answer_text(entry: RollEntry) -> str:
    return tx.ANSWERS[entry.answer]


def actual_text(entry: RollEntry) -> tuple[str, str]:
    if entry.present is True:
        return tx.PRESENT, ""
    if entry.present is False:
        kind = {True: tx.EXCUSED, False: tx.UNEXCUSED, None: tx.UNCLASSIFIED}[entry.absence_excused]
        return tx.ABSENT, kind
    return tx.NOT_RECORDED, ""


def attendance_rows(reports: tuple[MeetingReport, ...]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for report in reports:
        day = report.local_start.strftime("%d/%m/%Y")
        kind = tc.KIND_NAMES[report.roll.meeting.kind]
        for index, entry in enumerate(report.roll.entries, start=1):
            actual, excused = actual_text(entry)
            reason = (
                ta.reason_label(entry.reason_code, entry.reason_text)
                if entry.answer is not None and entry.answer.value == "no"
                else ""
            )
            rows.append(
                [
                    day,
                    kind,
                    index,
                    entry.full_name,
                    "Dự bị" if entry.party_status.value == "du_bi" else "Chính thức",
                    answer_text(entry),
                    reason,
                    entry.proxy_name or "",
                    actual,
                    excused,
                ]
            )
    return rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str | int) -> str | int:
    """A text a spreadsheet would read as a formula gets a leading quote (OWASP, "CSV
    injection"): names, reasons and comments are typed by members."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(reports: tuple[MeetingReport, ...]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters right; every
    cell quoted and none starting like a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(tx.ATTENDANCE_HEADERS)
    writer.writerows([csv_cell(value) for value in row] for row in attendance_rows(reports))
    return buffer.getvalue().encode("utf-8-sig")
