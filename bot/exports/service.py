"""Exports for the secretary: attendance and comments of a meeting or a period, as an .xlsx
workbook, a CSV file and a draft biên bản (.docx). Used by /xuat and ``chibo export``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee
from bot.attendance.common import load_roll
from bot.attendance.views import CommentInfo, Roll, RollEntry
from bot.clock import Clock
from bot.comments import comment_info
from bot.delivery.outgoing import Attachment
from bot.errors import InvalidInput, StaleAction
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import exports as tx
from storage.db import Database
from storage.models import Cell, Meeting
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository
from storage.repositories.comments import CommentRepository
from storage.repositories.members import MemberRepository

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class MeetingReport:
    """Everything the exports show about one meeting (names always visible: committee only)."""

    roll: Roll
    comments: tuple[CommentInfo, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.roll.timezone)

    @property
    def local_start(self) -> datetime:
        return self.roll.meeting.starts_at.astimezone(self.tz)


@dataclass(frozen=True)
class ExportBundle:
    label: str  # "ngày 05/12/2026" or "từ 01/01/2026 đến 31/12/2026"
    reports: tuple[MeetingReport, ...]
    files: tuple[Attachment, ...]


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


def write_csv(reports: tuple[MeetingReport, ...]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(tx.ATTENDANCE_HEADERS)
    writer.writerows(attendance_rows(reports))
    return buffer.getvalue().encode("utf-8-sig")


def _file_day(report: MeetingReport) -> str:
    return report.local_start.strftime("%Y-%m-%d")


async def build_report(session: AsyncSession, meeting: Meeting, cell: Cell) -> MeetingReport:
    roll = await load_roll(session, meeting, cell)
    members = MemberRepository(session)
    comments = []
    for comment in await CommentRepository(session).for_meeting(meeting.id):
        author = await members.get(comment.member_id)
        comments.append(comment_info(comment, author, show_name=True, own=False))
    return MeetingReport(roll, tuple(comments))


def bundle(label: str, reports: tuple[MeetingReport, ...], stem: str) -> ExportBundle:
    from bot.exports.minutes_docx import write_minutes
    from bot.exports.xlsx import write_workbook

    files = [
        Attachment(f"tham-du-{stem}.xlsx", write_workbook(reports)),
        Attachment(f"tham-du-{stem}.csv", write_csv(reports)),
    ]
    files += [
        Attachment(f"bien-ban-nhap-{_file_day(r)}-{r.roll.meeting.id}.docx", write_minutes(r))
        for r in reports
    ]
    return ExportBundle(label, reports, tuple(files))


def parse_day(text: str) -> date:
    """dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd."""
    raw = text.strip().replace("-", "/").replace(".", "/")
    parts = raw.split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise InvalidInput("bad_period")


class ExportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def meeting(self, cell_id: int, meeting_id: int) -> ExportBundle:
        async with self.db.session() as session:
            cell = await CellRepository(session).get(cell_id)
            meeting = await AttendanceRepository(session).meeting(meeting_id)
            if cell is None or meeting is None or meeting.cell_id != cell.id:
                raise StaleAction("meeting_gone")
            report = await build_report(session, meeting, cell)
        label = f"ngày {report.local_start:%d/%m/%Y}"
        return bundle(label, (report,), f"{_file_day(report)}-{meeting_id}")

    async def period(self, cell_id: int, start: date, end: date) -> ExportBundle:
        if end < start or (end - start).days > MAX_PERIOD_DAYS:
            raise InvalidInput("bad_period")
        async with self.db.session() as session:
            cell = await CellRepository(session).get(cell_id)
            if cell is None:
                raise StaleAction("meeting_gone")
            tz = ZoneInfo(cell.timezone)
            since = datetime.combine(start, time(0), tz)
            until = datetime.combine(end + timedelta(days=1), time(0), tz)
            meetings = await AttendanceRepository(session).meetings_between(cell.id, since, until)
            reports = tuple([await build_report(session, m, cell) for m in meetings])
        label = tx.PERIOD.format(start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")
        return bundle(label, reports, f"{start:%Y%m%d}-{end:%Y%m%d}")

    async def cell_of_committee(self, actor_telegram_id: int) -> int:
        async with self.db.session() as session:
            return (await require_committee(session, actor_telegram_id)).cell.id
