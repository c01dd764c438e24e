"""The durable outbox: messages that must reach each recipient once (reminders, agenda copies).

Features insert rows with ``OutboxRepository.plan`` (a duplicate ``dedupe_key`` is ignored)
and provide a renderer for their ``kind`` (the table is assembled in bot/services.py). The
``OutboxWorker`` claims due rows, renders them at send time (so an edit made before sending is
simply included), sends them through a ``Sender`` within Telegram's limits
(bot/delivery/ratelimit.py) and records the outcome. The database is the only truth: a
restarted process resumes from it.

Exactly once — the policy, and why
-----------------------------------
Telegram has no idempotency key: if a process dies between asking Telegram to send and
recording the answer, nobody can know whether the member got the message. Resending would risk
a second copy; not resending risks none. We choose *at most once* for that window and keep the
window tiny:

1. **Claim** (one transaction per small batch): due ``pending`` rows get a short lease
   (``locked_until = now + claim_lease``, 5 s), and a slot in the rate schedule. Nothing is sent
   yet; if the process dies now, the lease expires and another claim (of any instance) picks
   the rows up within seconds — safe. A chat that cannot take a message within ``max_wait``
   (its spacing, a 429, another instance's send) is left out of the claim and looked at again
   when it frees up, in real seconds: pacing never moves a row's ``due_at`` (which is on the
   injected clock); a 429's ``retry_after`` and a retry's back-off do, as they must outlive
   the process.
2. **Begin** (one transaction per message, just before its HTTP call): once the rate limiter
   has a place for it, the row is re-read under a row lock, rendered, and moved to
   ``sending`` with ``attempts + 1``; committed *before* Telegram is called. Only one process
   can move a row out of ``pending``. Instances sharing PostgreSQL wait for the message's
   bot-wide slot (bot/delivery/shared_budget.py) before this step too. The place is taken as
   of the moment the request will go (``LeadTime``: this step's recent median), so the step's
   own time does not idle Telegram's second; right before the call, the limiter's hard bound
   is checked again, and a row ready sooner than foreseen waits there, a few milliseconds.
3. **Record** (one transaction per message, right after the answer): ``sent`` with the message
   id, or back to ``pending`` for a 429 / network error, or ``failed``.

A row still ``sending`` after its lease (``lease``, longer than any HTTP timeout) was in flight
when a process died: it becomes ``uncertain`` ("chưa rõ" for the secretary) and is never resent
automatically. So is a send whose answer was lost (a read timeout). Only the messages whose
request was on the wire, or a few milliseconds from it, at the moment of a crash can end up
there — at 28 messages/s, typically zero to two rows (measured by bench/broadcast_crash.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import statistics
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery.failures import UNREACHABLE, plan_failure_alerts
from bot.delivery.outgoing import (
    Defer,
    EditMessage,
    Rendered,
    Renderer,
    Sender,
    SendResult,
    SendStatus,
)
from bot.delivery.ratelimit import (
    GROUP_INTERVAL,
    INFLIGHT_MAX_AGE,
    RateLimiter,
    is_group_chat,
    wait_unless_stopping,
)
from bot.delivery.shared_budget import SendBudget
from storage.db import Database
from storage.models import OutboxStatus
from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)

RESTART_PAUSE = 1.0  # seconds
# Every wait the limiter can ask for ends within this: requests unanswered stop counting
# after INFLIGHT_MAX_AGE, a chat's spacing is at most GROUP_INTERVAL, the second's window 1 s.
ADMIT_PATIENCE = INFLIGHT_MAX_AGE + GROUP_INTERVAL + 1.0
MAX_AHEAD = 0.5  # seconds: a send is never reserved further ahead of its HTTP call
BUSY_SKIP_MOST = 200  # busy chats the claim query leaves out; rows to any others are passed over


class LeadTime:
    """How long the last sends took from a step to their HTTP call (the row lock, render and
    commit that move a row to "sending" lie between). Their median is how far ahead a send
    is admitted: its request goes out that much later, so an answer that stops counting by
    then need not hold it back (else each place of Telegram's second sits idle that long)."""

    def __init__(self, size: int = 64) -> None:
        self._recent: deque[float] = deque(maxlen=size)

    def add(self, seconds: float) -> None:
        self._recent.append(seconds)

    def ahead(self) -> float:
        return min(MAX_AHEAD, statistics.median(self._recent)) if self._recent else 0.0


@dataclass(frozen=True)
class _Claim:
    id: int
    chat_id: int
    delay: float


@dataclass(frozen=True)
class _InFlight:
    id: int
    chat_id: int
    cell_id: int
    member_id: int | None
    attempts: int
    rendered: Rendered


class OutboxWorker:
    """Sends due outbox rows in the background; see the module docstring for the guarantees."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        limiter: RateLimiter | None = None,
        *,
        renderers: Mapping[str, Renderer],
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=60),
        claim_lease: timedelta = timedelta(seconds=5),
        max_attempts: int = 5,
        max_wait: float = 2.0,
        send_timeout: float = 30.0,
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
        poll_interval: float = 5.0,
        budget: SendBudget | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.renderers = renderers  # kind -> how a row becomes a message; None cancels the row
        self.limiter = limiter or RateLimiter()
        self.budget = budget or SendBudget()  # the bot-wide one when instances share PostgreSQL
        self.batch_size = batch_size
        self.lease = lease
        self.claim_lease = claim_lease
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.send_timeout = send_timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._lead = LeadTime()  # from the limiter's admission to the HTTP call
        self._lead_db = LeadTime()  # from the bot-wide budget's start to the HTTP call
        self.in_flight: set[asyncio.Task[None]] = set()  # messages being sent by run_forever
        self.last_loop_at: float | None = None  # time.monotonic() of run_forever's last loop

    # -- public -------------------------------------------------------------------------

    def wake(self) -> None:
        """New rows were planned: look now instead of at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim one batch of due rows, send them all, record; returns how many were claimed."""
        await self.expire_leases()
        claims = await self._claim(self.batch_size)
        never = asyncio.Event()
        await asyncio.gather(*(self._process(claim, never) for claim in claims))
        return len(claims)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Keep sending until ``stop`` is set. Messages already begun (on their way to
        Telegram) are finished; claimed rows still waiting for their slot are given back to
        the queue at once, for the next process to send."""
        tasks = self.in_flight
        last_expiry = float("-inf")
        # A process that just (re)started cannot know what its predecessor sent in the last
        # second; waiting one second keeps the two within Telegram's per-second limits.
        self.limiter.pause_all(RESTART_PAUSE)
        while not stop.is_set():
            self.last_loop_at = time.monotonic()
            backlog = False
            try:
                if time.monotonic() - last_expiry >= self.poll_interval:
                    await self.expire_leases()
                    last_expiry = time.monotonic()
                free = self.batch_size - len(tasks)
                if free >= max(1, self.batch_size // 2):
                    claims = await self._claim(free)
                    backlog = len(claims) == free
                    for claim in claims:
                        task = asyncio.create_task(self._process(claim, stop))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                else:
                    backlog = True
                wait = 0.2 if backlog else await self._seconds_until_due()
            except Exception:
                log.exception("outbox: claiming failed; retrying shortly")
                wait = 1.0
            await self._nap(stop, wait)
        if tasks:
            await asyncio.wait(tasks, timeout=self.send_timeout + 5)

    async def next_due(self) -> datetime | None:
        """When the worker next has something to do (a due row to a chat that is not busy, an
        expiring lease)."""
        async with self.db.session() as session:
            return await OutboxRepository(session).next_due(self.clock.now(), self._busy())

    async def expire_leases(self) -> int:
        """Rows left ``sending`` past their lease were in flight in a dead process: uncertain."""
        async with self.db.session() as session:
            count = await OutboxRepository(session).expire_leases(self.clock.now())
        if count:
            log.warning("outbox: %d message(s) were in flight during a crash: uncertain", count)
        return count

    # -- steps --------------------------------------------------------------------------

    def _busy(self) -> dict[int, float]:
        """Chats that cannot take a message within ``max_wait``: chat → seconds until they can.

        Pacing is kept in real seconds, in memory, not by moving rows' ``due_at``: ``due_at``
        is on the injected clock, the limits are on the wall clock, and a crash only loses a
        pause the restart pause and the bot-wide budget cover anyway."""
        return self.limiter.busy_chats(self.max_wait, BUSY_SKIP_MOST)

    async def _claim(self, limit: int) -> list[_Claim]:
        now = self.clock.now()
        claims: list[_Claim] = []
        if self.limiter.paused_for() > self.max_wait:
            return claims  # a 429 that looked global: nothing to anyone for now
        busy = self._busy()
        async with self.db.session() as session:
            for row in await OutboxRepository(session).claimable(now, limit * 2, busy):
                if len(claims) >= limit:
                    break
                if self.limiter.peek(row.chat_id) > self.max_wait:
                    continue  # busy too (beyond the BUSY_SKIP_MOST left out): later
                delay = self.limiter.reserve(row.chat_id)
                row.locked_until = now + self.claim_lease
                claims.append(_Claim(row.id, row.chat_id, delay))
        return claims

    async def _process(self, claim: _Claim, stopping: asyncio.Event) -> None:
        """Send one claimed row; if ``stopping`` is set while it still waits for its turn, the
        row goes back to the queue unsent."""
        try:
            if not await wait_unless_stopping(claim.delay, stopping):
                await self._give_back(claim.id)
                return
            # Wait for the bot-wide slot (other instances send too) and the rate limiter
            # BEFORE marking the row as sending: a row marked sending is "in flight" for crash
            # recovery, so it must go out right away (``_launch`` waits only if the row was
            # ready sooner than the admission foresaw).
            turn = await self.budget.reserve(
                claim.chat_id, per_chat=True, max_wait=self.max_wait, stopping=stopping
            )
            if turn.busy > 0:  # another instance wrote to this chat just now (or we stop)
                self.limiter.pause_chat(claim.chat_id, turn.busy)
                await self._give_back(claim.id)
                self.wake()
                return
            if not await self._admit(claim.chat_id, stopping, self._lead.ahead()):
                await self._give_back(claim.id)
                return
            admitted = time.monotonic()
            launched, ticket = False, None
            try:
                await self.budget.start(turn, ahead=self._lead_db.ahead())
                began = time.monotonic()
                flight = await self._begin(claim.id)
                if flight is not None:
                    self._lead.add(time.monotonic() - admitted)
                    self._lead_db.add(time.monotonic() - began)
                    launched = await self._launch()
                    ticket = await self.budget.admit()
            except BaseException:
                self._settle(launched)
                await self.budget.finish(ticket)
                raise
            if flight is None:
                self._settle(launched)
                return
            result = await self._deliver(flight, ticket)
            await self._record(flight, result)
        except Exception:
            log.exception("outbox: row %s could not be processed", claim.id)

    async def _begin(self, row_id: int) -> _InFlight | None:
        now = self.clock.now()
        async with self.db.session() as session:
            row = await OutboxRepository(session).locked(row_id)
            if row is None or row.status != OutboxStatus.PENDING:
                return None  # cancelled meanwhile, or another instance took it
            renderer = self.renderers.get(row.kind)
            if renderer is None:
                row.status, row.error = OutboxStatus.FAILED, f"no renderer for {row.kind}"
                await plan_failure_alerts(session, row, now)
                return None
            try:
                async with session.begin_nested():
                    rendered = await renderer(session, row, now)
            except Defer as defer:
                row.due_at = now + timedelta(seconds=defer.seconds)
                row.locked_until = None
                return None
            except Exception as exc:
                log.exception("outbox: rendering row %s failed", row_id)
                row.status, row.error = OutboxStatus.FAILED, f"render: {exc!r}"[:255]
                await plan_failure_alerts(session, row, now)
                return None
            if rendered is None:
                row.status, row.locked_until = OutboxStatus.CANCELLED, None
                return None
            row.status = OutboxStatus.SENDING
            row.attempts += 1
            row.locked_until = now + self.lease
            return _InFlight(
                row.id, row.chat_id, row.cell_id, row.member_id, row.attempts, rendered
            )

    async def _give_back(self, row_id: int) -> None:
        async with self.db.session() as session:
            await OutboxRepository(session).release_claim(row_id)

    async def _admit(self, chat_id: int, stopping: asyncio.Event, ahead: float) -> bool:
        """Reserve the send in the limiter, waiting for room; False if ``stopping`` is set.

        ``ahead``: the request goes out that much later (the row is moved to "sending"
        first), so an answer that stops counting by then does not hold it back.

        Bounded by time, not by tries: while requests are unanswered the limiter polls every
        20 ms, and a send must wait for their answers (or for them to age out) however many
        polls that takes. Past ``ADMIT_PATIENCE`` the limiter is not working as it should,
        and the send is let through (counted) rather than stuck."""
        deadline = time.monotonic() + ADMIT_PATIENCE
        while (wait := self.limiter.admit(chat_id, ahead=ahead)) > 0:
            if time.monotonic() >= deadline:
                self.limiter.force_admit(chat_id, ahead=ahead)
                return True
            if not await wait_unless_stopping(wait, stopping):
                return False
        return True

    async def _launch(self) -> bool:
        """Right before the HTTP call: wait until Telegram's second has room (the hard bound).

        The row is "sending" now, so this wait is as short as the limiter allows and is not
        given up when the process stops; it is rare and brief when the preparation took about
        as long as the admission foresaw. Returns True once the request is counted in flight."""
        deadline = time.monotonic() + ADMIT_PATIENCE
        while (wait := self.limiter.launch()) > 0:
            if time.monotonic() >= deadline:
                self.limiter.force_launch()
                break
            await asyncio.sleep(wait)
        return True

    def _settle(self, launched: bool) -> None:
        """A send admitted but not made: give its place back (counted for a second if it
        may have reached Telegram)."""
        if launched:
            self.limiter.release()
        else:
            self.limiter.withdraw()

    async def _deliver(self, flight: _InFlight, ticket: datetime | None = None) -> SendResult:
        """Send an admitted, begun row; the admission (and the bot-wide ``ticket``) is
        released when Telegram answers."""
        rendered = flight.rendered
        try:
            if isinstance(rendered, EditMessage):
                call = self.sender.edit(flight.chat_id, rendered.message_id, rendered.message)
            else:
                call = self.sender.send(flight.chat_id, rendered)
            return await asyncio.wait_for(call, self.send_timeout)
        except TimeoutError:
            return SendResult(SendStatus.UNCERTAIN, error="no answer from Telegram")
        except Exception as exc:  # the sender broke mid-call: it may have sent
            log.exception("outbox: sender raised for row %s", flight.id)
            return SendResult(SendStatus.UNCERTAIN, error=repr(exc)[:255])
        finally:
            self.limiter.release(flight.chat_id)
            await self.budget.finish(ticket)

    def _backoff(self, attempts: int) -> float:
        delay = min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempts - 1))
        return float(delay * random.uniform(0.75, 1.25))

    async def _record(self, flight: _InFlight, result: SendResult) -> None:
        now = self.clock.now()
        if result.status is SendStatus.SENT:
            async with self.db.session() as session:
                note = result.error[:255] if result.error else None
                await OutboxRepository(session).record_sent(flight.id, now, result.message_id, note)
            return
        alerts = 0
        everywhere: bool | None = None  # set for a 429: did it look global?
        async with self.db.session() as session:
            outbox = OutboxRepository(session)
            row = await outbox.locked(flight.id)
            if row is None or row.status != OutboxStatus.SENDING:
                return
            row.locked_until = None
            row.error = result.error[:255] if result.error else None
            status = result.status
            if status is SendStatus.RETRY_AFTER:
                retry_after = max(0.0, result.retry_after or 1.0)
                everywhere = self.limiter.report_429(flight.chat_id, retry_after)
                if everywhere:
                    log.warning("outbox: 429 looks global; pausing all chats %.1fs", retry_after)
                row.status, row.attempts = OutboxStatus.PENDING, row.attempts - 1
                row.due_at = now + timedelta(seconds=retry_after)
                row.error = f"429 retry_after={retry_after:g}"
            elif status is SendStatus.UNREACHABLE:
                row.status = OutboxStatus.FAILED
                row.error = f"{UNREACHABLE}: {result.error or ''}"[:255]
                if row.member_id is not None and not is_group_chat(row.chat_id):
                    await outbox.stop_private_messages(row.member_id)
            elif status is SendStatus.MIGRATED and result.migrate_to is not None:
                log.info("outbox: group %s migrated to %s", row.chat_id, result.migrate_to)
                await outbox.follow_group_migration(row.chat_id, result.migrate_to)
                row.chat_id = result.migrate_to
                row.status, row.attempts, row.due_at = OutboxStatus.PENDING, row.attempts - 1, now
            elif status is SendStatus.TEMPORARY and row.attempts < self.max_attempts:
                row.status = OutboxStatus.PENDING
                row.due_at = now + timedelta(seconds=self._backoff(row.attempts))
            elif status is SendStatus.UNCERTAIN:
                row.status = OutboxStatus.UNCERTAIN
            else:  # FAILED, TEMPORARY out of attempts, MIGRATED without a target
                row.status = OutboxStatus.FAILED
            if row.status == OutboxStatus.FAILED:
                alerts = await plan_failure_alerts(session, row, now)
        if everywhere is not None:
            await self.budget.report_429(
                flight.chat_id, max(0.0, result.retry_after or 1.0), everywhere=everywhere
            )
        retried = result.status in (
            SendStatus.RETRY_AFTER,
            SendStatus.TEMPORARY,
            SendStatus.MIGRATED,
        )
        if retried or alerts:
            self.wake()

    # -- waiting ------------------------------------------------------------------------

    async def _seconds_until_due(self) -> float:
        paused = self.limiter.paused_for()
        if paused > self.max_wait:
            return min(self.poll_interval, paused - self.max_wait)
        due = await self.next_due()
        seconds = self.poll_interval
        if due is not None:
            seconds = (due - self.clock.now()).total_seconds()
        busy = self._busy()
        if busy:  # a busy chat's rows: when it can take one within max_wait
            seconds = min(seconds, min(busy.values()) - self.max_wait)
        return min(self.poll_interval, max(0.05, seconds))

    async def _nap(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
        self._wake.clear()
