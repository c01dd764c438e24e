"""Issue #12 point 4: each member sets their own reminders (/nhacnho) within what the cell
allows (/caidat), and the committee's own messages never depend on them. Through the real
Application over HTTP, on both databases; the ManualClock moves, nobody sleeps for minutes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.simulator import FakeUser
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.texts import reminder_prefs as tp
from storage.models import Member, OutboxMessage
from tests.e2e.conftest import Harness, Message
from tests.e2e.month_helpers import buttons
from tests.e2e.test_broadcast_e2e import _compose_and_send
from tests.e2e.test_reminders_e2e import DEC5, _meeting_in_chat, _people, _reminders, _settle

THREE_DAYS = "✅ Nhắc trước 3 ngày"


AGENDA = "1. Thông tin thời sự\n2. Nhiệm vụ tháng 12"


async def _prefs(harness: Harness, user: FakeUser) -> Message:
    return await harness.say(user, "/nhacnho", expect="Nhắc lịch riêng")


async def _press(harness: Harness, user: FakeUser, message: Message, label: str) -> dict[str, str]:
    """Press a button; return the callback's answer (its toast or alert)."""
    query = await user.press(message, label)
    return await harness.api.wait_for_callback_answer(query)


async def _forged(harness: Harness, user: FakeUser, data: str) -> str:
    answer = await harness.api.wait_for_callback_answer(user.press_data(user, data))
    return str(answer.get("text"))


async def _with_button(harness: Harness, user: FakeUser, message: Message, label: str) -> Message:
    """The message once edited in place to carry the button ``label``."""

    def current() -> Message:
        return harness.api.get_message(user.id, message["message_id"]) or {}

    await harness.api.wait_until(lambda: label in buttons(current()))
    return current()


def _alert(text: str) -> str:
    return shorten(tc.fmt(text), MAX_CALLBACK_ANSWER)


async def _member_id(harness: Harness, telegram_id: int) -> int:
    async with harness.services.db.session() as session:
        found = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
    assert found is not None
    return found


async def _pending_leads(harness: Harness, member_id: int) -> list[int]:
    async with harness.services.db.session() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.member_id == member_id,
                OutboxMessage.kind == "reminder",
                OutboxMessage.status == "pending",
            )
        )
        return sorted((int(row.payload["lead"]) for row in rows), reverse=True)


async def _through_the_meeting(harness: Harness) -> None:
    """Plan again (the periodic planner), then live every lead time up to the meeting."""
    await harness.services.meetings.maintain()
    for lead in (timedelta(days=7), timedelta(days=3), timedelta(days=2), timedelta(days=1)):
        harness.clock.set(DEC5 - lead)
        await _settle(harness)
    harness.clock.set(DEC5 - timedelta(hours=2))
    await _settle(harness)


async def test_a_member_turns_off_the_three_day_reminder_and_gets_only_the_others(
    harness: Harness,
) -> None:
    secretary, an, _ = await _people(harness)
    await _meeting_in_chat(harness)
    await _settle(harness)
    # Planned, and its digest stored: only the member's change can make the planner look again
    # (the change withdraws all of An's pending reminders; those still wanted come back).
    await harness.services.meetings.maintain()
    screen = await _prefs(harness, an)
    assert buttons(screen) == [
        THREE_DAYS,
        "✅ Nhắc trước 1 ngày",
        "🔒 Nhắc trước 2 giờ",
        tp.BUTTON_PAUSE,
    ]
    assert tp.ALWAYS_SENT in screen["text"]
    assert (await _press(harness, an, screen, THREE_DAYS))["text"] == tp.SAVED
    screen = await _with_button(harness, an, screen, "⬜ Nhắc trước 3 ngày")
    assert buttons(screen)[0] == "⬜ Nhắc trước 3 ngày"
    # Withdrawn at once; the others stay planned.
    an_id = await _member_id(harness, an.id)
    assert await _pending_leads(harness, an_id) == [1440, 120]
    # The last reminder before the meeting is the cell's: it cannot be turned off.
    refused = await _press(harness, an, screen, "🔒 Nhắc trước 2 giờ")
    assert refused["text"] == tp.INPUT_ERRORS["prefs_lead_required"]
    # The 1-day one turned off and on again: withdrawn, then planned again by the planner.
    await an.press(screen, "✅ Nhắc trước 1 ngày")
    screen = await _with_button(harness, an, screen, "⬜ Nhắc trước 1 ngày")
    assert await _pending_leads(harness, an_id) == [120]
    await an.press(screen, "⬜ Nhắc trước 1 ngày")
    screen = await _with_button(harness, an, screen, "✅ Nhắc trước 1 ngày")
    await _through_the_meeting(harness)
    texts = _reminders(harness, an.id)
    assert len(texts) == 2 and "1 ngày" in texts[0] and "2 giờ" in texts[1]
    assert len(_reminders(harness, secretary.id)) == 3  # the others' choice is theirs


