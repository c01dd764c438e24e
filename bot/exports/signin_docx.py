"""The printable sign-in sheet of a meeting (danh sách đảng viên dự sinh hoạt): every member on
the roster, with Telegram or without, one row each with a column to sign in. A4, the header
row repeated on every page, so a 200-member cell's sheet stays readable over several pages."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from bot.attendance.views import Roll, RollEntry
from bot.exports.docx_page import a4_document, party_heading
from bot.texts import common as tc
from bot.texts import exports as tx
from storage.enums import PartyStatus

if TYPE_CHECKING:
    from docx.document import Document as DocumentType
    from docx.table import _Row

COLUMNS = (  # header, width
    (tx.SIGNIN_COL_NO, Mm(14)),
    (tx.SIGNIN_COL_NAME, Mm(58)),
    (tx.SIGNIN_COL_STATUS, Mm(30)),
    (tx.SIGNIN_COL_SIGN, Mm(38)),
    (tx.SIGNIN_COL_NOTE, Mm(25)),
)
ROW_HEIGHT = Mm(10)  # room for a signature


def roster(roll: Roll) -> list[RollEntry]:
    """Who signs: the active members of the cell, in roll order (Telegram or not)."""
    return [entry for entry in roll.entries if entry.active]


def _repeat_as_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _centered(doc: DocumentType, text: str, *, bold: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold


def write_signin(roll: Roll) -> bytes:
    doc = a4_document(font_size=12)
    meeting = roll.meeting
    local = meeting.local_start(ZoneInfo(roll.timezone))
    party_heading(doc, roll.parent_committee, roll.cell_name, local)
    _centered(doc, tx.SIGNIN_TITLE, bold=True)
    _centered(doc, tc.KIND_NAMES[meeting.kind])
    weekday = tc.WEEKDAYS[local.weekday()]
    _centered(
        doc,
        tx.SIGNIN_WHEN.format(
            time=f"{local:%H}h{local:%M}", weekday=weekday, date=f"{local:%d/%m/%Y}"
        ),
    )
    _centered(doc, tx.PLACE.format(place=meeting.place or tx.BLANK))

    members = roster(roll)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # LibreOffice and Word keep the widths below only so
    for column, (_, width) in zip(table.columns, COLUMNS, strict=True):
        column.width = width
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, (title, width) in zip(header.cells, COLUMNS, strict=True):
        cell.width = width
        cell.text = title
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    for number, entry in enumerate(members, start=1):
        row = table.add_row()
        row.height = ROW_HEIGHT
        status = (
            tx.SIGNIN_PROBATIONARY
            if entry.party_status is PartyStatus.PROBATIONARY
            else tx.SIGNIN_FULL
        )
        values = (str(number), entry.full_name, status, "", "")
        for cell, value, (_, width) in zip(row.cells, values, COLUMNS, strict=True):
            cell.width = width
            cell.text = value
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()
    full = sum(e.party_status is PartyStatus.FULL for e in members)
    doc.add_paragraph(
        tx.SIGNIN_TOTAL.format(members=len(members), full=full, probationary=len(members) - full)
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
