"""The read-only queries of the operator's tools: health, metrics and restore (bot/ops/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class KindBacklog:
    kind: str
    due: int  # pending rows whose time has come, claimed or not
    oldest_due_at: datetime | None  # the earliest of those
    sending: int  # handed to Telegram and not yet answered (or left so by a crash)


async def ping(session: AsyncSession) -> None:
    """The database answers a trivial query."""
    await session.execute(text("SELECT 1"))


async def outbox_backlog(session: AsyncSession, now: datetime) -> list[KindBacklog]:
    """Per kind: the due pending rows, the oldest due time, the rows in flight.

    One aggregate over the ``(status, due_at)`` index; kinds with none of these are absent.
    """
    pending = OutboxMessage.status == OutboxStatus.PENDING
    sending = OutboxMessage.status == OutboxStatus.SENDING
    rows = await session.execute(
        select(
            OutboxMessage.kind,
            OutboxMessage.status,
            func.count(),
            func.min(OutboxMessage.due_at),
        )
        .where(or_(and_(pending, OutboxMessage.due_at <= now), sending))
        .group_by(OutboxMessage.kind, OutboxMessage.status)
    )
    due: dict[str, tuple[int, datetime | None]] = {}
    in_flight: dict[str, int] = {}
    for kind, status, count, oldest in rows:
        if status == OutboxStatus.PENDING:
            due[kind] = (count, oldest)
        else:
            in_flight[kind] = count
    return [
        KindBacklog(kind, *due.get(kind, (0, None)), sending=in_flight.get(kind, 0))
        for kind in sorted(due.keys() | in_flight.keys())
    ]


async def other_connections(session: AsyncSession) -> int:
    """PostgreSQL: how many other sessions are connected to this database right now."""
    count = await session.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    return int(count or 0)
