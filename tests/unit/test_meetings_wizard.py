"""/taolich's last step: taking the draft and creating the meeting are one transaction, so a
failure in between loses nothing (the retry works) and a double tap creates one meeting."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.errors import StaleAction
from bot.meetings import reminders
from bot.meetings.drafts import WIZARD
from bot.services import Services
from storage.models import Meeting, MeetingKind
from tests.builders import SECRETARY, build_cell

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHAT = SECRETARY
STATE = {
    "step": "confirm",
    "kind": MeetingKind.REGULAR.value,
    "starts_at": datetime(2026, 12, 5, 14, tzinfo=VN).isoformat(),
    "place": "Hội trường",
}


async def _meetings(services: Services) -> int:
    async with services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Meeting)) or 0)


async def test_a_failure_while_creating_keeps_the_draft_and_the_retry_works(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_cell(services.db, members=2)
    await services.conversations.expect(SECRETARY, CHAT, WIZARD, STATE)
    real_plan_notice = reminders.plan_notice
    failures = iter([RuntimeError("the database went away")])

    async def fails_once(*args: Any, **kwargs: Any) -> int:
        for failure in failures:
            raise failure
        return await real_plan_notice(*args, **kwargs)

    monkeypatch.setattr(reminders, "plan_notice", fails_once)
    with pytest.raises(RuntimeError):
        await services.meetings.create_from_wizard(SECRETARY, CHAT)
    kept = await services.conversations.expected(SECRETARY, CHAT)
    assert kept is not None and kept.data == STATE and await _meetings(services) == 0
    change = await services.meetings.create_from_wizard(SECRETARY, CHAT)
    assert change.meeting.place == "Hội trường" and await _meetings(services) == 1
    assert await services.conversations.expected(SECRETARY, CHAT) is None


async def test_a_double_tap_on_create_makes_one_meeting(services: Services) -> None:
    await build_cell(services.db, members=2)
    await services.conversations.expect(SECRETARY, CHAT, WIZARD, STATE)
    results = await asyncio.gather(
        *(services.meetings.create_from_wizard(SECRETARY, CHAT) for _ in range(2)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, StaleAction)]
    assert len(refused) == 1 and str(refused[0]) == "wizard_gone"
    assert await _meetings(services) == 1


async def test_create_refuses_a_draft_not_at_its_last_step(services: Services) -> None:
    await build_cell(services.db, members=2)
    await services.conversations.expect(SECRETARY, CHAT, WIZARD, {**STATE, "step": "place"})
    with pytest.raises(StaleAction):
        await services.meetings.create_from_wizard(SECRETARY, CHAT)
    assert await _meetings(services) == 0
    assert await services.conversations.expected(SECRETARY, CHAT) is not None
