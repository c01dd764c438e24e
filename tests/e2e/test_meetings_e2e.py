"""Meetings end to end: /taolich in chat, /lich, /chuyende, the .ics file, edit and cancel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.meetings import reminders
from bot.meetings.drafts import TEXT_LIMITS, MeetingDraft
from bot.texts import meetings as tx
from storage.models import Cell, Meeting, MeetingKind, MeetingStatus, OutboxMessage
from tests.e2e.conftest import Harness, Message

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _buttons(message: Message) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def _meetings(harness: Harness) -> list[Meeting]:
    async with harness.services.db.session() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.id)))


async def _ask(harness: Harness, user: Any, text: str, needle: str) -> Message:
    """Send a command and wait for the reply containing ``needle`` (notices from the outbox
    may arrive in between)."""
    await user.send(text)
    return await harness.api.wait_for_message(user.id, lambda m: needle in m.get("text", ""))


async def _create_thematic(harness: Harness) -> Message:
    secretary = harness.people["Nguyễn Thị Hoa"]
    start = await harness.say(secretary, "/taolich")
    assert "Đồng chí chọn loại buổi sinh hoạt" in start["text"]
    await secretary.press(start, "📅+📘 Thường kỳ + chuyên đề")
    await harness.wait_text(secretary.id, start["message_id"], "gõ ngày giờ")
    reply = await harness.say(secretary, "14h ngày 5/12")
    assert "Thứ Bảy, 05/12/2026, lúc 14h00" in reply["text"] and "địa điểm" in reply["text"]
    reply = await harness.say(secretary, "Hội trường khu phố 3")
    assert "chủ đề" in reply["text"]
    reply = await harness.say(secretary, "Học tập và làm theo tư tưởng Hồ Chí Minh")
    assert "bản đề dẫn" in reply["text"]
    reply = await harness.say(secretary, "Nguyễn Văn An")
    assert _buttons(reply) == ["⏭ Bỏ qua"]
    await secretary.press(reply, "⏭ Bỏ qua")
    await harness.wait_text(secretary.id, reply["message_id"], "chuẩn bị gì")
    confirm = await harness.say(secretary, "Đọc trước tài liệu, chuẩn bị ý kiến")
    assert "Tạo buổi sinh hoạt này?" in confirm["text"] and "120 phút" in confirm["text"]
    return confirm


async def test_taolich_wizard_creates_once_and_lich_shows_it(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    confirm = await _create_thematic(harness)
    await secretary.press(confirm, "✅ Tạo lịch")
    await secretary.press(confirm, "✅ Tạo lịch")  # a double tap
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    meetings = await _meetings(harness)
    assert len(meetings) == 1
    meeting = meetings[0]
    assert meeting.starts_at == datetime(2026, 12, 5, 14, tzinfo=VN)
    assert meeting.duration_minutes == 120 and meeting.presenters == "Nguyễn Văn An"
    assert meeting.materials is None and meeting.preparation.startswith("Đọc trước")  # type: ignore[union-attr]
    async with harness.services.db.session() as session:
        notices = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "meeting_notice")
            )
        )
    assert [n.chat_id for n in notices] == [an.id]  # the secretary is not told of her own act

    async with harness.services.db.session() as session:  # the cell's own lead times
        await session.execute(update(Cell).values(reminder_leads=[4320, 45]))
    lich = await _ask(harness, an, "/lich", "Lịch sinh hoạt sắp tới")
    assert "Thứ Bảy, 05/12/2026, lúc 14h00" in lich["text"]
    assert "chưa trả lời" in lich["text"]
    answer = ["✅ Có mặt (1)", "❌ Vắng (1)", "❔ (1)"]
    assert _buttons(lich) == [*answer, "📅 Thêm vào lịch điện thoại (1)"]  # no edit buttons
    await an.press(lich, "📅 Thêm vào lịch điện thoại (1)")
    document = await harness.api.wait_for_message(an.id, lambda m: "document" in m)
    data = harness.api.file_bytes(document["document"]["file_id"])
    assert b"DTSTART:20261205T070000Z" in data and data.endswith(b"\r\n")
    # Named by the cell's day; the alarm at the cell's shortest lead; a phone's calendar
    # updates the event it holds from SEQUENCE and LAST-MODIFIED.
    assert document["document"]["file_name"] == f"sinh-hoat-20261205-{meeting.id}.ics"
    assert b"TRIGGER:-PT45M" in data and b"SEQUENCE:0" in data and b"LAST-MODIFIED:" in data

    chuyende = await _ask(harness, an, "/chuyende", "chuyên đề sắp tới")
    assert "Học tập và làm theo tư tưởng Hồ Chí Minh" in chuyende["text"]
    assert "Nguyễn Văn An" in chuyende["text"]
    assert "trước Thứ Sáu, 04/12/2026, lúc 14h00" in chuyende["text"]
    assert "120 phút" in chuyende["text"]


async def test_committee_edits_and_cancels_from_lich(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    confirm = await _create_thematic(harness)
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    lich = await harness.say(secretary, "/lich")
    assert _buttons(lich)[3:] == ["📅 Thêm vào lịch điện thoại (1)", "✏️ Sửa (1)", "🚫 Hủy (1)"]
    await secretary.press(lich, "✏️ Sửa (1)")
    menu = await harness.wait_text(secretary.id, lich["message_id"], "muốn sửa gì")
    await secretary.press(menu, "⏱ Thời lượng")
    await harness.api.wait_for_message(secretary.id, lambda m: "phút" in m.get("text", ""))
    reply = await harness.say(secretary, "60")
    assert "60 phút" in reply["text"] and "120 phút" in reply["text"]  # warned: minimum 120
    # A member cannot use the committee's buttons, even forged.
    meeting = (await _meetings(harness))[0]
    query = an.press_data(an, f"lm:{meeting.id}:cy")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "dành cho chi ủy" in answer["text"]

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "🚫 Hủy (1)")
    ask_cancel = await harness.wait_text(secretary.id, lich["message_id"], "chắc chắn hủy")
    await secretary.press(ask_cancel, "🚫 Hủy buổi sinh hoạt")
    await harness.wait_text(secretary.id, lich["message_id"], "Đã hủy")
    assert (await _meetings(harness))[0].status == MeetingStatus.CANCELLED
    query = secretary.press_data(secretary, f"lm:{meeting.id}:cy")  # pressed again later
    answer = await harness.api.wait_for_callback_answer(query)
    assert "không còn" in answer["text"]
    empty = await _ask(harness, an, "/lich", "Chưa có buổi")
    assert "Chưa có buổi sinh hoạt nào" in empty["text"]


async def test_wizard_explains_bad_dates_and_strangers_are_refused(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    reply = await harness.say(an, "/taolich")
    assert "dành cho chi ủy" in reply["text"]
    stranger = harness.api.user(999, "Lạ")
    reply = await harness.say(stranger, "/lich")
    assert "chưa là thành viên" in reply["text"]
    start = await harness.say(secretary, "/taolich")
    await secretary.press(start, "📅 Thường kỳ")
    await harness.wait_text(secretary.id, start["message_id"], "gõ ngày giờ")
    for text, expected in (
        ("31/2 14h", "không có trong lịch"),
        ("14h 1/1/2026", "đã qua"),
        ("họp lúc nào cũng được", "chưa hiểu ngày giờ"),
        ("5/12", "gõ thêm giờ"),
    ):
        reply = await harness.say(secretary, text)
        assert expected in reply["text"], (text, reply["text"])
    suggested = harness.api.get_message(secretary.id, start["message_id"])
    assert suggested is not None
    first = _buttons(suggested)[0]
    assert first.startswith("📅 Thứ Bảy, 28/11/2026")  # the next Saturday, 08h00
    await secretary.press(suggested, first)
    await harness.wait_text(secretary.id, start["message_id"], "địa điểm")
    assert await _meetings(harness) == []


async def test_caidat_sets_rules_and_lead_times(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    assert "dành cho chi ủy" in (await harness.say(an, "/caidat"))["text"]
    panel = await harness.say(secretary, "/caidat")
    assert "Sinh hoạt thường kỳ: chưa đặt" in panel["text"]
    assert "Nhắc trước: 3 ngày, 1 ngày, 2 giờ" in panel["text"]
    await secretary.press(panel, "📅 Đặt lịch thường kỳ")
    await harness.api.wait_for_message(secretary.id, lambda m: "thứ Ba đầu tiên" in m["text"])
    reply = await harness.say(secretary, "thu ba dau tien 14h")
    assert "Thứ Ba đầu tiên hằng tháng, lúc 14h00" in reply["text"]
    assert "Đã tạo 3 buổi" in reply["text"]
    await secretary.press(panel, "📘 Đặt lịch chuyên đề")
    which = await harness.api.wait_for_message(secretary.id, lambda m: "tháng nào" in m["text"])
    await secretary.press(which, "Tháng cuối quý")
    await harness.wait_text(secretary.id, which["message_id"], "kèm giờ")
    reply = await harness.say(secretary, "thứ Sáu cuối tháng 19:30")
    assert "tháng cuối mỗi quý, lúc 19h30" in reply["text"] and "Đã tạo 1 buổi" in reply["text"]
    await secretary.press(panel, "🔔 Thời điểm nhắc")
    await harness.api.wait_for_message(secretary.id, lambda m: "3 ngày, 1 ngày" in m["text"])
    reply = await harness.say(secretary, "mai")
    assert "chưa hiểu" in reply["text"]
    reply = await harness.say(secretary, "2 ngày, 3 giờ")
    assert "Nhắc trước: 2 ngày, 3 giờ" in reply["text"]
    lich = await _ask(harness, an, "/lich", "Lịch sinh hoạt sắp tới")
    assert lich["text"].count("Sinh hoạt chi bộ thường kỳ") == 3
    assert "Thứ Ba, 01/12/2026, lúc 14h00" in lich["text"]
    assert "Thứ Sáu, 25/12/2026, lúc 19h30" in lich["text"]
    panel = await harness.say(secretary, "/caidat")
    assert "Thứ Sáu cuối tháng, tháng cuối mỗi quý, lúc 19h30" in panel["text"]


async def _to_presenter_step(harness: Harness, secretary: Any) -> Message:
    start = await harness.say(secretary, "/taolich")
    await secretary.press(start, "📘 Chuyên đề")
    await harness.wait_text(secretary.id, start["message_id"], "gõ ngày giờ")
    await harness.say(secretary, "14h ngày 5/12")
    await harness.say(secretary, "Hội trường khu phố 3")
    prompt = await harness.say(secretary, "Học tập và làm theo tư tưởng Hồ Chí Minh")
    assert "bản đề dẫn" in prompt["text"]
    return prompt


async def test_presenters_are_picked_from_the_member_list(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.member(secretary, "Nguyễn Văn An", 201)
    await harness.member(secretary, "Lê Thị Bình", 202)
    prompt = await _to_presenter_step(harness, secretary)
    assert set(_buttons(prompt)) == {"Nguyễn Thị Hoa", "Nguyễn Văn An", "Lê Thị Bình"}
    await secretary.press(prompt, "Nguyễn Văn An")
    chosen = await harness.wait_text(secretary.id, prompt["message_id"], "Đã chọn: Nguyễn Văn An")
    assert "☑️ Nguyễn Văn An" in _buttons(chosen) and "✅ Xong" in _buttons(chosen)
    await secretary.press(chosen, "Lê Thị Bình")
    both = await harness.wait_text(
        secretary.id, prompt["message_id"], "Đã chọn: Nguyễn Văn An, Lê Thị Bình"
    )
    await secretary.press(both, "☑️ Lê Thị Bình")  # changed her mind
    one = await harness.wait_text(secretary.id, prompt["message_id"], "Đã chọn: Nguyễn Văn An.")
    assert "Lê Thị Bình" in _buttons(one) and "☑️ Nguyễn Văn An" in _buttons(one)


async def test_presenter_pick_then_done_plans_the_lead_paper_reminder(harness: Harness) -> None:
    secretary = await harness.secretary()
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    prompt = await _to_presenter_step(harness, secretary)
    await secretary.press(prompt, "Nguyễn Văn An")
    chosen = await harness.wait_text(secretary.id, prompt["message_id"], "Đã chọn")
    await secretary.press(chosen, "✅ Xong")
    materials = await harness.wait_text(secretary.id, prompt["message_id"], "tài liệu")
    again = secretary.press_data(secretary, "tl:0:pok")  # a double tap on the old keyboard
    assert "kết thúc" in (await harness.api.wait_for_callback_answer(again))["text"]
    await secretary.press(materials, "⏭ Bỏ qua")
    prep = await harness.wait_text(secretary.id, prompt["message_id"], "chuẩn bị gì")
    await secretary.press(prep, "⏭ Bỏ qua")
    confirm = await harness.wait_text(secretary.id, prompt["message_id"], "Tạo buổi")
    assert "Nguyễn Văn An" in confirm["text"]
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, prompt["message_id"], "Đã tạo lịch")
    meeting = (await _meetings(harness))[0]
    assert meeting.presenters == "Nguyễn Văn An"
    async with harness.services.db.session() as session:
        presenter_rows = list(
            await session.scalars(
                select(OutboxMessage.chat_id).where(
                    OutboxMessage.dedupe_key.like(f"task:{meeting.id}:%:presenter:%")
                )
            )
        )
    assert an.id in presenter_rows


async def test_typed_presenter_unknown_to_the_cell_is_flagged(harness: Harness) -> None:
    secretary = await harness.secretary()
    await harness.member(secretary, "Nguyễn Văn An", 201)
    await _to_presenter_step(harness, secretary)
    # a forged pick naming no member of this cell is refused, and the step stays open
    forged = secretary.press_data(secretary, "tl:0:p_999999")
    answer = await harness.api.wait_for_callback_answer(forged)
    assert "không còn trong danh sách" in answer["text"]
    await secretary.send("nguyen van an, Trần Văn Khách")
    warning = await harness.api.wait_for_message(
        secretary.id, lambda m: "Lưu ý" in m.get("text", "")
    )
    assert "Trần Văn Khách" in warning["text"] and "Nguyễn Văn An" not in warning["text"]
    materials = await harness.api.wait_for_message(
        secretary.id, lambda m: "tài liệu" in m.get("text", "")
    )
    assert _buttons(materials) == ["⏭ Bỏ qua"]


async def test_group_panel_follows_a_move_and_a_cancel(harness: Harness) -> None:
    """Nobody asks for a refresh: moving or cancelling the meeting edits its group panel."""
    secretary = await harness.secretary()
    group = await harness.group(secretary)
    an = await harness.member(secretary, "Nguyễn Văn An", 201)
    await group.add_user(an)
    confirm = await _create_thematic(harness)
    await secretary.press(confirm, "✅ Tạo lịch")
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    notice = await harness.api.wait_for_message(
        group.id, lambda m: "lịch sinh hoạt mới" in m.get("text", "")
    )
    await harness.api.wait_for_callback_answer(await an.press(notice, "✅ Có mặt"))
    panel = await harness.api.wait_for_message(group.id, lambda m: "📋" in m.get("text", ""))
    assert "05/12/2026" in panel["text"] and "Có mặt: 1" in panel["text"]

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "✏️ Sửa (1)")
    menu = await harness.wait_text(secretary.id, lich["message_id"], "muốn sửa gì")
    await secretary.press(menu, "🕑 Ngày giờ")
    await harness.api.wait_for_message(secretary.id, lambda m: "ngày giờ" in m.get("text", ""))
    await harness.say(secretary, "14h ngày 12/12", expect="12/12/2026")
    harness.clock.advance(timedelta(seconds=5))  # past the panel's debounce
    moved = await harness.wait_text(group.id, panel["message_id"], "12/12/2026")
    assert _buttons(moved)[:3] == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]

    lich = await harness.say(secretary, "/lich")
    await secretary.press(lich, "🚫 Hủy (1)")
    ask_cancel = await harness.wait_text(secretary.id, lich["message_id"], "chắc chắn hủy")
    await secretary.press(ask_cancel, "🚫 Hủy buổi sinh hoạt")
    await harness.wait_text(secretary.id, lich["message_id"], "Đã hủy")
    harness.clock.advance(timedelta(seconds=5))
    cancelled = await harness.wait_text(group.id, panel["message_id"], "đã hủy")
    assert "12/12/2026" in cancelled["text"] and not cancelled.get("reply_markup")


async def test_chuyende_shows_a_long_thematic_meeting_whole_in_parts_in_order(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    wide = {field: "📘 " + f"{field} " * (TEXT_LIMITS[field] // 12) for field in TEXT_LIMITS}
    draft = MeetingDraft(
        MeetingKind.THEMATIC,
        datetime(2026, 12, 5, 14, tzinfo=VN),
        place=wide["place"],
        topic=wide["topic"],
        presenters=wide["presenters"],
        materials=wide["materials"],
        preparation=wide["preparation"],
    )
    await harness.services.meetings.create(secretary.id, draft)
    await secretary.send("/chuyende")
    await harness.api.wait_for_message(secretary.id, lambda m: "Quy định chung" in m["text"])
    texts = [m["text"] for m in harness.api.messages(secretary) if "text" in m]
    start = next(i for i, t in enumerate(texts) if t.startswith(tx.CHUYENDE_HEADER))
    parts = texts[start:]
    assert len(parts) > 1 and all(telegram_length(t) <= MAX_TEXT for t in parts)
    joined = "\n".join(parts)
    for field in ("topic", "materials", "preparation"):
        assert wide[field].strip() in joined
    assert joined.index(wide["materials"].strip()) < joined.index(wide["preparation"].strip())
    assert "reply_markup" in harness.api.messages(secretary)[-1]  # the calendar button, last


async def test_taolich_keeps_the_draft_when_creating_fails_as_the_error_promises(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary = await harness.secretary()
    await harness.member(secretary, "Nguyễn Văn An", 201)
    confirm = await _create_thematic(harness)
    real_plan_notice = reminders.plan_notice
    failures = iter([RuntimeError("the database went away")])

    async def fails_once(*args: Any, **kwargs: Any) -> int:
        for failure in failures:
            raise failure
        return await real_plan_notice(*args, **kwargs)

    monkeypatch.setattr(reminders, "plan_notice", fails_once)
    query = await secretary.press(confirm, "✅ Tạo lịch")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "Dữ liệu không bị mất" in answer["text"] and await _meetings(harness) == []
    await secretary.press(confirm, "✅ Tạo lịch")  # the retry the error text asks for
    await harness.wait_text(secretary.id, confirm["message_id"], "Đã tạo lịch")
    assert len(await _meetings(harness)) == 1


async def test_huge_numbers_in_meeting_buttons_get_the_polite_stale_answer(
    harness: Harness,
) -> None:
    secretary = await harness.secretary()
    start = await harness.say(secretary, "/taolich")
    await secretary.press(start, "📘 Chuyên đề")
    await harness.wait_text(secretary.id, start["message_id"], "gõ ngày giờ")
    forged = [
        "tl:0:d_" + "9" * 38,
        "tl:0:p_" + "9" * 38,
        f"tl:0:d_{10**12}",
        "lm:999999999999999999:e",
        f"lm:{2**31}:ics",
    ]
    for data in forged:
        query = secretary.press_data(secretary, data)
        answer = await harness.api.wait_for_callback_answer(query)
        assert "gặp sự cố" not in answer.get("text", ""), data
        assert answer.get("text"), data
    reply = await harness.say(secretary, "14h ngày 5/12")  # the wizard is still where it was
    assert "địa điểm" in reply["text"]


async def test_caidat_says_which_generated_days_already_had_a_meeting(harness: Harness) -> None:
    secretary = await harness.secretary()
    jan5 = datetime(2027, 1, 5, 14, tzinfo=VN)
    for start in (jan5, datetime(2027, 2, 5, 8, tzinfo=VN)):
        await harness.services.meetings.create(
            secretary.id, MeetingDraft(MeetingKind.REGULAR, start)
        )
    panel = await harness.say(secretary, "/caidat")
    await secretary.press(panel, "📅 Đặt lịch thường kỳ")
    await harness.api.wait_for_message(secretary.id, lambda m: "thứ Ba đầu tiên" in m["text"])
    reply = await harness.say(secretary, "ngày 5 hằng tháng 14h")
    assert "Đã tạo 2 buổi" in reply["text"] and "1 buổi trùng giờ" in reply["text"]
    assert "Cùng ngày với Thứ Sáu, 05/02/2027, lúc 14h00" in reply["text"]
    starts = [m.starts_at for m in await _meetings(harness)]
    assert starts.count(jan5) == 1
