"""One sending budget for every instance of the bot: Telegram's limits hold for the bot as a
whole, however many ``chibo run`` processes share the database.

Why a shared budget, not an elected sender: direct replies (a confirmation, a roster) are sent
by whichever instance got the update, so they must be counted bot-wide anyway; with every
send booked in one schedule, every instance can also send outbox rows (claimed with ``FOR
UPDATE SKIP LOCKED``), and there is no leader whose death stops the sending.

``SendBudget`` is the port. The plain one books nothing: a SQLite bot is one instance by
construction (bot/runner.py ``sole_instance``) and its in-process ``RateLimiter`` is the whole
truth. ``PostgresSendBudget`` books every send in ``send_clock`` (one slot every
``1 / global_rate`` seconds for the whole bot) and, for outbox rows, in ``chat_send_clock``
(the chat's interval since its last message). The in-process limiter stays as the local guard
against bunching. Outbox rows book at most ``horizon`` ahead, so a reply a person waits for
gets a slot soon even in a broadcast; a slot whose start this process missed by more than
``stall`` (a busy event loop) is given up and booked again rather than used late, together
with the punctual sends of the others.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery.ratelimit import (
    DEFAULT_GLOBAL_RATE,
    GROUP_INTERVAL,
    PRIVATE_INTERVAL,
    is_group_chat,
)
from storage.repositories.send_budget import NO_HORIZON, GlobalBooking, SendBudgetRepository

log = logging.getLogger(__name__)

OUTBOX_HORIZON = 0.5  # seconds the outbox may book ahead of now
STALL = 0.1  # a slot started this late is booked again
STALL_TRIES = 5  # then the send goes anyway (bounded)
CHAT_TRIES = 3
MIN_POLL = 0.01
PRUNE_EVERY = 60.0  # seconds between cleanups of the per-chat clocks
PRUNE_AFTER = 120.0  # a chat free that long is forgotten


class SendBudget:
    """The bot-wide budget of a single instance: nothing to book (the local limiter rules)."""

    shared = False

    async def acquire(self, chat_id: int, *, per_chat: bool, max_wait: float = 0.0) -> float:
        """Wait for this process's turn to send to ``chat_id``; 0.0 means send now.

        With ``per_chat`` (outbox rows) the chat's interval since its last message (from any
        instance) is kept too, waiting up to ``max_wait`` seconds for it; a positive result
        means the chat is busy longer than that: try again that many seconds later.
        Without it (direct replies) the result is always 0.0; the send is still recorded for
        the chat, so the outbox keeps its interval after a reply.
        """
        return 0.0

    async def report_429(self, chat_id: int, retry_after: float, *, everywhere: bool) -> None:
        """Telegram refused a send: nothing to ``chat_id`` (or to anyone) for a while."""
        return None


class PostgresSendBudget(SendBudget):
    """The budget booked in PostgreSQL, shared by every instance on that database."""

    shared = True

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        global_rate: float = DEFAULT_GLOBAL_RATE,
        private_interval: float = PRIVATE_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        horizon: float = OUTBOX_HORIZON,
        stall: float = STALL,
    ) -> None:
        if global_rate <= 0:
            raise ValueError("global_rate must be positive")
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.spacing = 1.0 / global_rate
        self.private_interval = private_interval
        self.group_interval = group_interval
        self.horizon = horizon
        self.stall = stall
        self._outbox_turn = asyncio.Lock()  # one outbox booking of this process at a time
        self._pruned_at = time.monotonic()

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    async def acquire(self, chat_id: int, *, per_chat: bool, max_wait: float = 0.0) -> float:
        for _ in range(CHAT_TRIES):
            await self._global_turn(outbox=per_chat)
            async with self.engine.connect() as connection:
                repo = SendBudgetRepository(connection)
                if time.monotonic() - self._pruned_at >= PRUNE_EVERY:
                    self._pruned_at = time.monotonic()
                    await repo.prune_chats(PRUNE_AFTER)
                if not per_chat:
                    await repo.push_chat(chat_id, self._interval(chat_id))
                    return 0.0
                wait = await repo.book_chat(chat_id, self._interval(chat_id))
            if wait == 0.0 or wait > max_wait:
                return wait
            await asyncio.sleep(wait)  # the chat is free soon: then a new global slot
        return wait

    async def _global_turn(self, *, outbox: bool) -> None:
        """Sleep until this process's slot in the bot-wide schedule starts."""
        for _ in range(STALL_TRIES):
            booking = await (self._book_outbox() if outbox else self._book(NO_HORIZON))
            start = time.monotonic() + booking.wait
            if booking.wait > 0:
                await asyncio.sleep(booking.wait)
            late = time.monotonic() - start
            if late <= self.stall:
                return
            log.debug("send budget: slot missed by %.3fs, booking again", late)

    async def _book_outbox(self) -> GlobalBooking:
        """Book within the horizon, waiting while the schedule is full that far ahead."""
        async with self._outbox_turn:
            while True:
                booking = await self._book(self.horizon)
                if booking.booked:
                    return booking
                await asyncio.sleep(max(MIN_POLL, booking.wait - self.horizon))

    async def _book(self, horizon: float) -> GlobalBooking:
        async with self.engine.connect() as connection:
            return await SendBudgetRepository(connection).book_global(self.spacing, horizon)

    async def report_429(self, chat_id: int, retry_after: float, *, everywhere: bool) -> None:
        async with self.engine.connect() as connection:
            repo = SendBudgetRepository(connection)
            await repo.push_chat(chat_id, retry_after)
            if everywhere:
                await repo.push_global(retry_after)


def send_budget_for(engine: AsyncEngine, *, global_rate: float) -> SendBudget:
    """The shared budget on PostgreSQL (several instances may run), the plain one on SQLite."""
    if engine.dialect.name == "postgresql":
        return PostgresSendBudget(engine, global_rate=global_rate)
    return SendBudget()
