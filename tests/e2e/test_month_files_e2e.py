"""Issue #12 point 7: the printable sign-in sheet from /xuat, and the plain-text copy of the
notice and sent agenda from /danhsach, ready to paste into the cell's Zalo group."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from docx import Document
from sqlalchemy import select

from bot.texts import broadcast as tb
from storage.models import Cell
from tests.builders import add_members
from tests.e2e.conftest import Harness
from tests.e2e.month_helpers import add_meeting, agenda_sent
from tests.e2e.test_broadcast_e2e import _compose_and_send

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENDA = "1. Thông tin thời sự\n2. Kiểm điểm nghị quyết tháng 11\n3. Nhiệm vụ tháng 12"


async def test_signin_sheet_and_plain_copy(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    async with harness.services.db.session() as session:
        cell = await session.scalar(select(Cell))
        assert cell is not None
    await add_members(harness.services.db, cell.id, ["Lê Văn Không Dùng"], tid_base=None)
    await add_meeting(harness.services, datetime(2026, 12, 5, 14, tzinfo=VN), place="Hội trường")
    await _compose_and_send(harness, secretary, AGENDA)
    await agenda_sent(harness.services)

    roll = await harness.say(secretary, "/danhsach", expect=tb.BUTTON_PLAIN)
    await secretary.press(roll, tb.BUTTON_PLAIN)
    await harness.api.wait_for_message(secretary.id, lambda m: m.get("text") == tb.PLAIN_INTRO)
    copy = await harness.api.wait_for_message(
        secretary.id, lambda m: "THÔNG BÁO SINH HOẠT" in m.get("text", "")
    )
    assert AGENDA in copy["text"] and "Địa điểm: Hội trường" in copy["text"]
    assert "reply_markup" not in copy and "entities" not in copy  # plain: nothing to lose
    # the agenda's copy to An may still be on its way (paced by the shared budget): wait for
    # the reply to the command, not the next message
    refused = await harness.say(an, "/danhsach", expect="dành cho chi ủy")
    assert "dành cho chi ủy" in refused["text"]

    export = await harness.say(secretary, "/xuat", expect="Chọn một buổi")
    await secretary.press(export, 0)
    await harness.api.wait_until(
        lambda: any(f["file_name"].startswith("ky-ten-") for f in harness.api.files(secretary.id)),
        timeout=10,
    )
    sheet = next(f for f in harness.api.files(secretary.id) if f["file_name"].startswith("ky-ten-"))
    names = [row.cells[1].text for row in Document(io.BytesIO(sheet["data"])).tables[-1].rows]
    assert names[0] == "Họ và tên"  # then the roster in roll order, Telegram or not
    assert sorted(names[1:]) == ["Lê Văn Không Dùng", "Nguyễn Thị Hoa", "Nguyễn Văn An"]
