"""The roster is the whole cell (issue #12 point 1), through the real Application over HTTP:
members without Telegram typed in from /thanhvien or sent as a file, and the one-button match
when such a member later opens the invite link (their history stays with them)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.clock import ManualClock
from storage.enums import AttendanceAnswer
from storage.models import Attendance, Member, MemberState
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness

ROSTER_CSV = (
    "Họ tên,Năm sinh,Ngày vào Đảng,Trạng thái\n"
    "Lê Văn Tám,1948,03/02/1975,chính thức\n"
    "Phạm Thị Lan,1952,19/05/1980,dự bị\n"
).encode()


async def _rows(harness: Harness) -> list[Member]:
    async with harness.services.db.session() as session:
        return list(await session.scalars(select(Member).order_by(Member.id)))


async def test_the_committee_types_in_members_without_telegram(harness: Harness) -> None:
    secretary = await harness.secretary()
    roster = await harness.say(secretary, "/thanhvien")
    await secretary.press(roster, "➕ Thêm đảng viên không dùng Telegram")
    prompt = await harness.api.wait_for_message(
        secretary.id, lambda m: "mỗi đảng viên" in m["text"]
    )
    assert "Lê Văn Tám; 1948; 03/02/1975; chính thức" in prompt["text"]

    refused = await harness.say(secretary, "Lê Văn Tám; 1948; 03/02/1975\nPhạm Thị Lan; năm")
    assert "Chưa ghi đồng chí nào" in refused["text"]
    assert "dòng 2: năm sinh «năm» không hợp lệ" in refused["text"]
    assert len(await _rows(harness)) == 1  # the secretary only: all or nothing

    done = await harness.say(secretary, "Lê Văn Tám; 1948; 03/02/1975\nPhạm Thị Lan; 1952; ; dự bị")
    assert "thêm mới 2 đồng chí" in done["text"]
    listed = await harness.say(secretary, "/thanhvien")
    assert "Lê Văn Tám — Đảng viên, chính thức (không dùng Telegram)" in listed["text"]
    assert "Phạm Thị Lan — Đảng viên, dự bị (không dùng Telegram)" in listed["text"]
    # The prompt is over: the next text is a question again, not a member to add.
    await harness.say(secretary, "Lê Văn Tám; 1948")
    assert len(await _rows(harness)) == 3


async def test_a_roster_file_sent_to_the_bot_is_imported_once(harness: Harness) -> None:
    secretary = await harness.secretary()
    await secretary.send_document(ROSTER_CSV, "danh-sach.csv")
    reply = await harness.api.wait_for_message(secretary.id, lambda m: "danh sách" in m["text"])
    assert "thêm mới 2 đồng chí; 0 đồng chí đã có" in reply["text"]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Họ tên", "Năm sinh"], ["lê văn tám", 1948], ["Đỗ Văn Hùng", 1990]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    await secretary.send_document(data.getvalue(), "ds.xlsx")
    reply = await harness.api.wait_for_message(secretary.id, lambda m: "Đỗ Văn Hùng" in m["text"])
    assert "thêm mới 1 đồng chí; 1 đồng chí đã có" in reply["text"]
    names = [m.full_name for m in await _rows(harness)]
    assert names.count("Lê Văn Tám") == 1 and len(names) == 4

    await secretary.send_document(b"ho ten,nam sinh\nX,1950\n", "sai.csv")
    reply = await harness.api.wait_for_message(secretary.id, lambda m: "dòng 2" in m["text"])
    assert "họ tên ngắn quá" in reply["text"]
    assert len(await _rows(harness)) == 4


async def test_members_and_strangers_cannot_import(harness: Harness) -> None:
    secretary = await harness.secretary()
    member = await harness.member(secretary, "Trần Văn Bình", 301)
    await member.send_document(ROSTER_CSV, "ds.csv")
    reply = await harness.api.wait_for_message(member.id)
    assert "chi ủy" in reply["text"] and "thêm mới" not in reply["text"]
    stranger = harness.api.user(999, "Lạ")
    await stranger.send_document(ROSTER_CSV, "ds.csv")
    reply = await harness.api.wait_for_message(stranger.id)
    assert "thêm mới" not in reply["text"]
    assert len(await _rows(harness)) == 2


async def test_opening_the_invite_matches_the_roster_entry_and_keeps_history(
    harness: Harness, clock: ManualClock
) -> None:
    secretary = await harness.secretary()
    await secretary.send_document(ROSTER_CSV, "ds.csv")
    await harness.api.wait_for_message(secretary.id, lambda m: "thêm mới" in m["text"])
    tam = next(m for m in await _rows(harness) if m.full_name == "Lê Văn Tám")
    cell = next(c for c in await harness.services.cells.list_cells())
    meeting_id = await make_meeting(harness.services.db, cell.id, clock.now() + days(3))
    await harness.services.attendance.answer_for(
        secretary.id, meeting_id, tam.id, AttendanceAnswer.YES
    )

    payload = await harness.invite_payload(secretary)
    person = harness.api.user(401, "Tám", last_name="Lê Văn")
    await harness.say(person, f"/start {payload}")
    await harness.say(person, "lê văn tám")
    # The digest goes through the outbox, after the reminders already due to her.
    review = await harness.api.wait_for_message(
        secretary.id, lambda m: "trong danh sách?" in m.get("text", ""), timeout=20
    )
    assert "Đây là đồng chí Lê Văn Tám (sinh năm 1948) trong danh sách?" in review["text"]
    labels = [b["text"] for row in review["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["🔗 1. Là Lê Văn Tám (1948)", "✅ Duyệt 1. lê văn tám", "❌ Từ chối 1"]
    await secretary.press(review, "🔗 1. Là Lê Văn Tám (1948)")
    told = await harness.api.wait_for_message(person.id, lambda m: "đã duyệt" in m["text"])
    assert "Chi bộ Khu phố 3" in told["text"]
    edited = harness.api.get_message(secretary.id, review["message_id"])
    assert edited is not None and "Lịch sử tham dự" in edited["text"]

    rows = await _rows(harness)
    assert len(rows) == 3  # no twin: the request row became the roster entry
    entry = next(m for m in rows if m.id == tam.id)
    assert (entry.telegram_id, entry.state, entry.can_dm) == (401, MemberState.ACTIVE, True)
    async with harness.services.db.session() as session:
        kept = await session.scalar(
            select(func.count()).where(
                Attendance.member_id == tam.id, Attendance.meeting_id == meeting_id
            )
        )
    assert kept == 1
    # He now acts as himself: his own answer is the roster entry's answer.
    membership = await harness.services.members.membership(401)
    assert membership is not None and membership.member.id == tam.id

    mine = await harness.say(person, "/cuatoi")
    assert "Năm sinh: 1948; ngày vào Đảng: 03/02/1975" in mine["text"]
    assert "chi ủy trả lời thay" in mine["text"]  # the answer given for him before he joined

    # The same button again (a double tap or a second reviewer): refused politely.
    match_data = review["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    query = secretary.press_data(review, match_data)
    answer = await harness.api.wait_for_callback_answer(query)
    assert "danh sách" in answer["text"]
