"""Attendance end to end: the real PTB Application over HTTP against the fake Bot API."""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.simulator import FakeGroup, FakeUser
from handlers.attendance.answers import PANEL_JOB_INTERVAL
from storage.models import (
    Attendance,
    AttendanceAnswer,
    Cell,
    Meeting,
    Member,
    OutboxMessage,
)
from storage.repositories.panels import PanelRepository
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell
from tests.e2e.conftest import Harness

LABELS = {"y": "✅ Có mặt", "n": "❌ Vắng", "m": "❔ Chưa chắc"}
ANSWERS = {"y": AttendanceAnswer.YES, "n": AttendanceAnswer.NO, "m": AttendanceAnswer.MAYBE}


async def _cell_with_members(
    harness: Harness, count: int, *, group: bool = True
) -> tuple[FakeUser, FakeGroup | None, int, list[FakeUser]]:
    secretary = await harness.secretary()
    chat = await harness.group(secretary) if group else None
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    await add_members(
        harness.services.db, cell_id, count, tid_base=300, member_name="Đảng Viên Số {n:02d}"
    )
    users = [harness.api.user(300 + i, f"Số {i + 1:02d}", started=True) for i in range(count)]
    if chat is not None:
        for user in users:
            chat.set_member(user)
    return secretary, chat, cell_id, users


async def _panel(harness: Harness, chat: FakeGroup, meeting: int) -> dict:  # type: ignore[type-arg]
    """The meeting's group panel, as a first tap in the group would have posted it."""
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Meeting.cell_id).where(Meeting.id == meeting))
        assert cell_id is not None
        await PanelRepository(session).mark_dirty(meeting, cell_id)
    return await harness.api.wait_for_message(
        chat.id, lambda m: "📋" in m.get("text", ""), timeout=10
    )


async def _counts(harness: Harness, meeting: int) -> dict[str, int]:
    async with harness.services.db.session() as session:
        rows = (
            await session.execute(
                select(Attendance.answer, func.count())
                .where(Attendance.meeting_id == meeting)
                .group_by(Attendance.answer)
            )
        ).all()
    return {str(answer): int(n) for answer, n in rows}


async def test_thirty_members_tap_change_and_double_tap_in_the_group(harness: Harness) -> None:
    _, chat, cell_id, users = await _cell_with_members(harness, 30)
    assert chat is not None
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(8))
    panel = await _panel(harness, chat, meeting)
    assert "Chưa trả lời: 31" in panel["text"]
    buttons = [b["text"] for b in panel["reply_markup"]["inline_keyboard"][0]]
    assert buttons == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]

    rng = random.Random(7)
    finals: dict[int, str] = {}
    queries: list[tuple[FakeUser, str]] = []

    async def member(user: FakeUser) -> None:
        taps = [rng.choice("ynm") for _ in range(rng.randint(1, 3))]
        taps.append(taps[-1])  # double tap
        finals[user.id] = taps[-1]
        for code in taps:
            query = await user.press(panel, LABELS[code])
            queries.append((user, query))
            await harness.api.wait_for_callback_answer(query, timeout=15)

    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(member(user) for user in users))
    expected = {ANSWERS[c].value: sum(1 for v in finals.values() if v == c) for c in "ynm"}
    assert await _counts(harness, meeting) == {k: v for k, v in expected.items() if v}

    # the panel is edited in place, never re-posted, and converges to the exact counts
    harness.clock.advance(timedelta(seconds=5))
    text = (
        f"✅ Có mặt: {expected['yes']}   ❌ Vắng: {expected['no']}   "
        f"❔ Chưa chắc: {expected['maybe']}   Chưa trả lời: 1"
    )
    await harness.api.wait_until(
        lambda: (
            text
            in str((harness.api.get_message(chat.id, panel["message_id"]) or {}).get("text", ""))
        ),
        timeout=20,
    )
    elapsed = asyncio.get_running_loop().time() - started
    panels = [m for m in harness.api.messages(chat.id) if "📋" in m.get("text", "")]
    assert len(panels) == 1
    # The panel job edits at most once per PANEL_JOB_INTERVAL, however many taps came in.
    edits = len(harness.api.method_calls("editMessageText"))
    allowed = max(10, int(elapsed / PANEL_JOB_INTERVAL) + 2)
    assert edits <= allowed and edits < len(queries) / 2, (
        f"{edits} edits for {len(queries)} taps in {elapsed:.1f} s: not debounced"
    )

    # every double tap got a clear "nothing changed" answer; everyone got one confirmation
    # per change, privately; absent members were asked for a reason
    same = [
        q for _, q in queries if "không có gì thay đổi" in harness.api.callback_answers[q]["text"]
    ]
    assert len(same) >= 30

    # The confirmations go through the outbox (spaced to Telegram's limits): wait for them.
    def confirmed(user: FakeUser) -> bool:
        private = harness.api.messages(user.id)
        if finals[user.id] != "n":
            return bool(private)
        return any("lý do vắng mặt" in m.get("text", "") for m in private)

    await harness.api.wait_until(lambda: all(confirmed(user) for user in users), timeout=60)
    for user in users:
        private = harness.api.messages(user.id)
        assert private, f"{user} got no private confirmation"
        if finals[user.id] == "n":  # the reason prompt, a direct reply (before or after it)
            assert any("lý do vắng mặt" in m.get("text", "") for m in private)


