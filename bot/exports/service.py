"""Exports for the secretary: attendance and comments of a meeting or a period, as an .xlsx
workbook, a CSV file and a draft biên bản (.docx). Used by /xuat and ``chibo export``.

The files are written off the event loop (a period's workbook and minutes take a good part of a
second, and taps must not wait for them). openpyxl and python-docx are imported on the first
export, not at start: together they hold about 35 MB that a bot which never exports (or not
yet) does not need; ``tests/ops/test_start_memory.py`` keeps them out of the start-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee
from bot.attendance.base import base_of_roll
from bot.attendance.common import load_roll
from bot.auditlog.lines import LogLine, journal_between, journal_of_meeting
from bot.broadcast.agenda import plain_copy
from bot.clock import Clock
from bot.comments import comment_info
from bot.delivery.outgoing import Attachment
from bot.errors import InvalidInput, StaleAction
from bot.exports.report import MeetingReport, write_csv
from bot.texts import exports as tx
from bot.views import MeetingInfo
from storage.db import Database
from storage.models import Cell, Meeting
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.cells import CellRepository
from storage.repositories.comments import CommentRepository
from storage.repositories.members import MemberRepository
from storage.repositories.panels import PanelRepository

MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class ExportBundle:
    label: str  # "ngày 05/12/2026" or "từ 01/01/2026 đến 31/12/2026"
    reports: tuple[MeetingReport, ...]
    files: tuple[Attachment, ...]


def _file_day(report: MeetingReport) -> str:
    return report.local_start.strftime("%Y-%m-%d")


async def build_report(session: AsyncSession, meeting: Meeting, cell: Cell) -> MeetingReport:
    roll = await load_roll(session, meeting, cell)
    members = MemberRepository(session)
    comments = []
    for comment in await CommentRepository(session).for_meeting(meeting.id):
        author = await members.get(comment.member_id)
        show = not comment.hide_name  # "hide my name" is kept in every file
        comments.append(comment_info(comment, author, show_name=show, own=False))
    sent = await BroadcastRepository(session).for_meeting(meeting.id)
    agenda = sent.text if sent is not None and sent.version > 0 else None
    panel = await PanelRepository(session).get(meeting.id)
    checkin = panel.checkin_opened_at if panel is not None else None
    return MeetingReport(roll, tuple(comments), agenda, checkin, await base_of_roll(session, roll))


def minutes_file(report: MeetingReport) -> Attachment:
    from bot.exports.minutes_docx import write_minutes

    name = f"bien-ban-nhap-{_file_day(report)}-{report.roll.meeting.id}.docx"
    return Attachment(name, write_minutes(report))


def signin_file(report: MeetingReport) -> Attachment:
    from bot.exports.signin_docx import write_signin

    name = f"ky-ten-{_file_day(report)}-{report.roll.meeting.id}.docx"
    return Attachment(name, write_signin(report.roll))


def bundle(
    label: str, reports: tuple[MeetingReport, ...], stem: str, journal: list[LogLine]
) -> ExportBundle:
    """The workbook, the CSV and each meeting's draft minutes (CPU work: run it in a thread)."""
    from bot.exports.xlsx import write_workbook

    files = [
        Attachment(f"tham-du-{stem}.xlsx", write_workbook(reports, journal)),
        Attachment(f"tham-du-{stem}.csv", write_csv(reports)),
    ]
    files += [minutes_file(r) for r in reports]
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

    async def _report(self, cell_id: int, meeting_id: int) -> MeetingReport:
        async with self.db.session() as session:
            cell = await CellRepository(session).get(cell_id)
            meeting = await AttendanceRepository(session).meeting(meeting_id)
            if cell is None or meeting is None or meeting.cell_id != cell.id:
                raise StaleAction("meeting_gone")
            return await build_report(session, meeting, cell)

    async def meeting(self, cell_id: int, meeting_id: int) -> ExportBundle:
        report = await self._report(cell_id, meeting_id)
        async with self.db.session() as session:
            journal = await journal_of_meeting(session, meeting_id, report.tz)
        label = f"ngày {report.local_start:%d/%m/%Y}"
        stem = f"{_file_day(report)}-{meeting_id}"
        exported = await asyncio.to_thread(bundle, label, (report,), stem, journal)
        sheet = await asyncio.to_thread(signin_file, report)
        return ExportBundle(exported.label, exported.reports, (*exported.files, sheet))

    async def minutes(self, cell_id: int, meeting_id: int) -> tuple[str, Attachment]:
        """The draft minutes alone (the label and the .docx), for the minutes screen."""
        report = await self._report(cell_id, meeting_id)
        draft = await asyncio.to_thread(minutes_file, report)
        return f"ngày {report.local_start:%d/%m/%Y}", draft

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
            journal = await journal_between(session, cell.id, tz, since, until)
        label = tx.PERIOD.format(start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")
        stem = f"{start:%Y%m%d}-{end:%Y%m%d}"
        return await asyncio.to_thread(bundle, label, reports, stem, journal)

    async def plain_copy(self, actor_telegram_id: int, meeting_id: int) -> str:
        """The meeting's notice and sent agenda as plain text, for the committee to paste
        into the cell's other group (Zalo)."""
        async with self.db.session() as session:
            who = await require_committee(session, actor_telegram_id)
            meeting = await BroadcastRepository(session).meeting_of_cell(meeting_id, who.cell.id)
            if meeting is None:
                raise StaleAction("meeting_gone")
            sent = await BroadcastRepository(session).for_meeting(meeting.id)
            agenda = sent.text if sent is not None and sent.version > 0 else None
            return plain_copy(who.cell, MeetingInfo.of(meeting), agenda)

    async def cell_of_committee(self, actor_telegram_id: int) -> int:
        async with self.db.session() as session:
            return (await require_committee(session, actor_telegram_id)).cell.id
