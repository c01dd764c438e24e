"""The "Nhật ký" sheet of the .xlsx export: the meeting's (or the period's) audit entries,
oldest first, in the cell's time zone, without absence reasons or comments."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.exports.service import ExportService
from bot.services import Services
from bot.texts import auditlog as tl
from storage.models import AuditEntry
from tests.unit.test_exports import _held_meeting

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


async def _entries(services: Services, where: Any) -> tuple[int, datetime, datetime]:
    """How many audit entries match, and the first and last one's time."""
    async with services.db.session() as session:
        count = await session.scalar(select(func.count()).where(where))
        first = await session.scalar(select(func.min(AuditEntry.created_at)).where(where))
        last = await session.scalar(select(func.max(AuditEntry.created_at)).where(where))
    assert count is not None and first is not None and last is not None
    return count, first, last


async def test_the_workbook_has_the_log_of_the_meeting(
    services: Services, clock: ManualClock
) -> None:
    cell_id, meeting, _ = await _held_meeting(services, clock)
    count, first, _ = await _entries(services, AuditEntry.meeting_id == meeting)

    exported = await ExportService(services.db, clock).meeting(cell_id, meeting)
    book = load_workbook(io.BytesIO(exported.files[0].content))
    rows = list(book[tl.SHEET].iter_rows(values_only=True))
    assert rows[0] == tl.HEADERS
    assert len(rows) - 1 == count == 9  # one answer for, five marks, three classifications
    assert rows[1][0] == f"{first.astimezone(HCM):%d/%m/%Y %H:%M}"
    assert rows[1][2:4] == ("trả lời thay: có mặt", "Lê Văn Không Dùng")
    assert rows[-1][2:4] == ("ghi vắng không có lý do", "Lê Văn Không Dùng")
    assert all(r[1] == "Nguyễn Văn An" for r in rows[1:])  # the secretary of build_cell
    text = " ".join(str(v) for r in rows for v in r)
    for private in ("Chăm mẹ ốm", "công tác", "đảng phí", "ẩn tên"):
        assert private not in text


async def test_a_periods_workbook_has_the_log_of_the_period(
    services: Services, clock: ManualClock
) -> None:
    cell_id, _, _ = await _held_meeting(services, clock)
    count, first, last = await _entries(services, AuditEntry.cell_id == cell_id)
    start, end = first.astimezone(HCM).date(), last.astimezone(HCM).date()
    exported = await ExportService(services.db, clock).period(cell_id, start, end)
    rows = list(load_workbook(io.BytesIO(exported.files[0].content))[tl.SHEET].values)
    assert len(rows) - 1 == count
    before = await ExportService(services.db, clock).period(
        cell_id, date(2020, 1, 1), date(2020, 12, 31)
    )
    assert list(load_workbook(io.BytesIO(before.files[0].content))[tl.SHEET].values) == [tl.HEADERS]
