"""The attendance workbook (openpyxl): attendance, comments, a per-meeting summary and the
audit log ("Nhật ký")."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.auditlog.lines import LogLine
from bot.exports.report import MeetingReport, attendance_rows
from bot.texts import auditlog as tl
from bot.texts import common as tc
from bot.texts import exports as tx

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


WIDTHS = {
    "Họ và tên": 30,
    "Nội dung góp ý": 80,
    "Lý do vắng (báo trước)": 32,
    "Loại buổi": 34,
    **dict.fromkeys(tl.HEADERS[1:4], 30),
}


def _sheet(ws: Worksheet, headers: tuple[str, ...], rows: list[list[object]]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                # openpyxl makes "=…" a formula; members' texts are only ever text.
                cell.data_type = "s"
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 16)
    ws.freeze_panes = "A2"


def write_workbook(reports: tuple[MeetingReport, ...], journal: Sequence[LogLine] = ()) -> bytes:

    book = Workbook()
    attendance = book.active
    assert attendance is not None
    attendance.title = tx.SHEET_ATTENDANCE
    _sheet(attendance, tx.ATTENDANCE_HEADERS, [list(r) for r in attendance_rows(reports)])

    comments: list[list[object]] = []
    for report in reports:
        day = report.local_start.strftime("%d/%m/%Y")
        for comment in report.comments:
            comments.append(
                [
                    day,
                    comment.author_name or tx.ANONYMOUS,
                    tx.YES if comment.hide_name else tx.NO,
                    comment.text,
                    comment.created_at.astimezone(report.tz).strftime("%d/%m/%Y %H:%M"),
                ]
            )
    sheet = book.create_sheet(tx.SHEET_COMMENTS)
    _sheet(sheet, tx.COMMENT_HEADERS, comments)
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    summary: list[list[object]] = []
    for report in reports:
        totals = report.roll.totals
        summary.append(
            [
                report.local_start.strftime("%d/%m/%Y"),
                tc.KIND_NAMES[report.roll.meeting.kind],
                totals.members,
                totals.full,
                totals.probationary,
                totals.present,
                totals.absent_excused,
                totals.absent_unexcused,
                totals.absent_unclassified,
                totals.not_recorded,
                round(totals.rate, 4),
            ]
        )
    sheet = book.create_sheet(tx.SHEET_SUMMARY)
    _sheet(sheet, tx.SUMMARY_HEADERS, summary)
    for row in sheet.iter_rows(min_row=2, min_col=11, max_col=11):
        for cell in row:
            cell.number_format = "0.0%"
    log: list[list[object]] = [
        [f"{e.at:%d/%m/%Y %H:%M}", e.who, e.what, e.about, e.meeting] for e in journal
    ]
    _sheet(book.create_sheet(tl.SHEET), tl.HEADERS, log)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
