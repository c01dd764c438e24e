"""Rules Q&A through Telegram: private text, /hoi in the group, /quydinh browsing, and
questions about the cell's own data answered from the database."""

from __future__ import annotations

from datetime import timedelta

from storage.models import Meeting, MeetingKind
from tests.e2e.conftest import Harness


async def test_answer_is_short_with_sources_and_details_behind_a_button(harness: Harness) -> None:
    stranger = harness.api.user(555, "Khách")
    reply = await harness.say(stranger, "hop chi bo it nhat bao nhieu fut")
    assert reply["text"].startswith("Ít nhất 90 phút")
    assert "Nguồn:" in reply["text"] and "42-HD/BTCTW" in reply["text"]
    assert len(reply["text"]) <= 600
    keyboard = reply["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["📖 Chi tiết"]
    await stranger.press(reply, 0)
    details = await harness.api.wait_for_message(stranger.id)
    assert "cấp ủy có thẩm quyền" in details["text"]  # the caveat, only in the details
    assert "Theo bản tóm tắt của luatvietnam.vn" in details["text"]  # the sources in full
    forged = stranger.press_data(stranger, "qct:0:khong_co_muc_nay")
    assert "không còn hiệu lực" in (await harness.api.wait_for_callback_answer(forged))["text"]


async def test_two_part_question_gets_both_answers_in_order(harness: Harness) -> None:
    member = harness.api.user(557, "Khách")
    reply = await harness.say(member, "về hưu đóng thế nào, có được miễn không?")
    text = reply["text"]
    assert text.index("0,5% lương hưu") < text.index("50 năm tuổi đảng")
    assert len(text) <= 600
    buttons = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["📖 Chi tiết: Mức đóng đảng phí", "📖 Chi tiết: Miễn, giảm đảng phí"]
    await member.press(reply, 1)
    details = await harness.api.wait_for_message(member.id)
    assert details["text"].startswith("📖 Miễn, giảm đảng phí")


async def test_out_of_scope_gets_one_line_and_vague_questions_offer_topics(
    harness: Harness,
) -> None:
    user = harness.api.user(556, "Khách")
    reply = await harness.say(user, "Hôm nay giá xăng bao nhiêu?")
    assert "\n" not in reply["text"] and "sinh hoạt chi bộ" in reply["text"]
    assert "chi ủy" not in reply["text"]
    assert "reply_markup" not in reply
    reply = await harness.say(user, "dang vien")  # too vague: the closest topics as buttons
    assert "chưa tìm thấy" in reply["text"] and "chi ủy" in reply["text"]
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


async def test_cell_answers_name_this_months_meetings_still_to_come(harness: Harness) -> None:
    secretary = await harness.secretary()
    binh = await harness.member(secretary, "Trần Văn Bình", 202)
    membership = await harness.services.members.membership(binh.id)
    assert membership is not None
    now = harness.clock.now()  # Friday 27/11/2026 in the cell's time zone
    async with harness.services.db.session() as session:
        for kind, starts_at in (
            (MeetingKind.EXTRAORDINARY, now + timedelta(hours=3)),  # today
            (MeetingKind.REGULAR, now + timedelta(days=3)),  # this month, still to come
            (MeetingKind.THEMATIC, now + timedelta(days=5)),  # next month
        ):
            session.add(
                Meeting(
                    cell_id=membership.cell.id,
                    kind=kind,
                    starts_at=starts_at,
                    duration_minutes=90,
                    place="Nhà văn hóa",
                    topic="Học tập và làm theo tư tưởng Hồ Chí Minh",
                )
            )
    reply = await harness.say(binh, "thang nay hop ngay nao")
    first, rest = reply["text"].split("Tháng này chi bộ còn:")
    assert "27/11/2026" in first and "30/11/2026" in rest and "02/12/2026" not in reply["text"]
    reply = await harness.say(binh, "chuyen de quy nay ve gi")
    assert "Hồ Chí Minh" in reply["text"] and "02/12/2026" in reply["text"]
    this_month = reply["text"].split("Tháng này chi bộ còn:")[1]
    assert "27/11/2026" in this_month and "30/11/2026" in this_month
