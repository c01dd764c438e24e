"""/thongke and /xuat messages fit Telegram's limits by construction, at maximum sizes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.delivery.limits import MAX_CAPTION, MAX_TEXT, split_text, telegram_length
from bot.exports.service import ExportService
from bot.services import Services
from handlers.exports import caption, render_stats
from storage.models import Attendance
from tests.attendance_helpers import make_meeting
from tests.builders import build_cell

LONGEST_NAME = "Nguyễn Thị " + "Ngọc" * 26 + " {n:03d}"  # 119 characters: the column holds 120
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_stats_reply_fits_in_parts_in_order(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=200, member_name=LONGEST_NAME)
    everyone = [cell.secretary_id, *cell.member_ids]
    for month in range(1, 11):  # every member absent without reason, every month
        meeting = await make_meeting(
            services.db, cell.cell_id, datetime(2026, month, 5, 8, tzinfo=HANOI)
        )
        async with services.db.session() as session:
            session.add_all(
                Attendance(
                    meeting_id=meeting, member_id=member, present=False, absence_excused=False
                )
                for member in everyone
            )
    stats = await services.stats.year(cell.secretary_tid, 2026)
    assert len(stats.members) == 201 and len(stats.meetings) == 10
    parts = split_text(render_stats(stats))
    assert len(parts) > 1 and all(telegram_length(part) <= MAX_TEXT for part in parts)
    joined = "\n".join(parts)
    positions = [joined.find(line.full_name) for line in stats.members]
    assert -1 not in positions and positions == sorted(positions)
    assert joined.count("không lý do ở tháng 1, 2, 3, 4, 5, 6, 7, 8, 9, 10") == 201


async def test_export_captions_fit(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=1)
    await make_meeting(services.db, cell.cell_id, datetime(2026, 3, 5, 8, tzinfo=HANOI))
    exported = await ExportService(services.db, clock).period(
        cell.cell_id, date(2024, 12, 31), date(2026, 12, 31)
    )
    assert len(exported.files) == 3
    for attachment in exported.files:
        text = caption(attachment.filename, exported.label)
        assert exported.label in text and telegram_length(text) <= MAX_CAPTION
