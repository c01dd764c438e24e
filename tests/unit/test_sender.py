"""How Telegram's answers (as PTB raises them) map to what the outbox does."""

from __future__ import annotations

import httpx
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


def _caused(exc: TelegramError, cause: BaseException) -> TelegramError:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), SendStatus.UNREACHABLE),
        (Forbidden("Forbidden: user is deactivated"), SendStatus.UNREACHABLE),
        (BadRequest("Chat not found"), SendStatus.UNREACHABLE),
        (BadRequest("Message is not modified: specified new message content"), SendStatus.SENT),
        (BadRequest("Button_data_invalid"), SendStatus.FAILED),
        (NetworkError("Bad Gateway"), SendStatus.TEMPORARY),  # Telegram answered 502
        (
            _caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")),
            SendStatus.TEMPORARY,
        ),
        (_caused(TimedOut(), httpx.ConnectTimeout("slow")), SendStatus.TEMPORARY),
        (_caused(TimedOut(), httpx.PoolTimeout("busy")), SendStatus.TEMPORARY),
        # The request may have reached Telegram: never resend.
        (_caused(TimedOut(), httpx.ReadTimeout("no answer")), SendStatus.UNCERTAIN),
        (_caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), SendStatus.UNCERTAIN),
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
