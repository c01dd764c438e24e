"""One sending budget for every instance of the bot: Telegram's limits hold for the bot as a
whole, however many ``chibo run`` processes share the database.

Why a shared budget, not an elected sender: direct replies (a confirmation, a roster) are sent
by whichever instance got the update, so they must be counted bot-wide anyway; with every
send booked in one schedule, every instance can also send outbox rows (claimed with ``FOR
UPDATE SKIP LOCKED``), and there is no leader whose death stops the sending.

``SendBudget`` is the port. The plain one books nothing: a SQLite bot is one instance by
construction (bot/runner.py ``sole_instance``) and its in-process ``RateLimiter`` is the whole
truth. ``PostgresSendBudget`` books every send in ``send_clock`` (one slot every
``1 / global_rate`` seconds for the whole bot) and in ``chat_send_clock`` (a chat's interval
between two messages). The in-process limiter stays as the local guard.

A send is booked first (``reserve``); ``start`` sleeps until the slot has come and there is
room for one more request in flight; the caller prepares the request (the outbox moves its row
to "sending"), ``admit`` counts it as in flight, it goes at once, and ``finish`` follows
Telegram's answer. A slot this process missed by more than ``stall`` (a busy event loop) is
given up and booked again rather than used late. Outbox rows book at most ``horizon`` ahead,
so a reply a person waits for gets a slot soon even during a broadcast.

The schedule spaces the sends; the hard bound is the requests in flight (``send_clock.flying``
and ``.answered``): a request starts only while fewer than ``floor(global_rate)`` requests of
all instances are in flight or were answered within the last second. A request reaches
Telegram between its start and its answer, so no second at Telegram can hold more, however
the requests bunch up on the way (a stalled process, a slow database, Telegram's own queue):
the in-process ``RateLimiter``'s rule, bot-wide.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery.ratelimit import (
    BUSY_POLL,
    DEFAULT_GLOBAL_RATE,
    GROUP_INTERVAL,
    INFLIGHT_MAX_AGE,
    PRIVATE_INTERVAL,
    is_group_chat,
    wait_unless_stopping,
)
from storage.repositories.send_budget import NO_HORIZON, GlobalBooking, SendBudgetRepository

log = logging.getLogger(__name__)

OUTBOX_HORIZON = 0.5  # seconds the outbox may book ahead of now
STALL = 0.05  # a slot started this late is booked again
STALL_TRIES = 5  # then the send goes anyway (bounded)
CHAT_TRIES = 3
MIN_POLL = 0.01
PRUNE_EVERY = 60.0  # seconds between cleanups of the per-chat clocks
PRUNE_AFTER = 120.0  # a chat free that long is forgotten


Stopping = asyncio.Event | None  # set when the process begins to stop: waiting sends give up


@dataclass(frozen=True)
class Turn:
    """A booked send: it may start at ``start`` (``time.monotonic()``). ``busy`` > 0: nothing
    was booked, the chat is free only that many seconds from now."""

    chat_id: int
    start: float
    per_chat: bool
    busy: float = 0.0


class SendBudget:
    """The bot-wide budget of a single instance: nothing to book (the local limiter rules)."""

    shared = False

    async def reserve(
        self, chat_id: int, *, per_chat: bool, max_wait: float = 0.0, stopping: Stopping = None
    ) -> Turn:
        """Book a send to ``chat_id`` in the bot-wide schedule.

        With ``per_chat`` (outbox rows) the chat's interval since its last message (from any
        instance) is kept too: waited for when it is no longer than ``max_wait`` or the
        chat's own interval; longer (a 429 paused the chat), or ``stopping`` set while it
        waits (the worker is shutting down), and the turn comes back ``busy``. Without it
        (direct replies) the chat is never waited for, but the send counts for it, so the
        outbox keeps its interval after a reply.
        """
        return Turn(chat_id, time.monotonic(), per_chat)

    async def start(self, turn: Turn, *, ahead: float = 0.0) -> None:
        """Sleep until ``turn`` starts and there is room for one more request in flight
        ``ahead`` seconds from now (the caller prepares its request meanwhile; ``admit`` is
        the hard bound)."""
        return None

    async def admit(self) -> datetime | None:
        """Count the request as in flight (waiting, rarely, for room): send at once, and
        ``finish`` it when Telegram has answered (or the request failed)."""
        return None

    async def finish(self, ticket: datetime | None) -> None:
        return None

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
        self.window = max(1, math.floor(global_rate))
        self.private_interval = private_interval
        self.group_interval = group_interval
        self.horizon = horizon
        self.stall = stall
        self._outbox_turn = asyncio.Lock()  # one outbox booking of this process at a time
        self._pruned_at = time.monotonic()

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    async def reserve(
        self, chat_id: int, *, per_chat: bool, max_wait: float = 0.0, stopping: Stopping = None
    ) -> Turn:
        busy = 0.0
        for _ in range(CHAT_TRIES):
            booking = await (self._book_outbox() if per_chat else self._book(NO_HORIZON))
            turn = Turn(chat_id, time.monotonic() + booking.wait, per_chat)
            async with self.engine.connect() as connection:
                repo = SendBudgetRepository(connection)
                if not per_chat:
                    await repo.push_chat(chat_id, booking.wait + self._interval(chat_id))
                    return turn
                busy = await repo.book_chat(chat_id, booking.slot, self._interval(chat_id))
                await self._prune(repo)
            if busy == 0.0:
                return turn
            if busy > max(max_wait, self.group_interval + 1.0):
                break
            if not await wait_unless_stopping(booking.wait + busy, stopping):
                break
            # the chat is free soon: book a new slot then
        return Turn(chat_id, time.monotonic(), per_chat, busy=max(busy, MIN_POLL))

    async def start(self, turn: Turn, *, ahead: float = 0.0) -> None:
        await self._wait(turn)
        while True:
            async with self.engine.connect() as connection:
                busy = await SendBudgetRepository(connection).busy(INFLIGHT_MAX_AGE, ahead)
            if busy < self.window:
                return
            await asyncio.sleep(BUSY_POLL)

    async def admit(self) -> datetime | None:
        while True:  # the hard bound: what Telegram can see in any second
            async with self.engine.connect() as connection:
                ticket = await SendBudgetRepository(connection).admit(self.window, INFLIGHT_MAX_AGE)
            if ticket is not None:
                return ticket
            await asyncio.sleep(BUSY_POLL)

    async def finish(self, ticket: datetime | None) -> None:
        if ticket is None:
            return
        answered = time.monotonic()
        async with self.engine.connect() as connection:
            await SendBudgetRepository(connection).answered(ticket, time.monotonic() - answered)

    async def _wait(self, turn: Turn) -> None:
        for _ in range(STALL_TRIES):
            delay = turn.start - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            late = time.monotonic() - turn.start
            if late <= self.stall:
                return
            log.debug("send budget: slot missed by %.3fs, booking again", late)
            booking = await (self._book_outbox() if turn.per_chat else self._book(NO_HORIZON))
            turn = Turn(turn.chat_id, time.monotonic() + booking.wait, turn.per_chat)
            async with self.engine.connect() as connection:  # the chat's next one waits too
                await SendBudgetRepository(connection).push_chat(
                    turn.chat_id, booking.wait + self._interval(turn.chat_id)
                )

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

    async def _prune(self, repo: SendBudgetRepository) -> None:
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            await repo.prune_chats(PRUNE_AFTER)

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