def _has(fragment: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: fragment in message.get("text", "")


async def test_reason_flow_in_private_and_stale_buttons(harness: Harness) -> None:
    secretary, chat, cell_id, users = await _cell_with_members(harness, 2)
    assert chat is not None
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(3))
    panel = await _panel(harness, chat, meeting)
    an = users[0]
    query = await an.press(panel, "❌ Vắng")
    answer = await harness.api.wait_for_callback_answer(query)
    assert "tin nhắn riêng" in answer["text"]
    # (reminders and nudges from the outbox may arrive in between: wait for the right one)
    ask = await harness.api.wait_for_message(an.id, _has("lý do vắng mặt"))
    await an.press(ask, "✏️ Lý do khác")
    await harness.api.wait_for_message(an.id, _has("gõ lý do"))
    reply = await harness.say(an, "Đi khám bệnh định kỳ ở bệnh viện tỉnh 🏥", expect="Đi khám bệnh")
    assert "Đi khám bệnh định kỳ" in reply["text"]
    async with harness.services.db.session() as session:
        row = await session.scalar(select(Attendance).where(Attendance.meeting_id == meeting))
    assert row is not None and row.answer == "no" and row.reason_code == "khac"
    assert row.reason_text == "Đi khám bệnh định kỳ ở bệnh viện tỉnh 🏥"
    # The reason stays with the member and the committee: the group sees counts only.
    await harness.api.wait_idle(quiet=1.5)
    group_texts = [m.get("text", "") for m in harness.api.messages(chat.id)]
    assert any("📋" in text for text in group_texts)
    assert not any("khám bệnh" in text or "Lý do khác" in text for text in group_texts)

    # a stranger, a forged button for another cell's meeting, and a closed meeting
    stranger = harness.api.user(999, "Lạ", started=True)
    chat.set_member(stranger)
    answer = await harness.api.wait_for_callback_answer(await stranger.press(panel, "✅ Có mặt"))
    assert "chưa là thành viên" in answer["text"]
    other = await build_cell(
        harness.services.db,
        name="Chi bộ khác",
        group_chat_id=-2002,
        secretary_tid=5000,
        tid_base=5001,
    )
    their_meeting = await make_meeting(
        harness.services.db, other.cell_id, harness.clock.now() + days(3)
    )
    forged = users[1].press_data(chat, f"at:{their_meeting}:y")
    answer = await harness.api.wait_for_callback_answer(forged)
    assert "chi bộ khác" in answer["text"]
    garbage = users[1].press_data(chat, "at:1:zz' OR 1=1")
    assert "không hợp lệ" in (await harness.api.wait_for_callback_answer(garbage))["text"]
    harness.clock.advance(days(3))
    late = await users[1].press(panel, "✅ Có mặt")
    assert "hết thời gian" in (await harness.api.wait_for_callback_answer(late))["text"]
    async with harness.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 1
    del secretary


