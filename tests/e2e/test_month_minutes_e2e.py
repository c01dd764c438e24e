"""Issue #12 point 8: minutes a secretary can file — chair, minute-taker, place and start
chosen in chat (a typed start replaces check-in's; one ahead of now or after the end is
refused), the "kết thúc" tap, then the draft: A4, the cell and its parent committee in the
heading, the sent agenda under "I. NỘI DUNG SINH HOẠT", the comments in an annex with hidden
names hidden, the length from the start to "kết thúc", warned under HD 42's minimum."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from docx import Document
from sqlalchemy import select, update

from bot.texts import exports as tx
from storage.models import AuditEntry, Cell, Meeting
from tests.e2e.conftest import Harness
from tests.e2e.month_helpers import add_meeting, agenda_sent, signatures
from tests.e2e.test_broadcast_e2e import _compose_and_send

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, tzinfo=VN)
AGENDA = "1. Thông tin thời sự\n2. Kiểm điểm nghị quyết tháng 11\n3. Nhiệm vụ tháng 12"


async def test_minutes_details_chosen_in_chat_reach_the_draft(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.group(secretary)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    binh = await harness.member(secretary, "Trần Văn Bình", 202)
    async with harness.services.db.session() as session:
        await session.execute(update(Cell).values(parent_committee="Đảng bộ phường Bến Thành"))
    meeting_id = await add_meeting(harness.services, DEC5, place="Hội trường khu phố 3")
    await _compose_and_send(harness, secretary, AGENDA)
    await agenda_sent(harness.services)
    await harness.services.comments.add(an.id, meeting_id, "Đề nghị bàn thêm về đảng phí.")
    hidden = await harness.services.comments.add(binh.id, meeting_id, "Góp ý xin ẩn tên")
    await harness.services.comments.set_hidden(binh.id, hidden.id, True)

    harness.clock.set(DEC5 + timedelta(minutes=5))  # check-in opens at 14h05
    roll = await harness.say(secretary, "/danhsach", expect="Mở điểm danh")
    await secretary.press(roll, "🙋 Mở điểm danh trong nhóm")
    await harness.api.wait_for_message(-1001, lambda m: "Tôi có mặt" in str(m.get("reply_markup")))
    roll = await harness.say(secretary, "/danhsach", expect=tx.BUTTON_MINUTES)
    await secretary.press(roll, tx.BUTTON_MINUTES)
    screen = await harness.wait_text(secretary.id, roll["message_id"], "📄 Biên bản")
    assert "14h05 (lúc mở điểm danh)" in screen["text"] and "chưa bấm kết thúc" in screen["text"]

    await secretary.press(screen, tx.BUTTON_CHAIR)
    pick = await harness.wait_text(secretary.id, roll["message_id"], "Chọn người chủ trì")
    await secretary.press(pick, "Nguyễn Thị Hoa")
    await harness.wait_text(secretary.id, roll["message_id"], "Chủ trì: Nguyễn Thị Hoa")
    screen = await harness.wait_text(secretary.id, roll["message_id"], "📄 Biên bản")
    await secretary.press(screen, tx.BUTTON_TAKER)
    pick = await harness.wait_text(secretary.id, roll["message_id"], "Chọn thư ký")
    await secretary.press(pick, tx.BUTTON_TYPE_NAME)
    await harness.api.wait_for_message(secretary.id, lambda m: "gõ họ và tên thư ký" in m["text"])
    screen = await harness.say(secretary, "Lê Thị Cúc", expect="Thư ký: Lê Thị Cúc")
    await secretary.press(screen, tx.BUTTON_PLACE)  # held elsewhere than planned
    await harness.api.wait_for_message(secretary.id, lambda m: tx.ASK_PLACE in m["text"])
    screen = await harness.say(
        secretary, "Nhà văn hóa khu phố 3", expect="Địa điểm: Nhà văn hóa khu phố 3"
    )
    # The sitting really began before check-in opened: the secretary types its start.
    await secretary.press(screen, tx.BUTTON_START)
    await harness.api.wait_for_message(secretary.id, lambda m: tx.ASK_START in m["text"])
    await harness.say(secretary, "14h20", expect=tx.MINUTES_INPUT_ERRORS["minutes_start_ahead"])
    screen = await harness.say(secretary, "14g00", expect="Bắt đầu: 14h00\n")
    assert "lúc mở điểm danh" not in screen["text"]

    harness.clock.set(DEC5 + timedelta(minutes=85))  # 85 minutes after the typed start: short
    await secretary.press(screen, tx.BUTTON_FINISH)
    screen = await harness.wait_text(secretary.id, screen["message_id"], "Thời lượng: 85 phút")
    assert "Dưới mức tối thiểu 90 phút" in screen["text"]
    assert tx.BUTTON_FINISH not in str(screen["reply_markup"])  # one "kết thúc" per sitting
    # A start typed after the recorded end is refused and changes nothing.
    harness.clock.set(DEC5 + timedelta(minutes=100))
    await secretary.press(screen, tx.BUTTON_START)
    await harness.api.wait_for_message(
        secretary.id, lambda m: tx.ASK_START in m["text"] and m["message_id"] > screen["message_id"]
    )
    await harness.say(secretary, "15h30", expect=tx.MINUTES_INPUT_ERRORS["minutes_start_after_end"])
    async with harness.services.db.session() as session:
        stored = await session.get(Meeting, meeting_id)
        assert stored is not None and stored.held_ended_at == DEC5 + timedelta(minutes=85)
        assert stored.held_started_at == DEC5
        assert (stored.chair, stored.minute_taker) == ("Nguyễn Thị Hoa", "Lê Thị Cúc")
        audited = await session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "minutes_detail_set")
        )
        assert {d["field"] for d in audited} == {
            "chair",
            "minute_taker",
            "place",
            "held_started_at",
            "held_ended_at",
        }

    await secretary.press(screen, tx.BUTTON_DRAFT)
    await harness.api.wait_until(
        lambda: any(f["file_name"].startswith("bien-ban") for f in harness.api.files(secretary.id))
    )
    data = next(
        f["data"] for f in harness.api.files(secretary.id) if f["file_name"].startswith("bien-ban")
    )
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    heading = doc.tables[0].rows[0].cells[0].text
    assert "ĐẢNG BỘ PHƯỜNG BẾN THÀNH" in heading and "CHI BỘ KHU PHỐ 3" in heading
    paragraphs = [p.text for p in doc.paragraphs]
    text = "\n".join(paragraphs)
    assert "Chủ trì: Nguyễn Thị Hoa." in text and "Thư ký: Lê Thị Cúc." in text
    assert "Địa điểm: Nhà văn hóa khu phố 3." in text and "Hội trường khu phố 3" not in text
    assert "Thời gian: bắt đầu lúc 14h00" in text and "14h05" not in text
    assert "Thời lượng: 85 phút (từ 14h00 đến lúc chi ủy bấm kết thúc 15h25)." in text
    assert "dưới mức tối thiểu 90 phút" in text
    assert "Buổi sinh hoạt kết thúc lúc 15h25 cùng ngày." in text
    assert signatures(doc) == ("Lê Thị Cúc", "Nguyễn Thị Hoa")  # minute-taker left, chair right
    section_i = paragraphs.index(tx.SECTION_AGENDA)
    section_ii = paragraphs.index(tx.SECTION_PROCEEDINGS)
    assert paragraphs[section_i + 2 : section_i + 5] == AGENDA.splitlines()
    annex = paragraphs.index(tx.ANNEX_TITLE)
    assert section_i < section_ii < annex
    comments = paragraphs[annex:]
    assert "Đồng chí Nguyễn Văn An: Đề nghị bàn thêm về đảng phí." in comments
    assert "Một đồng chí (đề nghị ẩn tên): Góp ý xin ẩn tên" in comments
    assert "Trần Văn Bình" not in text
