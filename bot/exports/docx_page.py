"""The page every exported Word file uses: A4 (not python-docx's default US Letter), the
margins of Vietnamese administrative documents, Times New Roman 13."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.texts import exports as tx

if TYPE_CHECKING:
    from docx.document import Document as DocumentType

A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)


def a4_document(font_size: int = 13) -> DocumentType:
    doc = Document()
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(font_size)
    return doc


def party_heading(
    doc: DocumentType, parent_committee: str | None, cell_name: str, local: datetime
) -> None:
    """The two-column heading of a party document: the committee and cell on the left, the
    party's name and the date on the right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    parent = parent_committee.upper() if parent_committee else tx.PARENT_BLANK
    left.text = f"{parent}\n{cell_name.upper()}\n*"
    right.text = f"{tx.PARTY}\n\nngày {local:%d} tháng {local:%m} năm {local:%Y}"
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = True
