"""Test doubles for the one thing that is not here: Telegram itself (unit tests only).

End-to-end tests use the real PTB stack against bot/simulator's fake Bot API instead.
"""

from __future__ import annotations

import asyncio
import socket

from bot.delivery.outgoing import OutgoingMessage, SendResult, SendStatus
from bot.delivery.ratelimit import RateLimiter


class ScriptedSender:
    """Records every call; answers with a scripted result per chat (default: sent)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.messages: list[tuple[int, OutgoingMessage]] = []
        self.edits: list[tuple[int, int, str]] = []
        self.script: dict[int, list[SendResult]] = {}
        self.hang: set[int] = set()
        self._next_id = 1000

    async def send(self, chat_id: int, message: OutgoingMessage) -> SendResult:
        if chat_id in self.hang:
            await asyncio.sleep(3600)
        self.sent.append((chat_id, message.text))
        self.messages.append((chat_id, message))
        queue = self.script.get(chat_id)
        if queue:
            return queue.pop(0)
        self._next_id += 1
        return SendResult(SendStatus.SENT, message_id=self._next_id)

    async def edit(self, chat_id: int, message_id: int, message: OutgoingMessage) -> SendResult:
        self.edits.append((chat_id, message_id, message.text))
        return SendResult(SendStatus.SENT, message_id=message_id)


def fast_limiter() -> RateLimiter:
    """No waiting between messages, so unit tests run at full speed."""
    return RateLimiter(global_rate=10_000, private_interval=0, group_interval=0)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
