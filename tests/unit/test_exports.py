"""Exports read back: the workbook (openpyxl), the CSV and the draft minutes (python-docx)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.clock import ManualClock
from bot.errors import InvalidInput
from bot.exports.service import ExportService, parse_day
from bot.services import Services
from storage.models import AttendanceAnswer
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell


async def _held_meeting(services: Services, clock: ManualClock) -> tuple[int, int, object]:
    cell = await build_cell(services.db, members=6, probationary=2)
    (offline_member,) = await add_members(
        services.db, cell.cell_id, ["Lê Văn Không Dùng"], tid_base=None
    )
    offline = offline_member.id
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(8))
    att = services.attendance
    tids, ids = cell.member_tids, cell.member_ids
    await att.answer(tids[0], meeting, AttendanceAnswer.YES)
    await att.answer(tids[1], meeting, AttendanceAnswer.NO)
    await att.set_reason(tids[1], meeting, "ct")
    await att.set_reason(tids[2], meeting, "khac", "Chăm mẹ ốm ở quê")
    await att.answer_for(cell.secretary_tid, meeting, offline, AttendanceAnswer.YES)
    await services.comments.add(tids[0], meeting, "Đề nghị bàn thêm về đảng phí.")
    hidden = await services.comments.add(tids[3], meeting, "Góp ý ẩn tên")
    await services.comments.set_hidden(tids[3], hidden.id, True)
    clock.advance(days(8))
    sec = cell.secretary_tid
    for member_id in (cell.secretary_id, ids[0], ids[3], ids[4], ids[5]):
        await att.mark_present(sec, meeting, member_id, True)
    await att.classify_absence(sec, meeting, ids[1], True)
    await att.classify_absence(sec, meeting, ids[2], True)
    await att.classify_absence(sec, meeting, offline, False)
    return cell.cell_id, meeting, cell


async def test_meeting_export_reads_back(services: Services, clock: ManualClock) -> None:
    cell_id, meeting, _ = await _held_meeting(services, clock)
    exported = await ExportService(services.db, clock).meeting(cell_id, meeting)
    names = [f.filename for f in exported.files]
    assert names == [
        f"tham-du-2026-12-05-{meeting}.xlsx",
        f"tham-du-2026-12-05-{meeting}.csv",
        f"bien-ban-nhap-2026-12-05-{meeting}.docx",
        f"ky-ten-2026-12-05-{meeting}.docx",  # the sign-in sheet (issue #12 point 7)
    ]
    xlsx, csv_file, docx, _ = exported.files

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Điểm danh", "Góp ý", "Tổng hợp", "Nhật ký"]
    rows = list(book["Điểm danh"].iter_rows(values_only=True))
    assert rows[0][3] == "Họ và tên"
    body = rows[1:]
    assert len(body) == 8  # the secretary, six members, one without Telegram
    by_name = {r[3]: r for r in body}
    assert by_name["Trần Thị Đảng Viên 02"][5:] == (
        "Vắng",
        "đi công tác",
        None,
        "Vắng",
        "Có lý do",
    )
    assert by_name["Trần Thị Đảng Viên 03"][6] == "lý do khác: Chăm mẹ ốm ở quê"
    assert by_name["Lê Văn Không Dùng"][7] == "Nguyễn Văn An"
    assert by_name["Lê Văn Không Dùng"][8:] == ("Vắng", "Không có lý do")
    assert by_name["Trần Thị Đảng Viên 01"][4] == "Dự bị"
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))[1]
    # The rate is on QĐ 24's base: the full members less those absent with a valid reason.
    assert summary[2:11] == (8, 6, 2, 5, 2, 1, 0, 0, 0.8)
    comments = list(book["Góp ý"].iter_rows(values_only=True))[1:]
    assert [(c[1], c[2], c[3]) for c in comments] == [
        ("Trần Thị Đảng Viên 01", None, "Đề nghị bàn thêm về đảng phí."),
        ("Một đồng chí", "Có", "Góp ý ẩn tên"),  # hidden in the exports, as asked
    ]

    lines = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert len(lines) == 9 and lines[0][3] == "Họ và tên"

    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    heading = document.tables[0].rows[0].cells
    assert "CHI BỘ KHU PHỐ 3" in heading[0].text and "ĐẢNG BỘ PHƯỜNG HÒA BÌNH" in heading[0].text
    assert (
        "ĐẢNG CỘNG SẢN VIỆT NAM" in heading[1].text
        and "ngày 05 tháng 12 năm 2026" in heading[1].text
    )
    assert "BIÊN BẢN" in text and "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 12/2026" in text
    assert "bắt đầu lúc 08h00, Thứ Bảy, ngày 05/12/2026" in text
    assert "Nhà văn hóa khu phố 3" in text
    assert "Chủ trì: Nguyễn Văn An." in text
    assert (
        "Tổng số đảng viên: 8 (chính thức 6, dự bị 2); miễn sinh hoạt: 0; sinh hoạt tạm thời "
        "nơi khác: 0; có mặt: 5; vắng có lý do: 2; vắng không có lý do: 1." in text
    )
    assert "Trần Thị Đảng Viên 02 — đi công tác (có lý do)." in text
    assert "Lê Văn Không Dùng — không báo trước (không có lý do)." in text
    assert "Kiểm điểm nghị quyết tháng trước" in text
    assert "Một đồng chí (đề nghị ẩn tên): Góp ý ẩn tên" in text
    assert "THƯ KÝ" in document.tables[1].rows[0].cells[0].text


async def test_period_export_and_bad_periods(services: Services, clock: ManualClock) -> None:
    cell_id, _, _ = await _held_meeting(services, clock)
    await make_meeting(services.db, cell_id, clock.now() + days(30))
    exports = ExportService(services.db, clock)
    bundle = await exports.period(cell_id, date(2026, 12, 1), date(2027, 1, 31))
    assert len(bundle.reports) == 2 and len(bundle.files) == 4
    book = load_workbook(io.BytesIO(bundle.files[0].content))
    assert len(list(book["Tổng hợp"].iter_rows(values_only=True))) == 3
    empty = await exports.period(cell_id, date(2025, 1, 1), date(2025, 12, 31))
    assert empty.reports == ()
    with pytest.raises(InvalidInput):
        await exports.period(cell_id, date(2027, 1, 1), date(2026, 1, 1))
    assert parse_day("05/12/2026") == date(2026, 12, 5)
    assert parse_day("2026-12-05") == date(2026, 12, 5)
    with pytest.raises(InvalidInput):
        parse_day("31/02/2026")


async def test_cli_export_writes_the_files(
    services: Services, clock: ManualClock, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    from pathlib import Path

    from bot import cli

    cell_id, meeting, _ = await _held_meeting(services, clock)
    out = Path(str(tmp_path)) / "xuat"
    monkeypatch.setenv("DATABASE_URL", services.db.url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    args = ["export", "--cell", str(cell_id), "--meeting", str(meeting), "--out", str(out)]
    code = await asyncio.to_thread(cli.main, args)
    assert code == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        [
            f"tham-du-2026-12-05-{meeting}.xlsx",
            f"tham-du-2026-12-05-{meeting}.csv",
            f"bien-ban-nhap-2026-12-05-{meeting}.docx",
            f"ky-ten-2026-12-05-{meeting}.docx",
        ]
    )
    book = load_workbook(out / next(name for name in written if name.endswith(".xlsx")))
    assert len(list(book["Điểm danh"].iter_rows(values_only=True))) == 9
    period = ["export", "--cell", str(cell_id), "--from", "01/12/2026", "--to", "31/12/2026"]
    assert await asyncio.to_thread(cli.main, [*period, "--out", str(out / "p")]) == 0
    assert await asyncio.to_thread(cli.main, ["export", "--cell", str(cell_id)]) == 2
