"""A forged button with an id no row can have gets the polite "unknown button" answer on both
databases: never a traceback, never the internal-error reply (ids are 32-bit keys)."""

from __future__ import annotations

import logging

import pytest

from bot.texts import common as tc
from tests.e2e.conftest import Harness

FORGED = [
    "at:2147483648:y",  # one past the largest 32-bit key
    "at:99999999999:y",
    "at:999999999999999999:n",
    "mc:99999999999",
    "jr:99999999999:a",
    "mm:2147483648:c",
]


@pytest.mark.parametrize("data", FORGED)
@pytest.mark.parametrize("presser", ["secretary", "stranger"])
async def test_a_forged_huge_id_gets_the_polite_answer(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str, presser: str
) -> None:
    if presser == "secretary":
        user = await harness.secretary()
    else:
        user = harness.api.user(999, "Lạ", started=True)
        await harness.say(user, "/start")
    with caplog.at_level(logging.ERROR):
        query = user.press_data(user, data)
        answer = await harness.api.wait_for_callback_answer(query)
    assert answer.get("text") == tc.UNKNOWN_BUTTON
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    replies = [str(m.get("text")) for m in harness.api.messages(user.id)]
    assert not any(tc.INTERNAL_ERROR[:30] in text for text in replies)
