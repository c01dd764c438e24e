"""Telegram's sending limits, as a reservation schedule the outbox worker plans against.

Telegram allows a bot about 30 messages per second overall, one per second in a private chat
and 20 per minute in a group; beyond that it answers 429 with ``retry_after``. PTB's
``AIORateLimiter`` has no per-private-chat limit and, when retrying, sleeps while blocking
every other request, so the worker uses this limiter instead and PTB's is not installed.

``reserve(chat_id)`` books the earliest moment a message to that chat may start and returns
the delay until then; callers sleep that long and then send. Reservations are spaced at least
``1 / global_rate`` apart overall and ``chat interval`` apart per chat, so a burst to 10,000
members goes out at a steady rate and one busy chat never delays the others. ``admit`` then
bounds the requests actually made: at most ``global_rate`` (rounded down) in flight or answered
within a second, whatever the schedule slipped; the outbox admits a send ``ahead`` of its HTTP
call (its row is prepared in between) and ``launch``es it. A 429 pauses only
its chat, unless several chats are refused within a second (then it looks global and every
chat waits). The state is per process; several instances on one PostgreSQL also book every
send in the bot-wide budget (bot/delivery/shared_budget.py), and this limiter stays their
local guard.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable

# A little under Telegram's 30/s: at most floor(28.5) = 28 requests reach it in any second.
# 28.5 (not 27.5, the default until 12/2026) because the hard bound, not the rate, keeps
# that second; at 27.5 the drain held 0.88 of 30/s on PostgreSQL (bench/drain_bench.py).
DEFAULT_GLOBAL_RATE = 28.5
PRIVATE_INTERVAL = 1.05  # seconds between two messages to one private chat (limit: 1/s)
GROUP_INTERVAL = 3.1  # 20 messages per minute in a group, evenly spaced, with a margin
GLOBAL_429_CHATS = 3  # this many distinct chats refused within GLOBAL_429_WINDOW → global
GLOBAL_429_WINDOW = 1.0
INFLIGHT_MAX_AGE = 10.0  # a request never released (its caller died) stops counting after this
BUSY_POLL = 0.02  # how soon to look again when only requests in flight fill the budget


async def wait_unless_stopping(seconds: float, stopping: asyncio.Event | None) -> bool:
    """Sleep ``seconds`` until a send's turn; False at once if ``stopping`` is (or becomes)
    set meanwhile: the process is shutting down and the send gives its turn up."""
    if stopping is None:
        await asyncio.sleep(max(0.0, seconds))
        return True
    if stopping.is_set():
        return False
    if seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)
    return not stopping.is_set()


def is_group_chat(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; users positive ones."""
    return chat_id < 0


