"""The agency cell of issue #12 over HTTP: 200 members (199 sent as one roster file), 10
exempted (2 of them came anyway), 5 on temporary transfer elsewhere. The statuses and the
attendance are set up through the services; the roster file, the exports and /thongke go
through the real Application. The minutes' numbers and the HD 12 figure are asserted."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from storage.enums import StatusKind
from storage.models import Member
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness
from tests.e2e.month_helpers import signatures

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang")


def _roster_csv() -> bytes:
    lines = ["họ tên,năm sinh,ngày vào Đảng,trạng thái"]
    for i in range(199):
        name = f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 4]} {GIVEN[i // 40 % 5]}"
        status = "dự bị" if i >= 189 else "chính thức"
        lines.append(f"{name},{1960 + i % 40},01/01/{2000 + i % 20},{status}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.timeout(120)
async def test_agency_cell_minutes_numbers_and_hd12_figure(harness: Harness) -> None:
    secretary = await harness.secretary(cell_name="Chi bộ Văn phòng Sở")
    await secretary.send_document(_roster_csv(), "danh-sach.csv")
    reply = await harness.api.wait_for_message(secretary.id, lambda m: "thêm mới" in m["text"])
    assert "thêm mới 199 đồng chí" in reply["text"]

    async with harness.services.db.session() as session:
        rows = list(await session.scalars(select(Member).order_by(Member.id)))
    assert len(rows) == 200
    full = [m.id for m in rows if m.party_status == "chinh_thuc"]
    probationary = [m.id for m in rows if m.party_status == "du_bi"]
    assert (len(full), len(probationary)) == (190, 10)
    exempted, away = full[1:11], full[11:16]
    excused, unexcused = full[16:20], full[20]
    statuses = harness.services.members.statuses
    today, until = harness.clock.now().date(), date(2027, 5, 31)
    for member_id in exempted:
        await statuses.set_status(
            secretary.id, member_id, StatusKind.EXEMPT_MEETINGS, today, until, "Ốm dài ngày"
        )
    for member_id in away:
        await statuses.set_status(
            secretary.id, member_id, StatusKind.AWAY, today, until, "Học tập trung"
        )

    cells = await harness.services.cells.list_cells()
    meeting = await make_meeting(harness.services.db, cells[0].id, harness.clock.now() + days(2))
    harness.clock.advance(days(2))
    att = harness.services.attendance
    present = [m.id for m in rows if m.id not in {*exempted, *away, *excused, unexcused}]
    for member_id in (*present, *exempted[:2]):  # two exempted members came anyway
        await att.mark_present(secretary.id, meeting, member_id, True)
    for member_id in excused:
        await att.classify_absence(secretary.id, meeting, member_id, True)
    await att.classify_absence(secretary.id, meeting, unexcused, False)
    harness.clock.advance(days(1))

    export = await harness.say(secretary, "/xuat", expect="Chọn một buổi")
    await secretary.press(export, 0)
    await harness.api.wait_until(
        lambda: any(f["file_name"].endswith(".docx") for f in harness.api.files(secretary.id)),
        timeout=20,
    )
    docx = next(
        f["data"] for f in harness.api.files(secretary.id) if f["file_name"].endswith(".docx")
    )
    minutes = Document(io.BytesIO(docx))
    paragraphs = [p.text for p in minutes.paragraphs]
    assert signatures(minutes) == (
        "Trần Thị Đảng Viên 01",
        "Nguyễn Văn An",
    )  # the signature block in place
    assert (
        "Tổng số đảng viên: 200 (chính thức 190, dự bị 10); miễn sinh hoạt: 10; sinh hoạt tạm "
        "thời nơi khác: 5; có mặt: 182; vắng có lý do: 4; vắng không có lý do: 1."
    ) in paragraphs
    # Base: 190 full − 5 away − 8 exempted and absent − 4 excused = 173; 172 present.
    stats = await harness.say(secretary, "/thongke 2026", expect="Từng buổi")
    assert "có mặt 172/173 (99%) — chưa đạt" in stats["text"]  # one absence without reason
