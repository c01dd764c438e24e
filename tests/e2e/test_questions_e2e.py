"""Rules Q&A through Telegram: private text, /hoi in the group, /quydinh browsing, and
questions about the cell's own data answered from the database."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Meeting, MeetingKind
from tests.e2e.conftest import Harness


async def test_private_questions_without_diacritics_cite_sources(harness: Harness) -> None:
    stranger = harness.api.user(555, "Khách")
    reply = await harness.say(stranger, "hop chi bo it nhat bao nhieu phut")
    assert "90 phút" in reply["text"]
    assert "Nguồn:" in reply["text"] and "42-HD/BTCTW" in reply["text"]


async def test_out_of_scope_is_honest_and_offers_topics(harness: Harness) -> None:
    user = harness.api.user(556, "Khách")
    reply = await harness.say(user, "Hôm nay giá xăng bao nhiêu?")
    assert "chưa tìm thấy" in reply["text"]
    assert "chi ủy" in reply["text"]
    assert "reply_markup" not in reply  # nothing close enough to suggest
    reply = await harness.say(user, "dang vien")  # too vague: the closest topics as buttons
    assert "chưa tìm thấy" in reply["text"]
    await user.press(reply, 0)
    topic = await harness.api.wait_for_message(user.id)
    assert "Nguồn:" in topic["text"]


async def test_hoi_in_group_and_browse_topics(harness: Harness) -> None:
    secretary = await harness.secretary()
    group = await harness.group(secretary)
    await secretary.send("/hoi bo sinh hoat 3 thang co bi xoa ten ko", chat=group)
    reply = await harness.api.wait_for_message(group.id)
    assert "xóa tên" in reply["text"].lower() and "Nguồn:" in reply["text"]
    await secretary.send("/hoi", chat=group)
    usage = await harness.api.wait_for_message(group.id)
    assert "/hoi" in usage["text"]

    browse = await harness.say(secretary, "/quydinh")
    buttons = browse["reply_markup"]["inline_keyboard"]
    assert len(buttons) >= 3
    await secretary.press(browse, 0)
    topics = await harness.wait_text(secretary.id, browse["message_id"], "chọn chủ đề")
    await secretary.press(topics, 0)
    topic = await harness.api.wait_for_message(secretary.id)
    assert "Nguồn:" in topic["text"]
    forged = secretary.press_data(secretary, "qd:0:khong_co_muc_nay")
    assert "không còn hiệu lực" in (await harness.api.wait_for_callback_answer(forged))["text"]


async def test_questions_about_the_cells_own_meetings(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    reply = await harness.say(an, "thang nay hop ngay nao")
    assert "chưa có buổi sinh hoạt nào sắp tới" in reply["text"]
    membership = await harness.services.members.membership(an.id)
    assert membership is not None
    async with harness.services.db.session() as session:
        session.add(
            Meeting(
                cell_id=membership.cell.id,
                kind=MeetingKind.THEMATIC,
                starts_at=harness.clock.now() + timedelta(days=5),
                duration_minutes=90,
                place="Hội trường khu phố",
                topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            )
        )
    reply = await harness.say(an, "tháng này họp ngày nào?")
    assert "02/12/2026" in reply["text"] and "Hội trường khu phố" in reply["text"]
    assert "dữ liệu của chi bộ" in reply["text"]
    reply = await harness.say(an, "chuyen de quy nay ve gi")
    assert "Hồ Chí Minh" in reply["text"]
    reply = await harness.say(an, "toi da xac nhan chua")
    assert "chưa trả lời" in reply["text"]
    stranger = harness.api.user(999, "Lạ")
    reply = await harness.say(stranger, "thang nay hop ngay nao")
    assert "thành viên" in reply["text"]
