"""How Telegram's answers (as PTB raises them) map to what the outbox does."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.outgoing import SendStatus
from handlers.adapters.sender import classify
from handlers.common import send_private


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), SendStatus.UNREACHABLE),
        (Forbidden("Forbidden: user is deactivated"), SendStatus.UNREACHABLE),
        (BadRequest("Chat not found"), SendStatus.UNREACHABLE),
        (BadRequest("Message is not modified: specified new message content"), SendStatus.SENT),
        (BadRequest("Button_data_invalid"), SendStatus.FAILED),
        (NetworkError("Bad Gateway"), SendStatus.TEMPORARY),  # Telegram answered 502
        # A transport failure's cause says whether the request left: tests/unit/test_transport.py
        # makes each one happen against a real server.
        (TimedOut(), SendStatus.UNCERTAIN),
        (TelegramError("something new"), SendStatus.FAILED),
    ],
)
def test_classify(error: TelegramError, status: SendStatus) -> None:
    assert classify(error).status is status


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB's int → timedelta notice
def test_retry_after_and_migration_carry_their_numbers() -> None:
    result = classify(RetryAfter(7))
    assert result.status is SendStatus.RETRY_AFTER and result.retry_after == 7.0
    migrated = classify(ChatMigrated(-1001234))
    assert migrated.status is SendStatus.MIGRATED and migrated.migrate_to == -1001234


class _Members:
    def __init__(self) -> None:
        self.unreachable: list[int] = []

    async def record_unreachable(self, telegram_id: int) -> None:
        self.unreachable.append(telegram_id)


def _context(error: TelegramError | None, members: _Members) -> Any:
    async def send_message(chat_id: int, text: str, **_kwargs: Any) -> None:
        if error is not None:
            raise error

    services = SimpleNamespace(members=members)
    return SimpleNamespace(
        bot=SimpleNamespace(send_message=send_message),
        bot_data=SimpleNamespace(services=services),
    )


@pytest.mark.parametrize(
    ("error", "sent", "unreachable"),
    [
        (None, True, []),
        (Forbidden("Forbidden: bot was blocked by the user"), False, [7]),
        (BadRequest("Chat not found"), False, [7]),
        (BadRequest("Bad Request: user is deactivated"), False, [7]),
    ],
)
async def test_send_private_agrees_with_the_classifier(
    error: TelegramError | None, sent: bool, unreachable: list[int]
) -> None:
    members = _Members()
    assert await send_private(_context(error, members), 7, "xin chào") is sent
    assert members.unreachable == unreachable


async def test_send_private_raises_other_errors() -> None:
    members = _Members()
    with pytest.raises(BadRequest):
        await send_private(_context(BadRequest("Bad Request: text is empty"), members), 7, "")
    assert members.unreachable == []
