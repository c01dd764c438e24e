"""Broadcast buttons pressed by people who may not use them, or forged, or stale: the presser
gets a polite answer, the error handler is never reached, and nothing changes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.simulator import FakeUser
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.texts import errors as te
from storage.models import (
    AgendaBroadcast,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutboxMessage,
    PendingInput,
)
from tests.builders import build_cell
from tests.e2e.conftest import Harness
from tests.e2e.test_broadcast_e2e import AGENDA, MEETING_AT, _cell

ACTIONS = ("v", "s", "pin", "w", "x", "e", "u")
_AGENDA_ROWS = select(func.count()).where(OutboxMessage.kind.startswith("agenda"))


async def _draft(harness: Harness, secretary: FakeUser, meeting_id: int) -> int:
    """An unsent agenda with text, as the secretary leaves it at the preview."""
    menu = await harness.say(secretary, "/chuongtrinh")
    await secretary.press(menu, "📅 Thứ Bảy, 05/12/2026, lúc 14h00")
    await harness.api.wait_for_message(secretary.id)
    await secretary.send(AGENDA)
    await harness.api.wait_for_message(secretary.id, lambda m: tb.BTN_SEND in str(m))
    async with harness.services.db.session() as session:
        query = select(AgendaBroadcast.id).where(AgendaBroadcast.meeting_id == meeting_id)
        broadcast_id = await session.scalar(query)
    assert broadcast_id is not None
    return broadcast_id


async def _snapshot(harness: Harness, broadcast_id: int) -> tuple[Any, ...]:
    """What a press could change: the draft, the cell setting, its outbox rows, pending texts
    (reminders the scheduler plans meanwhile are not the broadcast's)."""
    async with harness.services.db.session() as session:
        broadcast = await session.get(AgendaBroadcast, broadcast_id)
        assert broadcast is not None
        cell = await session.get(Cell, broadcast.cell_id)
        assert cell is not None
        return (
            broadcast.text,
            broadcast.draft_text,
            broadcast.pin,
            broadcast.version,
            cell.allow_attachments,
            await session.scalar(_AGENDA_ROWS),
            await session.scalar(select(func.count()).select_from(PendingInput)),
        )


async def _answer(harness: Harness, user: FakeUser, data: str) -> dict[str, Any]:
    query = user.press_data(user, data)
    return await harness.api.wait_for_callback_answer(query)


async def test_broadcast_buttons_refuse_members_and_strangers_politely(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    secretary, _group, cell_id, meeting_id = await _cell(harness)
    member = await harness.member(secretary, "Nguyễn Văn An", 201)
    stranger = harness.api.user(999, "Lạ")
    await stranger.send("/start")
    await harness.api.wait_for_message(stranger.id)
    broadcast_id = await _draft(harness, secretary, meeting_id)
    before = await _snapshot(harness, broadcast_id)
    presses = [f"ct:{meeting_id}:p", f"ct:{cell_id}:att", f"bc:{broadcast_id}:r"]
    presses += [f"ct:{broadcast_id}:{action}" for action in ACTIONS]

    caplog.set_level(logging.WARNING)
    for user, refusal in ((member, tc.NOT_ALLOWED), (stranger, tc.NOT_MEMBER)):
        for data in presses:
            answer = await _answer(harness, user, data)
            assert answer.get("text") == tc.fmt(refusal), (user.id, data)
            assert answer.get("show_alert") is True, data
    await asyncio.sleep(0.3)
    assert await _snapshot(harness, broadcast_id) == before
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def _other_cell_draft(harness: Harness) -> tuple[int, int]:
    """Another cell's meeting and its unsent agenda draft: (meeting id, broadcast id)."""
    other = await build_cell(
        harness.services.db, name="Chi bộ khác", group_chat_id=None, secretary_tid=150, members=0
    )
    async with harness.services.db.session() as session:
        meeting = Meeting(cell_id=other.cell_id, kind=MeetingKind.REGULAR, starts_at=MEETING_AT)
        session.add(meeting)
        await session.flush()
        draft = AgendaBroadcast(
            cell_id=other.cell_id,
            meeting_id=meeting.id,
            created_by_member_id=other.secretary_id,
            text="Chương trình của chi bộ khác",
            attachments=[],
            pin=True,
            version=0,
        )
        session.add(draft)
        await session.flush()
        return meeting.id, draft.id


async def _all_answered_politely(
    harness: Harness, user: FakeUser, presses: list[str], expected: set[str]
) -> None:
    for data in presses:
        answer = await _answer(harness, user, data)
        assert answer.get("text") in expected, data


async def test_forged_and_stale_broadcast_buttons_change_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    secretary, _group, _cell_id, meeting_id = await _cell(harness)
    other_meeting, other_draft = await _other_cell_draft(harness)
    broadcast_id = await _draft(harness, secretary, meeting_id)
    caplog.set_level(logging.WARNING)
    stale = {tc.fmt(tc.STALE_BUTTON), tc.fmt(tc.UNKNOWN_BUTTON), te.STALE_ERRORS["meeting_gone"]}
    huge = 10**17  # within the codec's 18 digits, beyond the 32-bit keys
    forged = [f"ct:{other_meeting}:p", f"bc:{other_draft}:r", f"ct:{huge}:p", f"bc:{huge}:r"]
    forged += [f"ct:{other_draft}:{action}" for action in ACTIONS]
    forged += [f"ct:{huge}:{action}" for action in ACTIONS]
    forged += [f"ct:{broadcast_id}:zz", f"ct:{'9' * 40}:s", "ct:-1:s", "ct:0:s"]
    before = await _snapshot(harness, broadcast_id)
    await _all_answered_politely(harness, secretary, forged, stale)
    await asyncio.sleep(0.3)
    assert await _snapshot(harness, broadcast_id) == before
    for payload in (str(huge), "9" * 40, "١٢"):  # a /start link typed by hand
        reply = await harness.say(secretary, f"/start ct_{payload}")
        assert reply["text"] != tb.CATCH_UP and "sự cố" not in reply["text"]
    async with harness.services.db.session() as session:
        others = await session.get(AgendaBroadcast, other_draft)
        assert others is not None and others.text == "Chương trình của chi bộ khác"

    # The draft is discarded: its old buttons send nothing and show nothing.
    controls = next(
        m for m in reversed(harness.api.messages(secretary.id)) if tb.BTN_SEND in str(m)
    )
    await secretary.press(controls, tb.BTN_CANCEL)
    await harness.wait_text(secretary.id, controls["message_id"], tb.CANCELLED)
    answer = await _answer(harness, secretary, f"ct:{broadcast_id}:s")
    assert answer.get("text") == tc.fmt(tb.STALE_ERRORS["no_draft"])

    # The meeting is cancelled: a new draft of it can no longer be opened, saved or sent.
    await secretary.send("/chuongtrinh")
    await harness.api.wait_for_message(secretary.id, lambda m: tb.PICK_MEETING in str(m))
    async with harness.services.db.session() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status = MeetingStatus.CANCELLED
        draft = await session.get(AgendaBroadcast, broadcast_id)
        assert draft is not None
        draft.text = AGENDA  # as if written just before the cancel
    cancelled = tc.fmt(tb.STALE_ERRORS["agenda_meeting_cancelled"])
    for action in ("p", "v", "s", "pin", "w"):
        target = meeting_id if action == "p" else broadcast_id
        answer = await _answer(harness, secretary, f"ct:{target}:{action}")
        assert answer.get("text") == cancelled, action
    await asyncio.sleep(0.3)
    async with harness.services.db.session() as session:
        assert await session.scalar(_AGENDA_ROWS) == 0
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
