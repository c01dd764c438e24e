"""Old buttons and late updates never override a member's newer answer (issue 10, #15, #18)."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from telegram import Bot, Update

from bot.simulator import FakeUser
from storage.models import Attendance, AttendanceAnswer, Cell, Member
from storage.repositories.panels import PanelRepository
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members
from tests.e2e.conftest import TOKEN, Harness

LABELS = {"y": "✅ Có mặt", "n": "❌ Vắng", "m": "❔ Chưa chắc"}
ANSWERS = {"y": AttendanceAnswer.YES, "n": AttendanceAnswer.NO, "m": AttendanceAnswer.MAYBE}


async def _cell(harness: Harness, count: int) -> tuple[FakeUser, int, list[FakeUser]]:
    secretary = await harness.secretary()
    async with harness.services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    await add_members(
        harness.services.db, cell_id, count, tid_base=300, member_name="Đảng Viên Số {n:02d}"
    )
    users = [harness.api.user(300 + i, f"Số {i + 1:02d}", started=True) for i in range(count)]
    return secretary, cell_id, users


async def _row(harness: Harness, meeting: int, telegram_id: int) -> Attendance | None:
    async with harness.services.db.session() as session:
        return await session.scalar(
            select(Attendance)
            .join(Member, Member.id == Attendance.member_id)
            .where(Attendance.meeting_id == meeting, Member.telegram_id == telegram_id)
        )


def _has(fragment: str) -> Any:
    return lambda message: fragment in message.get("text", "")


async def test_an_old_reason_menu_never_overrides_a_newer_answer(harness: Harness) -> None:
    _, cell_id, users = await _cell(harness, 1)
    an = users[0]
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(3))
    card = await harness.say(an, "/lich", expect="✅ Có mặt (1)")  # /lich carries the buttons
    await an.press(card, "❌ Vắng (1)")
    menu = await harness.api.wait_for_message(an.id, _has("lý do vắng mặt"))
    await harness.api.wait_for_callback_answer(await an.press(card, "✅ Có mặt (1)"))

    for label in ("🤒 Ốm đau", "✏️ Lý do khác"):
        answer = await harness.api.wait_for_callback_answer(await an.press(menu, label))
        assert "cũ" in answer["text"], answer["text"]
    row = await _row(harness, meeting, an.id)
    assert row is not None and row.answer == AttendanceAnswer.YES and row.reason_code is None

    # absent again: the new menu works, the old one still does not
    await an.press(card, "❌ Vắng (1)")
    fresh = await harness.api.wait_for_message(
        an.id, lambda m: _has("lý do vắng mặt")(m) and m["message_id"] != menu["message_id"]
    )
    stale = await harness.api.wait_for_callback_answer(await an.press(menu, "🧳 Đi công tác"))
    assert "cũ" in stale["text"]
    done = await harness.api.wait_for_callback_answer(await an.press(fresh, "🏠 Việc gia đình"))
    assert "việc gia đình" in done["text"]
    changed = await harness.api.wait_for_callback_answer(await an.press(fresh, "🤒 Ốm đau"))
    assert "ốm đau" in changed["text"]  # changing one's mind on the current menu is fine
    row = await _row(harness, meeting, an.id)
    assert row is not None and row.answer == AttendanceAnswer.NO and row.reason_code == "om"


async def test_each_members_last_tap_wins_whatever_order_updates_are_processed_in(
    harness: Harness,
) -> None:
    """30 members × 6 alternating taps, fetched from the Bot API as Telegram sent them, then
    processed concurrently with each member's later taps deliberately put first."""
    secretary, cell_id, users = await _cell(harness, 30)
    chat = await harness.group(secretary)
    for user in users:
        chat.set_member(user)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(3))
    async with harness.services.db.session() as session:
        await PanelRepository(session).mark_dirty(meeting, cell_id)
    panel = await harness.api.wait_for_message(chat.id, _has("📋"), timeout=10)

    app = harness.app
    assert app.updater is not None
    await app.updater.stop()
    rng = random.Random(18)
    last: dict[int, str] = {}
    for round_no in range(6):
        for user in users:
            code = "yn"[round_no % 2] if user.id % 2 else "nm"[round_no % 2]
            if round_no == 5:
                code = rng.choice("ynm")
            await user.press(panel, LABELS[code])
            last[user.id] = code
    # Fetched by a Bot of the test's own: the app's getUpdates pool holds one connection, which
    # the stopped updater's last long poll may still hold for a while on a loaded machine.
    updates: list[Update] = []
    async with Bot(TOKEN, base_url=harness.api.base_url) as reader:
        while batch := await reader.get_updates(
            offset=updates[-1].update_id + 1 if updates else None, timeout=0
        ):
            updates += [Update.de_json(u.to_dict(), app.bot) for u in batch]  # the app's bot
        await reader.get_updates(offset=updates[-1].update_id + 1, timeout=0)  # confirm them
    assert len(updates) == 180
    by_member: dict[int, list[Update]] = {}
    for update in updates:
        assert update.callback_query is not None
        by_member.setdefault(update.callback_query.from_user.id, []).append(update)
    order: list[Update] = []
    for taps in by_member.values():
        taps.reverse()  # the member's latest tap is processed first
        order += taps
    rng.shuffle(order)
    await asyncio.gather(*(app.process_update(update) for update in order))
    await app.updater.start_polling(timeout=1)

    for user in users:
        row = await _row(harness, meeting, user.id)
        assert row is not None and row.answer == ANSWERS[last[user.id]], user
        assert row.answer_update_id == max(u.update_id for u in by_member[user.id])
    roll = await harness.say(secretary, "/danhsach", expect="Đã trả lời")
    yes = sum(1 for c in last.values() if c == "y")
    no = sum(1 for c in last.values() if c == "n")
    maybe = sum(1 for c in last.values() if c == "m")
    for label, count in (("✅ Có mặt", yes), ("❌ Vắng", no), ("❔ Chưa chắc", maybe)):
        assert (f"{label} ({count}):" in roll["text"]) == (count > 0), roll["text"]
    harness.clock.advance(timedelta(seconds=5))  # past the panel's debounce
    await harness.wait_text(
        chat.id,
        panel["message_id"],
        f"✅ Có mặt: {yes}   ❌ Vắng: {no}   ❔ Chưa chắc: {maybe}",
    )
    # every press got an answer; the superseded ones say so politely
    assert all(u.callback_query.id in harness.api.callback_answers for u in updates)  # type: ignore[union-attr]


