"""Taps are answered at once (issue #13, point 6): the callback answer never waits for a
message to be sent; each member's private confirmation goes through the outbox, coalesced to
their latest answer and spaced to Telegram's per-chat limit (the fake server enforces it)."""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.exports import stats as stats_module
from bot.simulator import FakeUser
from handlers import exports as exports_handler
from storage.models import Attendance, OutboxMessage, OutboxStatus
from storage.repositories.panels import PanelRepository
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness
from tests.e2e.test_attendance_e2e import _cell_with_members

LABELS = {"y": "✅ Có mặt", "n": "❌ Vắng", "m": "❔ Chưa chắc"}
CONFIRM = {"y": "sẽ có mặt", "n": "vắng mặt buổi", "m": "chưa chắc tham dự"}
MEMBERS = 6
TAPS = "ynmyn"  # five quick taps; the last one ("absent") is the answer that stands


async def _cell(harness: Harness) -> tuple[int, list[FakeUser], Any]:
    _, chat, cell_id, users = await _cell_with_members(harness, MEMBERS)
    return cell_id, users, chat


async def _settled(harness: Harness) -> None:
    """Until no confirmation is waiting in the outbox."""

    async def pending() -> int:
        async with harness.services.db.session() as session:
            rows = await session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind == "answer_confirm",
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                )
            )
            return len(list(rows))

    for _ in range(200):
        if await pending() == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("confirmations still pending after 20 s")


async def test_quick_taps_are_answered_at_once_and_confirmed_once_or_twice(
    harness: Harness,
) -> None:
    cell_id, users, chat = await _cell(harness)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(8))
    async with harness.services.db.session() as session:
        await PanelRepository(session).mark_dirty(meeting, cell_id)
    panel = await harness.api.wait_for_message(chat.id, lambda m: "📋" in m.get("text", ""))
    harness.api.advance_time(60)  # the set-up's messages leave Telegram's windows
    harness.api.enforce_limits = True

    waits: list[float] = []
    spans: dict[int, float] = {}

    async def taps(user: FakeUser) -> None:
        begun = time.monotonic()
        for code in TAPS:
            started = time.monotonic()
            query = await user.press(panel, LABELS[code])
            answer = await harness.api.wait_for_callback_answer(query, timeout=10)
            waits.append(time.monotonic() - started)
            assert "xem tin nhắn riêng" in answer["text"]
        spans[user.id] = time.monotonic() - begun

    await asyncio.gather(*(taps(user) for user in users))
    await _settled(harness)

    # (before, every tap waited for its confirmation to be sent: seconds in a storm)
    assert max(waits) < 3.0, f"a tap waited {max(waits):.2f}s for its answer"
    assert harness.api.stats.rate_limited == 0  # no 429, though each member tapped 5 times
    for user in users:
        private = harness.api.messages(user.id)
        # coalesced: one or two for quick taps; never more than one a second while tapping
        most = max(2, 1 + math.ceil(spans[user.id]))
        assert 1 <= len(private) <= most, f"{len(private)} confirmations for {len(TAPS)} taps"
        # every confirmation said the answer stored when it was sent: the last says "absent"
        assert CONFIRM[TAPS[-1]] in private[-1]["text"]
        assert "🤒 Ốm đau" in str(private[-1].get("reply_markup"))
        dates = [float(m["date"]) for m in private]
        assert all(b - a >= 1 for a, b in itertools.pairwise(dates))  # the per-chat limit
    async with harness.services.db.session() as session:
        answers = set(
            await session.scalars(select(Attendance.answer).where(Attendance.meeting_id == meeting))
        )
    assert answers == {"no"}


async def test_a_tap_in_private_is_confirmed_there_through_the_outbox(harness: Harness) -> None:
    cell_id, users, _ = await _cell(harness)
    meeting = await make_meeting(harness.services.db, cell_id, harness.clock.now() + days(8))
    member = users[0]
    await harness.say(member, "/start")  # a bot message in the private chat to tap on
    query = member.press_data(member, f"at:{meeting}:m")
    answer = await harness.api.wait_for_callback_answer(query)
    assert answer["text"] == "Đã ghi nhận: chưa chắc."
    await harness.api.wait_for_message(member.id, lambda m: CONFIRM["m"] in m.get("text", ""))
    await _settled(harness)
    confirmations = [m for m in harness.api.messages(member.id) if "Đã ghi nhận" in m["text"]]
    assert len(confirmations) == 1


@pytest.mark.timeout(60)
async def test_another_update_is_answered_while_a_chart_is_drawn(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary = await harness.secretary()
    other = harness.api.user(999, "Người lạ", started=True)
    drawing = threading.Event()
    answered = threading.Event()
    drawn = threading.Event()
    real_chart = stats_module.chart_png

    def slow_chart(*args: Any) -> bytes | None:
        """The real chart, drawn only once the other update has been answered: on the event
        loop this would wait forever (nothing else runs), off it it returns at once."""
        drawing.set()
        answered.wait(timeout=10)
        try:
            return real_chart(*args)
        finally:
            drawn.set()

    monkeypatch.setattr(exports_handler, "chart_png", slow_chart)
    await secretary.send("/thongke")
    assert await asyncio.to_thread(drawing.wait, 10)
    reply = await harness.say(other, "/start", timeout=5)  # answered while the chart is drawn
    answered.set()
    assert reply["text"]
    assert await asyncio.to_thread(drawn.wait, 15)
