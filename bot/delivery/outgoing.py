"""What the core wants sent, independent of Telegram: messages, buttons, and the sender port.

The outbox worker (bot/delivery/outbox.py) renders due rows with the ``Renderer`` of their
kind into ``OutgoingMessage`` objects and hands them to a ``Sender``; the Telegram
implementation of ``Sender`` lives in handlers/adapters/. This keeps bot/ free of telegram
imports while every message that must go out once goes through the DB.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


@dataclass(frozen=True)
class ButtonSpec:
    """An inline button: ``callback_data`` (≤ 64 bytes, see handlers/keyboards.py) or ``url``."""

    text: str
    callback_data: str | None = None
    url: str | None = None


ButtonRows = tuple[tuple[ButtonSpec, ...], ...]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    kind: str = "document"  # or "photo"
    file_id: str | None = None  # reuse an uploaded file instead of the bytes


@dataclass(frozen=True)
class OutgoingMessage:
    text: str
    buttons: ButtonRows = ()
    attachments: tuple[Attachment, ...] = field(default=())
    pin: bool = False
    html: bool = False


class SendStatus(enum.StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # Telegram said 429: wait ``retry_after`` seconds
    UNREACHABLE = "unreachable"  # 403: never started the bot, blocked it, deactivated
    MIGRATED = "migrated"  # the group became a supergroup: ``migrate_to`` is the new id
    FAILED = "failed"  # a permanent error (bad request): do not retry
    TEMPORARY = "temporary"  # network error or 5xx: retry with backoff
    # The request may have reached Telegram but no answer came (a read timeout): resending
    # could deliver a second copy, so the outbox does not retry it.
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    message_id: int | None = None
    retry_after: float | None = None
    migrate_to: int | None = None
    error: str | None = None


class Sender(Protocol):
    async def send(self, chat_id: int, message: OutgoingMessage) -> SendResult: ...

    async def edit(self, chat_id: int, message_id: int, message: OutgoingMessage) -> SendResult: ...


@dataclass(frozen=True)
class EditMessage:
    """A renderer's answer meaning "edit this already-sent message" instead of sending anew."""

    message_id: int
    message: OutgoingMessage


Rendered = OutgoingMessage | EditMessage
Renderer = Callable[[AsyncSession, OutboxMessage, datetime], Awaitable[Rendered | None]]


class Defer(Exception):
    """Raised by a renderer: not now, try again in ``seconds`` (no attempt is used)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