async def test_huge_numbers_in_attendance_buttons_get_the_stale_answer(harness: Harness) -> None:
    secretary, cell_id, users = await _cell(harness, 1)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(3))
    await harness.say(secretary, "/danhsach", expect="Danh sách")
    await harness.say(users[0], "/lich", expect="✅ Có mặt")
    huge, big = "9" * 36, str(2**31)
    forged = [
        (secretary, f"cp:1:{huge}_u_0"),
        (secretary, f"px:1:{meeting}_y_{huge}"),
        (secretary, f"dg:{meeting}:p{huge}"),
        (secretary, f"cpa:{meeting}:{huge}"),
        (secretary, f"ds:{big}"),
        (secretary, f"cp:{big}:{meeting}_u_0"),
        (secretary, f"px:1:{big}_y_0"),
        (users[0], f"at:{big}:y"),
        (users[0], f"at:{'9' * 18}:y"),
        (users[0], f"ar:{meeting}:om_{huge}"),
        (users[0], f"ar:{big}:om_0"),
        (users[0], f"ci:{big}"),
    ]
    for person, data in forged:
        answer = await harness.api.wait_for_callback_answer(person.press_data(person, data))
        assert "không hợp lệ" in answer["text"] or "cũ" in answer["text"], (data, answer)
    async with harness.services.db.session() as session:
        assert list(await session.scalars(select(Attendance.id))) == []