async def test_roll_nudge_proxy_marking_and_exports(harness: Harness) -> None:
    secretary, _, cell_id, users = await _cell_with_members(harness, 4, group=False)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(2))
    await harness.services.attendance.answer(users[0].id, meeting, AttendanceAnswer.YES)
    await harness.services.attendance.answer(users[1].id, meeting, AttendanceAnswer.NO)
    roll = await harness.say(secretary, "/danhsach", expect="Đã trả lời")
    assert "Đã trả lời 2/5" in roll["text"] and "⏳ Chưa trả lời (3)" in roll["text"]
    assert "Đảng Viên Số 03" in roll["text"]

    nudge = await secretary.press(roll, "🔔 Nhắc người chưa trả lời")
    assert "3 đồng chí" in (await harness.api.wait_for_callback_answer(nudge))["text"]
    async with harness.services.db.session() as session:
        targets = set(
            await session.scalars(
                select(OutboxMessage.chat_id).where(OutboxMessage.kind == "nudge")
            )
        )
    assert targets == {secretary.id, users[2].id, users[3].id}

    # ... and the outbox worker delivers them, with the answer buttons, to exactly those.
    def nudged(chat_id: int) -> bool:
        return any("chưa báo tham dự" in m.get("text", "") for m in harness.api.messages(chat_id))

    for person in (users[2], users[3]):
        nudge_message = await harness.api.wait_for_message(
            person.id, lambda m: "chưa báo tham dự" in m.get("text", ""), timeout=10
        )
        assert nudge_message["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ Có mặt"
    assert not nudged(users[0].id) and not nudged(users[1].id)
    again = await secretary.press(roll, "🔔 Nhắc người chưa trả lời")
    assert "đợi" in (await harness.api.wait_for_callback_answer(again))["text"]

    # answer for a member, then record actual attendance after the meeting
    await secretary.press(roll, "✍️ Trả lời thay đảng viên")
    grid = await harness.wait_text(secretary.id, roll["message_id"], "Trả lời thay")
    keyboard = grid["reply_markup"]["inline_keyboard"]
    row_index = next(i for i, r in enumerate(keyboard) if "Số 03" in r[0]["text"])
    absent_button = sum(len(r) for r in keyboard[:row_index]) + 2  # name, ✅, ❌, ❔
    await secretary.press(grid, absent_button)
    await harness.wait_text(secretary.id, roll["message_id"], "Đảng Viên Số 03 — vắng")
    harness.clock.advance(days(2))
    await harness.services.attendance.mark_present(
        secretary.id, meeting, await _member_id(harness, users[0].id), True
    )

    export = await harness.say(secretary, "/xuat", expect="Chọn một buổi")
    assert "Chọn một buổi" in export["text"]
    await secretary.press(export, 0)
    await harness.api.wait_until(lambda: len(harness.api.files(secretary.id)) >= 3, timeout=10)
    files = {f["file_name"]: f["data"] for f in harness.api.files(secretary.id)}
    xlsx = next(data for name, data in files.items() if name.endswith(".xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx))["Điểm danh"]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert len(rows) == 5
    proxy = next(r for r in rows if r[3] == "Đảng Viên Số 03")
    assert proxy[5] == "Vắng" and proxy[7] == "Nguyễn Thị Hoa"
    docx = next(data for name, data in files.items() if name.startswith("bien-ban"))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "; có mặt: 1;" in text


async def _member_id(harness: Harness, telegram_id: int) -> int:
    async with harness.services.db.session() as session:
        member_id = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
    assert member_id is not None
    return member_id


async def test_comments_privacy_and_stats(harness: Harness) -> None:
    secretary, chat, cell_id, users = await _cell_with_members(harness, 3)
    assert chat is not None
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(2))
    panel = await _panel(harness, chat, meeting)
    an, binh = users[0], users[1]

    # the 📝 Góp ý button in the group opens a private conversation
    answer = await harness.api.wait_for_callback_answer(await an.press(panel, "📝 Góp ý"))
    assert "tin nhắn riêng" in answer["text"]
    prompt = await harness.api.wait_for_message(an.id, _has("Góp ý cho buổi"))
    assert "Kiểm điểm nghị quyết" in prompt["text"]
    saved = await harness.say(
        an, "Đề nghị chi bộ bàn thêm về công tác đảng phí.", expect="Đã gửi góp ý"
    )
    assert "Đã gửi góp ý" in saved["text"]
    group_texts = [m.get("text", "") for m in harness.api.messages(chat.id)]
    assert not any("đảng phí" in t for t in group_texts)  # never posted in the group

    # /gopy: hide my name (in the exports); the committee still reads it with the name
    await an.send("/gopy")
    mine = await harness.api.wait_for_message(an.id, _has("1. Đề nghị chi bộ bàn thêm"))
    await an.press(mine, "🙈 Ẩn tên góp ý 1")
    await harness.wait_text(an.id, mine["message_id"], "ẩn tên trong tệp xuất")
    sec_view = await harness.say(secretary, "/gopy", expect="💬")
    await secretary.press(sec_view, "💬 Xem góp ý của đảng viên (chi ủy)")
    listing = await harness.api.wait_for_message(secretary.id, lambda m: "💬" in m.get("text", ""))
    assert "Đảng Viên Số 01 (đề nghị ẩn tên" in listing["text"]

    # /cuatoi lists what is stored
    await harness.services.attendance.answer(an.id, meeting, AttendanceAnswer.NO)
    await harness.services.attendance.set_reason(an.id, meeting, "gd")
    data = await harness.say(an, "/cuatoi", expect="Đảng Viên Số 01")
    assert "Đảng Viên Số 01" in data["text"] and "việc gia đình" in data["text"]
    assert "Đề nghị chi bộ bàn thêm" in data["text"]

    # after the meeting: classify, then /thongke shows the criterion and a chart
    harness.clock.advance(days(2))
    for user in (secretary, binh, users[2]):
        await harness.services.attendance.mark_present(
            secretary.id, meeting, await _member_id(harness, user.id), True
        )
    await harness.services.attendance.classify_absence(
        secretary.id, meeting, await _member_id(harness, an.id), True
    )
    harness.clock.advance(timedelta(hours=2))  # the meeting is over
    stats = await harness.say(secretary, "/thongke 2026", expect="có mặt")
    # QĐ 24 point 9.3.2: An, absent with a valid reason, is out of the base.
    assert "có mặt 3/3 (100%) — đạt" in stats["text"]
    await harness.api.wait_until(
        lambda: any(f["kind"] == "photo" for f in harness.api.files(secretary.id)), timeout=10
    )
    member_stats = await harness.say(binh, "/thongke 2026", expect="có mặt")
    assert "có mặt 1/1" in member_stats["text"] and "Số 01" not in member_stats["text"]


async def test_check_in_opened_by_the_secretary(harness: Harness) -> None:
    secretary, chat, cell_id, users = await _cell_with_members(harness, 2)
    assert chat is not None
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(1))
    roll = await harness.say(secretary, "/danhsach", expect="🙋")
    early = await secretary.press(roll, "🙋 Mở điểm danh trong nhóm")
    assert "Chưa đến giờ" in (await harness.api.wait_for_callback_answer(early))["text"]
    harness.clock.advance(days(1) - timedelta(minutes=10))
    opened = await secretary.press(roll, "🙋 Mở điểm danh trong nhóm")
    assert "Đã mở điểm danh" in (await harness.api.wait_for_callback_answer(opened))["text"]
    post = await harness.api.wait_for_message(chat.id, lambda m: "🙋" in m.get("text", ""))
    for _ in range(2):  # a double tap
        query = await users[0].press(post, "🙋 Tôi có mặt")
        await harness.api.wait_for_callback_answer(query)
    assert "điểm danh rồi" in harness.api.callback_answers[query]["text"]
    stranger = harness.api.user(998, "Lạ", started=True)
    chat.set_member(stranger)
    refused = await stranger.press(post, "🙋 Tôi có mặt")
    assert "chưa là thành viên" in (await harness.api.wait_for_callback_answer(refused))["text"]
    async with harness.services.db.session() as session:
        present = list(
            await session.scalars(
                select(Attendance.member_id).where(
                    Attendance.meeting_id == meeting, Attendance.present.is_(True)
                )
            )
        )
    assert present == [await _member_id(harness, users[0].id)]


async def test_mark_everyone_who_said_yes_from_the_marking_grid(harness: Harness) -> None:
    secretary, _, cell_id, users = await _cell_with_members(harness, 3, group=False)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(1))
    await harness.services.attendance.answer(users[0].id, meeting, AttendanceAnswer.YES)
    await harness.services.attendance.answer(users[1].id, meeting, AttendanceAnswer.YES)
    await harness.services.attendance.answer(users[2].id, meeting, AttendanceAnswer.NO)
    harness.clock.advance(days(1))
    roll = await harness.say(secretary, "/danhsach")
    await secretary.press(roll, "📝 Ghi nhận có mặt / vắng")
    grid = await harness.wait_text(secretary.id, roll["message_id"], "Ghi nhận tham dự thực tế")
    for expected in ("Đã ghi có mặt 2 đồng chí", "Không còn đồng chí nào"):  # then a double tap
        pressed = await secretary.press(grid, "✅ Ghi có mặt tất cả người đã báo có mặt")
        assert expected in (await harness.api.wait_for_callback_answer(pressed))["text"]
    grid = await harness.wait_text(secretary.id, roll["message_id"], "Đảng Viên Số 02 — có mặt")
    assert "Đảng Viên Số 03 — chưa ghi" in grid["text"]
    await harness.say(users[0], "/lich")
    forged = users[0].press_data(users[0], f"cpa:{meeting}:0")
    refused = await harness.api.wait_for_callback_answer(forged)
    assert "dành cho chi ủy" in refused["text"]
    async with harness.services.db.session() as session:
        present = set(
            await session.scalars(
                select(Attendance.member_id).where(
                    Attendance.meeting_id == meeting, Attendance.present.is_(True)
                )
            )
        )
    assert present == {await _member_id(harness, u.id) for u in users[:2]}


