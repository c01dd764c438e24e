"""The rural cell of issue #12, through the real Application over HTTP on both databases:
8 elderly members, 3 of them without a smartphone (typed in by the secretary and answered for
by the committee), 1 of those exempted. The draft biên bản's opening numbers, the workbook's
rate and /thongke's HD 12 figure are asserted on the QĐ 24 point 9.3.2 base."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.simulator import FakeUser
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness
from tests.e2e.month_helpers import signatures

ELDERS = ("Lê Văn Tám", "Phạm Thị Lan", "Đỗ Văn Hùng")
WITH_TELEGRAM = ("Trần Văn Bình", "Hoàng Thị Mai", "Vũ Văn Cường", "Ngô Thị Dung")


def _button(message: dict[str, Any], name: str, column: int) -> int:
    """The flat index of a grid button: the row whose first button names ``name``."""
    keyboard = message["reply_markup"]["inline_keyboard"]
    row = next(i for i, r in enumerate(keyboard) if name in r[0]["text"])
    return sum(len(r) for r in keyboard[:row]) + column


async def _press_in_grid(
    harness: Harness, secretary: FakeUser, message_id: int, name: str, column: int, shows: str
) -> None:
    grid = harness.api.get_message(secretary.id, message_id)
    assert grid is not None
    await secretary.press(grid, _button(grid, name, column))
    await harness.wait_text(secretary.id, message_id, shows)


@pytest.mark.timeout(120)
async def test_rural_cell_minutes_numbers_and_hd12_figure(harness: Harness) -> None:
    secretary = await harness.secretary(cell_name="Chi bộ Thôn Đông")
    for index, name in enumerate(WITH_TELEGRAM):
        await harness.member(secretary, name, 301 + index)

    # The three without a smartphone, typed in by the secretary from /thanhvien.
    roster = await harness.say(secretary, "/thanhvien")
    await secretary.press(roster, "➕ Thêm đảng viên không dùng Telegram")
    await harness.api.wait_for_message(secretary.id, lambda m: "mỗi đảng viên" in m["text"])
    done = await harness.say(
        secretary,
        "Lê Văn Tám; 1938; 03/02/1965\nPhạm Thị Lan; 1945; 19/05/1970\n"
        "Đỗ Văn Hùng; 1950; ; chính thức",
    )
    assert "thêm mới 3 đồng chí" in done["text"]

    # Ngô Thị Dung is probationary; Lê Văn Tám is exempted (card → 🗓).
    roster = await harness.say(secretary, "/thanhvien")
    assert "(8 đồng chí)" in roster["text"]
    await secretary.press(roster, "Ngô Thị Dung")
    card = await harness.wait_text(secretary.id, roster["message_id"], "Vai trò")
    await secretary.press(card, "Đảng viên dự bị")
    await harness.wait_text(secretary.id, roster["message_id"], "Đảng viên dự bị")
    saved = await harness.record_status(
        secretary,
        "Lê Văn Tám",
        "Miễn công tác và sinh hoạt",
        "27/11/2026; 26/11/2027; Tuổi cao, sức yếu",
    )
    assert "Miễn công tác và sinh hoạt từ 27/11/2026 đến 26/11/2027" in saved["text"]

    cells = await harness.services.cells.list_cells()
    await make_meeting(harness.services.db, cells[0].id, harness.clock.now() + days(2))

    # The committee answers for the two elders who still attend, from /danhsach.
    roll = await harness.say(secretary, "/danhsach", expect="Đã trả lời")
    assert "Đã trả lời 0/8" in roll["text"]
    await secretary.press(roll, "✍️ Trả lời thay đảng viên")
    await harness.wait_text(secretary.id, roll["message_id"], "Trả lời thay")
    await _press_in_grid(harness, secretary, roll["message_id"], "Phạm Thị Lan", 1, "Lan — có mặt")
    await _press_in_grid(harness, secretary, roll["message_id"], "Đỗ Văn Hùng", 2, "Hùng — vắng")

    # At the meeting: everyone but the exempted Tám and Hùng (ill) is marked present.
    harness.clock.advance(days(2))
    roll = await harness.say(secretary, "/danhsach", expect="Đã trả lời")
    await secretary.press(roll, "📝 Ghi nhận có mặt / vắng")
    await harness.wait_text(secretary.id, roll["message_id"], "Ghi nhận tham dự thực tế")
    for name in ("Nguyễn Thị Hoa", *WITH_TELEGRAM, "Phạm Thị Lan"):
        await _press_in_grid(harness, secretary, roll["message_id"], name, 1, f"{name} — có mặt")
    await _press_in_grid(harness, secretary, roll["message_id"], "Đỗ Văn Hùng", 2, "Hùng — vắng")
    harness.clock.advance(days(1))

    export = await harness.say(secretary, "/xuat", expect="Chọn một buổi")
    await secretary.press(export, 0)
    await harness.api.wait_until(lambda: len(harness.api.files(secretary.id)) >= 3, timeout=15)
    files = {f["file_name"]: f["data"] for f in harness.api.files(secretary.id)}
    docx = next(data for name, data in files.items() if name.endswith(".docx"))
    minutes = Document(io.BytesIO(docx))
    paragraphs = [p.text for p in minutes.paragraphs]
    assert signatures(minutes) == (
        "Trần Thị Đảng Viên 01",
        "Nguyễn Văn An",
    )  # the signature block in place
    assert (
        "Tổng số đảng viên: 8 (chính thức 7, dự bị 1); miễn sinh hoạt: 1; sinh hoạt tạm thời "
        "nơi khác: 0; có mặt: 6; vắng có lý do: 1; vắng không có lý do: 0."
    ) in paragraphs
    # Absentees by name, with the reason and its kind; the exempted Tám is not among them.
    absentees = paragraphs[paragraphs.index("Đảng viên vắng mặt:") + 1 :]
    hung = [p for p in absentees if p.startswith("Đỗ Văn Hùng — ")]
    assert len(hung) == 1 and hung[0].endswith("(có lý do)."), hung
    assert not any(p.startswith("Lê Văn Tám — ") for p in absentees)
    xlsx = next(data for name, data in files.items() if name.endswith(".xlsx"))
    book = load_workbook(io.BytesIO(xlsx))
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))[1]
    # The audit log's sheet: the meeting's acts, by whom and about whom.
    log = list(book["Nhật ký"].iter_rows(values_only=True))
    assert log[0][:4] == ("Thời gian", "Người thực hiện", "Thao tác", "Về đảng viên")
    acts = {r[1:4] for r in log[1:]}
    assert ("Nguyễn Thị Hoa", "trả lời thay: vắng", "Đỗ Văn Hùng") in acts, log
    assert ("Nguyễn Thị Hoa", "ghi vắng có lý do", "Đỗ Văn Hùng") in acts, log
    assert summary[10] == 1.0  # 5 of the base of 5 (7 full − Tám exempted − Hùng excused)

    stats = await harness.say(secretary, "/thongke 2026", expect="Từng buổi")
    assert "có mặt 5/5 (100%) — đạt" in stats["text"]
    assert "Lê Văn Tám" not in stats["text"]  # exempted: not expected, not counted absent
    assert "Đỗ Văn Hùng: có mặt 0/1" in stats["text"]
