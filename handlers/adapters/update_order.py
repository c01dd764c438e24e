"""Updates run concurrently, but one person's updates run one at a time, in arrival order.

A member who taps "✅ Có mặt" and, half a second later, "❌ Vắng" must end up absent: the
second tap may not overtake the first. PTB's ``concurrent_updates(n)`` runs every update as soon
as it arrives, so one person's two taps raced. This processor gives each person (the update's
user; for an update without one, its chat) a queue of turns, while different people still run
side by side, at most ``concurrency`` at a time. Updates reach it in ``update_id`` order (the
Updater queues them as Telegram sent them), and both the person's turn and the shared slots are
handed out first come, first served. A person's turn is forgotten as soon as they have nothing
waiting, so memory follows the updates in progress, not the people ever seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.ops.metrics import UPDATE_SECONDS

# PTB's own gate only has to let updates in, in order; ours bounds the work. Far above any
# real backlog: past it, PTB would admit waiting updates in no guaranteed order.
ADMISSION = 100_000


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0  # updates of this person holding or awaiting the lock


def person_of(update: object) -> Hashable | None:
    """Whose updates must keep their order: the user's, else the chat's, else nobody's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None


class PerPersonOrder(BaseUpdateProcessor):
    """At most ``concurrency`` updates at once; one person's strictly one after another."""

    def __init__(self, concurrency: int) -> None:
        super().__init__(ADMISSION)
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._turns: dict[Hashable, _Turn] = {}

    @property
    def people_waiting(self) -> int:
        """How many people have an update running or queued (for tests and metrics)."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle one update in its turn; /metrics times it from arrival, waiting included."""
        with UPDATE_SECONDS.time():
            await self._in_turn(update, coroutine)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_of(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        # Everything up to ``acquire`` runs without yielding, so turns follow arrival order.
        turn = self._turns.setdefault(key, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock, self._slots:
                await coroutine
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: every update holds its own turn and slot."""
