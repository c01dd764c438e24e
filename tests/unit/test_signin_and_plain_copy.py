"""Issue #12 point 7: the printable sign-in sheet (A4, every member on the roster, Telegram or
not, a signature column) and the plain-text copy of the notice and agenda for Zalo."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from bot.broadcast.agenda import plain_copy
from bot.clock import ManualClock
from bot.exports.docx_page import a4_document
from bot.exports.service import ExportService
from bot.services import Services
from bot.views import CellInfo
from storage.enums import MemberState
from storage.models import MeetingStatus
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell
from tests.unit.test_ics import _meeting


async def test_signin_sheet_lists_the_whole_roster_on_a4(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=3, probationary=1)
    await add_members(services.db, cell.cell_id, ["Lê Văn Không Dùng"], tid_base=None)
    await add_members(
        services.db, cell.cell_id, ["Đã Chuyển Đi"], tid_base=None, state=MemberState.INACTIVE
    )
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(2))
    exported = await ExportService(services.db, clock).meeting(cell.cell_id, meeting)
    sheet = next(f for f in exported.files if f.filename.startswith("ky-ten-"))
    doc = Document(io.BytesIO(sheet.content))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    table = doc.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["STT", "Họ và tên", "Đảng viên", "Ký tên", "Ghi chú"]
    properties = table.rows[0]._tr.trPr
    assert properties is not None and properties.xml.count("tblHeader") == 1  # on every page
    names = [row.cells[1].text for row in table.rows[1:]]
    assert "Lê Văn Không Dùng" in names  # no Telegram, still on the sheet
    assert "Đã Chuyển Đi" not in names
    assert len(names) == 5  # the secretary and four members
    assert all(row.cells[3].text == "" for row in table.rows[1:])  # room to sign
    assert [row.cells[0].text for row in table.rows[1:]] == ["1", "2", "3", "4", "5"]
    statuses = {row.cells[2].text for row in table.rows[1:]}
    assert statuses == {"Chính thức", "Dự bị"}
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT" in text and "Tổng số: 5 đồng chí" in text


def test_minutes_are_a4_too() -> None:
    section = a4_document().sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


CELL = CellInfo(1, "Chi bộ Khu phố 3", "Asia/Ho_Chi_Minh", None, None)


def test_plain_copy_is_the_notice_and_agenda_without_markup() -> None:
    meeting = _meeting(chair="Nguyễn Thị Hoa", starts_at=datetime(2026, 12, 5, 7, tzinfo=UTC))
    text = plain_copy(CELL, meeting, "1. Thông tin thời sự\n2. Nhiệm vụ tháng 12")
    assert text.startswith("CHI BỘ KHU PHỐ 3 — THÔNG BÁO SINH HOẠT")
    assert "Thứ Bảy, 05/12/2026, lúc 14h00" in text and "Chủ trì: Nguyễn Thị Hoa" in text
    assert "1. Thông tin thời sự\n2. Nhiệm vụ tháng 12" in text
    assert "Sổ tay đảng viên điện tử" in text
    assert "<" not in text and "nút" not in text  # no HTML, nothing about Telegram buttons


def test_plain_copy_of_a_cancelled_meeting_says_so() -> None:
    meeting = _meeting(
        status=MeetingStatus.CANCELLED, starts_at=datetime(2026, 12, 5, 7, tzinfo=UTC)
    )
    text = plain_copy(CELL, meeting, "1. Thông tin thời sự")
    assert "đã được hủy" in text and "Thông tin thời sự" not in text