async def test_a_pause_stops_private_reminders_but_not_the_committees_tasks(
    harness: Harness,
) -> None:
    secretary, an, _ = await _people(harness)
    screen = await _prefs(harness, an)
    await an.press(screen, tp.BUTTON_PAUSE)
    menu = await harness.wait_text(an.id, screen["message_id"], "bao lâu")
    assert buttons(menu) == [
        "1 tuần (đến hết ngày 04/12/2026)",
        "2 tuần (đến hết ngày 11/12/2026)",
        "1 tháng (đến hết ngày 27/12/2026)",
        tp.PAUSE_FOREVER,
        tp.BUTTON_BACK,
    ]
    assert (await _press(harness, an, menu, tp.PAUSE_FOREVER))["text"] == tp.PAUSED
    paused = await harness.wait_text(an.id, screen["message_id"], "Hiện nay")
    assert tp.STATE_PAUSED_FOREVER in paused["text"] and tp.BUTTON_RESUME in buttons(paused)
    my_data = await harness.say(an, "/cuatoi", expect="đổi bằng /nhacnho")
    assert tp.MY_PAUSED_FOREVER in my_data["text"]  # /cuatoi shows what the bot stores

    # The secretary pauses too: told plainly that the committee's tasks still come, she confirms.
    mine = await _prefs(harness, secretary)
    assert tp.COMMITTEE_NOTE in mine["text"]
    await secretary.press(mine, tp.BUTTON_PAUSE)
    menu = await harness.wait_text(secretary.id, mine["message_id"], "bao lâu")
    await secretary.press(menu, tp.PAUSE_FOREVER)
    ask = await harness.wait_text(secretary.id, mine["message_id"], "VẪN được gửi")
    assert "bí thư" in ask["text"] and buttons(ask) == [tp.BUTTON_CONFIRM_PAUSE, tp.BUTTON_BACK]
    assert (await _press(harness, secretary, ask, tp.BUTTON_CONFIRM_PAUSE))["text"] == tp.PAUSED
    await harness.wait_text(secretary.id, mine["message_id"], "đã tạm dừng")

    await _meeting_in_chat(harness)
    # The agenda is not a reminder either: the paused member gets its copy.
    await _compose_and_send(harness, secretary, AGENDA)
    await harness.api.wait_for_message(an.id, lambda m: AGENDA in m.get("text", ""), timeout=10)
    await _through_the_meeting(harness)
    # The meeting notice is not a reminder: it still reaches the paused member.
    assert any("lịch sinh hoạt mới" in m.get("text", "") for m in harness.api.messages(an.id))
    assert _reminders(harness, an.id) == [] and _reminders(harness, secretary.id) == []
    nudge = "chưa trả lời"
    assert not any(nudge in m.get("text", "") for m in harness.api.messages(an.id))
    assert len(_reminders(harness, -1001)) == 3  # the group's summaries are the cell's
    tasks = [m["text"] for m in harness.api.messages(secretary.id)]
    for task in (tx.TASK_PREPARE, tx.TASK_DOCUMENTS):
        opening = tc.fmt(task.split("{")[0])
        assert sum(opening in text for text in tasks) == 1, opening


async def test_a_cell_that_forbids_pausing_and_forged_buttons(harness: Harness) -> None:
    secretary, an, _ = await _people(harness)
    an_id = await _member_id(harness, an.id)
    old = await _prefs(harness, an)  # opened while pausing was allowed

    settings = await harness.say(secretary, "/caidat", expect=tp.BUTTON_RULE)
    await secretary.press(settings, tp.BUTTON_RULE)
    rule = await harness.wait_text(secretary.id, settings["message_id"], "tự chọn nhắc")
    assert buttons(rule)[-1] == tp.BUTTON_FORBID_PAUSE
    await secretary.press(rule, tp.BUTTON_FORBID_PAUSE)
    rule = await harness.wait_text(secretary.id, settings["message_id"], tp.RULE_PAUSE_OFF)
    # One required reminder always stays: the last one cannot be made optional.
    refused = await _press(harness, secretary, rule, "🔒 Trước 2 giờ: bắt buộc")
    assert refused["text"] == tp.INPUT_ERRORS["prefs_one_required"]

    screen = await _prefs(harness, an)
    assert tp.BUTTON_PAUSE not in buttons(screen) and tp.PAUSE_FORBIDDEN_NOTE in screen["text"]
    forbidden = tp.INPUT_ERRORS["prefs_pause_forbidden"]
    assert (await _press(harness, an, old, tp.BUTTON_PAUSE))["text"] == forbidden
    assert await _forged(harness, an, f"nn:{an_id}:p0") == forbidden
    assert await _forged(harness, an, f"nn:{an_id}:y7") == forbidden

    # Forged: another member's settings, a lead the cell has not, nonsense, the committee's rule.
    secretary_id = await _member_id(harness, secretary.id)
    stale = tp.STALE_ERRORS["prefs_stale"]
    assert await _forged(harness, an, f"nn:{secretary_id}:l4320") == stale
    assert await _forged(harness, an, f"nn:{an_id}:l4321") == stale
    assert await _forged(harness, an, f"nn:{an_id}:p5") == tc.UNKNOWN_BUTTON
    assert await _forged(harness, an, f"nn:{an_id}:zz") == tc.UNKNOWN_BUTTON
    assert await _forged(harness, an, "nnc:0:pa") == _alert(tc.NOT_ALLOWED)
    stranger = harness.api.user(999, "Lạ", started=True)
    await harness.say(stranger, "/start")
    assert await _forged(harness, stranger, f"nn:{an_id}:l4320") == _alert(tc.NOT_MEMBER)
    async with harness.services.db.session() as session:
        member = await session.get(Member, an_id)
        assert member is not None
        assert member.reminders_paused_until is None and member.reminder_off_leads is None