async def test_nudge_lists_a_few_hundred_unreachable_members_within_one_message(
    harness: Harness,
) -> None:
    """The secretary's "these members can't be reached" list after a nudge fits Telegram's
    limit however many there are: the rest are counted ("… và N đồng chí khác")."""
    secretary, _chat, cell_id, _users = await _cell_with_members(harness, 0, group=False)
    names = [f"Nguyễn Thị Người Chưa Mở Bot Số {n:03d} 📵" for n in range(300)]
    await build_cell(harness.services.db, secretary=None, members=0)  # a neighbour cell
    await add_members(harness.services.db, cell_id, names, tid_base=7000)
    async with harness.services.db.session() as session:
        for member in await session.scalars(select(Member).where(Member.telegram_id >= 7000)):
            member.can_dm = False
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(5))
    del meeting
    await harness.say(secretary, "/danhsach", expect="Đã trả lời")
    nudge = "🔔 Nhắc người chưa trả lời"

    def with_nudge(message: dict[str, Any]) -> bool:
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return any(button["text"] == nudge for row in rows for button in row)

    roll = await harness.api.wait_for_message(secretary.id, with_nudge)
    await secretary.press(roll, nudge)
    listing = await harness.api.wait_for_message(
        secretary.id, lambda m: "đồng chí khác" in m.get("text", "")
    )
    assert len(listing["text"]) <= 4096
    assert names[0] in listing["text"] and names[-1] not in listing["text"]
