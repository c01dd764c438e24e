"""The bot-wide sending schedule in PostgreSQL (``send_clock``, ``chat_send_clock``).

Each booking is one short statement on the database's own clock (``clock_timestamp()``), so
instances whose clocks differ still share one schedule. The caller runs them on an autocommit
connection: a row lock is held for one statement, never across a sleep. bot/delivery/
shared_budget.py explains how the bookings are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

CLOCK_ID = 1
NO_HORIZON = 86_400.0  # seconds: "book whatever the queue", for replies a person waits for

_ENSURE_CLOCK = text(
    "INSERT INTO send_clock (id, next_at) VALUES (:id, clock_timestamp()) "
    "ON CONFLICT (id) DO NOTHING"
)
# Book the next free global slot unless the schedule is already ``horizon`` seconds ahead.
# ``o`` reads (and locks) the clock once, so "now" is one moment in the whole statement.
_BOOK_GLOBAL = text(
    "WITH o AS (SELECT next_at AS old, clock_timestamp() AS now FROM send_clock "
    "WHERE id = :id FOR UPDATE) "
    "UPDATE send_clock AS s SET next_at = CASE "
    "WHEN o.old <= o.now + make_interval(secs => :horizon) "
    "THEN GREATEST(o.old, o.now) + make_interval(secs => :spacing) ELSE o.old END "
    "FROM o WHERE s.id = :id "
    "RETURNING s.next_at > o.old AS booked, GREATEST(o.old, o.now) AS slot, "
    "EXTRACT(EPOCH FROM GREATEST(o.old, o.now) - o.now)::float8 AS wait"
)
_PUSH_GLOBAL = text(
    "UPDATE send_clock SET next_at = GREATEST(next_at, clock_timestamp() "
    "+ make_interval(secs => :seconds)) WHERE id = :id"
)
# A message to the chat may start at :slot if its previous one is at least its interval before.
_BOOK_CHAT = text(
    "INSERT INTO chat_send_clock (chat_id, next_at) "
    "VALUES (:chat_id, CAST(:slot AS timestamptz) + make_interval(secs => :interval)) "
    "ON CONFLICT (chat_id) DO UPDATE SET next_at = EXCLUDED.next_at "
    "WHERE chat_send_clock.next_at <= CAST(:slot AS timestamptz) "
    "RETURNING chat_id"
)
_CHAT_WAIT = text(
    "SELECT GREATEST(0, EXTRACT(EPOCH FROM next_at - CAST(:slot AS timestamptz)))::float8 "
    "FROM chat_send_clock WHERE chat_id = :chat_id"
)
_PUSH_CHAT = text(
    "INSERT INTO chat_send_clock (chat_id, next_at) "
    "VALUES (:chat_id, clock_timestamp() + make_interval(secs => :seconds)) "
    "ON CONFLICT (chat_id) DO UPDATE "
    "SET next_at = GREATEST(chat_send_clock.next_at, EXCLUDED.next_at)"
)
# A request may start while fewer than :window are in flight (started within :max_age) or
# were answered within the last second, over all instances; it is then counted as flying.
_ADMIT = text(
    "UPDATE send_clock SET flying = array_append(ARRAY(SELECT t FROM unnest(flying) AS t "
    "WHERE t > clock_timestamp() - make_interval(secs => :max_age)), clock_timestamp()) "
    "WHERE id = :id AND (SELECT count(*) FROM unnest(flying) AS t "
    "WHERE t > clock_timestamp() - make_interval(secs => :max_age)) + (SELECT count(*) "
    "FROM unnest(answered) AS t WHERE t > clock_timestamp() - make_interval(secs => 1)) "
    "< :window "
    "RETURNING flying[array_upper(flying, 1)] AS ticket"
)
# As some time from now (the caller prepares its request meanwhile): an answer counts while it
# is less than :answer_counts seconds old (1 s, less that time).
_BUSY = text(
    "SELECT (SELECT count(*) FROM unnest(flying) AS t "
    "WHERE t > clock_timestamp() - make_interval(secs => :max_age)) + (SELECT count(*) "
    "FROM unnest(answered) AS t "
    "WHERE t > clock_timestamp() - make_interval(secs => :answer_counts)) "
    "FROM send_clock WHERE id = :id"
)
_ANSWERED = text(
    "UPDATE send_clock SET flying = array_remove(flying, CAST(:ticket AS timestamptz)), "
    "answered = array_append(ARRAY(SELECT t FROM unnest(answered) AS t "
    "WHERE t > clock_timestamp() - make_interval(secs => 1)), "
    "clock_timestamp() - make_interval(secs => :ago)) "
    "WHERE id = :id"
)
_PRUNE_CHATS = text(
    "DELETE FROM chat_send_clock "
    "WHERE next_at < clock_timestamp() - make_interval(secs => :seconds)"
)


@dataclass(frozen=True)
class GlobalBooking:
    """``booked``: the slot starting at ``slot`` (the database's time), in ``wait`` seconds,
    is ours. Not booked: the schedule is full for ``wait`` seconds ahead (book again once it
    is less)."""

    booked: bool
    slot: datetime
    wait: float


class SendBudgetRepository:
    """PostgreSQL only; pass an AUTOCOMMIT connection (one statement, one transaction)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def book_global(self, spacing: float, horizon: float = NO_HORIZON) -> GlobalBooking:
        """The next free slot of the whole bot, ``spacing`` seconds after the one before."""
        params = {"id": CLOCK_ID, "spacing": spacing, "horizon": horizon}
        row = (await self.connection.execute(_BOOK_GLOBAL, params)).first()
        if row is None:  # the clock row is missing (a fresh or truncated table)
            await self.connection.execute(_ENSURE_CLOCK, {"id": CLOCK_ID})
            row = (await self.connection.execute(_BOOK_GLOBAL, params)).first()
            assert row is not None
        return GlobalBooking(bool(row.booked), row.slot, max(0.0, float(row.wait)))

    async def push_global(self, seconds: float) -> None:
        """Nothing may start for ``seconds`` (a 429 that looks global)."""
        await self.connection.execute(_ENSURE_CLOCK, {"id": CLOCK_ID})
        await self.connection.execute(_PUSH_GLOBAL, {"id": CLOCK_ID, "seconds": seconds})

    async def book_chat(self, chat_id: int, slot: datetime, interval: float) -> float:
        """0.0 if a message to ``chat_id`` may start at ``slot`` (booked: the next one waits
        ``interval`` more), else how much later the chat is free (nothing booked)."""
        params = {"chat_id": chat_id, "slot": slot, "interval": interval}
        if (await self.connection.execute(_BOOK_CHAT, params)).first() is not None:
            return 0.0
        wait = await self.connection.scalar(_CHAT_WAIT, {"chat_id": chat_id, "slot": slot})
        return max(0.001, float(wait or 0.0))

    async def push_chat(self, chat_id: int, seconds: float) -> None:
        """The chat's next message starts ``seconds`` from now at the earliest."""
        await self.connection.execute(_PUSH_CHAT, {"chat_id": chat_id, "seconds": seconds})

    async def admit(self, window: int, max_age: float) -> datetime | None:
        """A ticket (the request's start) if it may go now, else None: ``window`` requests
        are in flight or were answered within the last second (one never answered stops
        counting after ``max_age`` seconds: its process died)."""
        params = {"id": CLOCK_ID, "window": window, "max_age": max_age}
        ticket = await self.connection.scalar(_ADMIT, params)
        if ticket is None:  # full, or the clock row is missing (a fresh or truncated table)
            await self.connection.execute(_ENSURE_CLOCK, {"id": CLOCK_ID})
        return ticket if isinstance(ticket, datetime) else None

    async def busy(self, max_age: float, ahead: float = 0.0) -> int:
        """How many requests ``admit`` would count ``ahead`` seconds from now, were nothing
        else to start or be answered meanwhile (without taking a place)."""
        answer_counts = 1.0 - max(0.0, min(ahead, 1.0))
        params = {"id": CLOCK_ID, "max_age": max_age, "answer_counts": answer_counts}
        busy = await self.connection.scalar(_BUSY, params)
        return int(busy or 0)

    async def answered(self, ticket: datetime, ago: float = 0.0) -> None:
        """The request of ``ticket`` was answered ``ago`` seconds ago."""
        await self.connection.execute(
            _ANSWERED, {"id": CLOCK_ID, "ticket": ticket, "ago": max(0.0, ago)}
        )

    async def prune_chats(self, older_than: float) -> int:
        """Forget chats free for more than ``older_than`` seconds; returns how many."""
        result = await self.connection.execute(_PRUNE_CHATS, {"seconds": older_than})
        return int(result.rowcount or 0)