class RateLimiter:
    def __init__(
        self,
        *,
        global_rate: float = DEFAULT_GLOBAL_RATE,
        private_interval: float = PRIVATE_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        if global_rate <= 0:
            raise ValueError("global_rate must be positive")
        self.spacing = 1.0 / global_rate
        self.private_interval = private_interval
        self.group_interval = group_interval
        self._now = now
        self._booked: list[float] = []  # sorted start times of global reservations
        self._chat_free: dict[int, float] = {}  # chat → earliest next start
        self._paused_until = 0.0  # global pause after a global-looking 429
        self._recent_429: dict[int, float] = {}
        # The schedule can slip (a slow database commit), and a slipped message must not then
        # go out in a burst with the punctual ones: the window bounds actual requests.
        self._window = max(1, math.floor(global_rate))
        self._chat_started: dict[int, float] = {}  # chat → its last actual start
        # Requests admitted but not yet answered, and when answered ones finished. A request
        # reaches Telegram somewhere between its admission and its answer; when this process
        # stalls, requests admitted before the stall arrive after it, together with new ones.
        # Counting a request until it is answered (``release``) keeps what Telegram sees in any
        # second within the budget, however the arrivals bunch up (every request started in
        # the last second is among them, so this bounds the starts too).
        self._inflight: deque[float] = deque()
        self._finished: deque[float] = deque()
        # Requests that stopped counting at INFLIGHT_MAX_AGE but were not answered yet: their
        # late answer must not remove a request still in flight from ``_inflight``.
        self._aged_out = 0
        # Admitted with ``ahead`` (the outbox prepares its row first) but not launched yet.
        self._reserved: deque[float] = deque()

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    def _forget_past(self, now: float) -> None:
        cut = bisect.bisect_left(self._booked, now - self.spacing)
        if cut:
            del self._booked[:cut]
        if len(self._chat_free) > 4096:
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}

    def _chat_ready(self, chat_id: int, now: float) -> float:
        return max(now, self._paused_until, self._chat_free.get(chat_id, now))

    def _global_slot(self, earliest: float) -> float:
        """The first moment ≥ ``earliest`` at least ``spacing`` away from every booking."""
        slot = earliest
        start = bisect.bisect_left(self._booked, slot - self.spacing)
        for booked in self._booked[start:]:
            if booked - slot >= self.spacing:
                break
            if abs(booked - slot) < self.spacing:
                slot = booked + self.spacing
        return slot

    def peek(self, chat_id: int) -> float:
        """Seconds until a message to ``chat_id`` could start, without booking it."""
        now = self._now()
        return max(0.0, self._global_slot(self._chat_ready(chat_id, now)) - now)

    def busy_chats(self, beyond: float, most: int) -> dict[int, float]:
        """Chats no message can start in within ``beyond`` seconds (their interval, a 429 or
        another instance's send pushed them back): chat → seconds until it can. At most
        ``most``, the soonest free first; a global pause is ``paused_for``'s business."""
        now = self._now()
        horizon = now + beyond
        busy = sorted((t, c) for c, t in self._chat_free.items() if t > horizon)
        return {chat: free - now for free, chat in busy[:most]}

    def paused_for(self) -> float:
        """Seconds left of a global pause (after a 429 that looked global), else 0."""
        return max(0.0, self._paused_until - self._now())

    def reserve(self, chat_id: int, cost: int = 1) -> float:
        """Book ``cost`` consecutive sends to ``chat_id``; returns the delay before the first."""
        now = self._now()
        self._forget_past(now)
        first = slot = self._global_slot(self._chat_ready(chat_id, now))
        for i in range(cost):
            if i:
                slot = self._global_slot(slot + self._interval(chat_id))
            bisect.insort(self._booked, slot)
        self._chat_free[chat_id] = slot + self._interval(chat_id)
        return max(0.0, first - now)

    def admit(self, chat_id: int, *, per_chat: bool = True, ahead: float | None = None) -> float:
        """Right before a send: 0 (and the send is counted) if it may start now, else the wait.

        Enforces the limits on actual start times: at most ``global_rate`` starts in any
        second, and (with ``per_chat``) the chat interval since the chat's last start.
        Interactive replies pass ``per_chat=False``: a short burst in the chat a person is
        using is fine for Telegram, while the overall budget is shared with the outbox.

        With ``ahead`` the request is only reserved, to go out about that many seconds from
        now (the outbox first moves its row to "sending", a database step): an answer that
        stops counting by then does not hold it back. ``launch`` counts it in flight right
        before the HTTP call, or ``withdraw`` gives the place up.
        """
        now = self._now()
        wait = 0.0
        self._forget_answered(now)
        early = 0.0 if ahead is None else max(0.0, min(ahead, 1.0))
        counted = [t for t in self._finished if t > now + early - 1.0]
        if len(self._reserved) + len(self._inflight) + len(counted) >= self._window:
            busy = counted[0] + 1.0 - early - now if counted else BUSY_POLL
            wait = max(wait, busy)
        last = self._chat_started.get(chat_id)
        if per_chat and last is not None:
            wait = max(wait, last + self._interval(chat_id) - now)
        if wait > 0:
            return wait
        self._count(chat_id, now, ahead)
        return 0.0

    def force_admit(self, chat_id: int, *, ahead: float | None = None) -> None:
        """Count a send that waited as long as its caller allows (a safety valve)."""
        self._count(chat_id, self._now(), ahead)

    def _count(self, chat_id: int, now: float, ahead: float | None) -> None:
        (self._inflight if ahead is None else self._reserved).append(now)
        self._chat_started[chat_id] = now
        if len(self._chat_started) > 4096:
            horizon = now - self.group_interval
            self._chat_started = {c: t for c, t in self._chat_started.items() if t > horizon}

    def launch(self) -> float:
        """Right before the HTTP call of a request admitted with ``ahead``: 0 (it is counted in
        flight) if Telegram's second has room now, else the wait. This is the hard bound: at
        most ``global_rate`` (rounded down) requests in flight or answered within a second."""
        now = self._now()
        self._forget_answered(now)
        if len(self._inflight) + len(self._finished) >= self._window:
            return self._finished[0] + 1.0 - now if self._finished else BUSY_POLL
        self.force_launch()
        return 0.0

    def force_launch(self) -> None:
        """Count a reserved request in flight whatever the second holds (a safety valve)."""
        if self._reserved:
            self._reserved.popleft()
        self._inflight.append(self._now())

    def withdraw(self) -> None:
        """A reserved request will not be sent (its row was cancelled or taken meanwhile)."""
        if self._reserved:
            self._reserved.popleft()

    def _forget_answered(self, now: float) -> None:
        while self._finished and self._finished[0] <= now - 1.0:
            self._finished.popleft()
        while self._inflight and self._inflight[0] <= now - INFLIGHT_MAX_AGE:
            self._inflight.popleft()
            self._aged_out += 1
        while self._reserved and self._reserved[0] <= now - INFLIGHT_MAX_AGE:
            self._reserved.popleft()  # its caller died between admission and launch

    def release(self, chat_id: int | None = None) -> None:
        """An admitted request was answered (or failed): it counts for one more second.

        With ``chat_id``, the chat's spacing runs from now: the request reached Telegram
        somewhere between its admission and its answer (a slow database step can sit in
        between), so the next one to that chat must not start less than an interval after."""
        now = self._now()
        # While aged-out requests are unanswered, an answer is counted against them: at worst
        # one request too many still counts, never one too few.
        if self._aged_out:
            self._aged_out -= 1
        elif self._inflight:
            self._inflight.popleft()
        self._finished.append(now)
        if chat_id is not None and chat_id in self._chat_started:
            self._chat_started[chat_id] = max(self._chat_started[chat_id], now)

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        until = self._now() + seconds
        self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), until)

    def pause_all(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def report_429(self, chat_id: int, retry_after: float) -> bool:
        """Record a 429 for ``chat_id``; returns True if it looked global (all chats paused)."""
        now = self._now()
        self.pause_chat(chat_id, retry_after)
        self._recent_429 = {
            c: t for c, t in self._recent_429.items() if now - t <= GLOBAL_429_WINDOW
        }
        self._recent_429[chat_id] = now
        if len(self._recent_429) >= GLOBAL_429_CHATS:
            self.pause_all(retry_after)
            return True
        return False
