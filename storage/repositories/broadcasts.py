"""Queries of the agenda broadcast: the ``AgendaBroadcast`` row and the outbox rows it planned.

The copies of an agenda are outbox rows of one meeting (kinds ``agenda``, ``agenda_doc``, …);
the kinds are the broadcast feature's (bot/broadcast/kinds.py), so they are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AgendaBroadcast,
    Cell,
    Meeting,
    MeetingStatus,
    Member,
    MemberState,
    OutboxMessage,
    OutboxStatus,
)

OPEN = (OutboxStatus.PENDING, OutboxStatus.SENDING)  # planned, not yet delivered or given up
# Keys are 32-bit: a larger id (forged in a button or a /start link) names no row, and
# PostgreSQL would refuse to compare it with an integer column at all.
MAX_KEY = 2**31 - 1


def _is_key(value: int) -> bool:
    return 0 < value <= MAX_KEY


@dataclass(frozen=True)
class CopyState:
    """What the delivery report needs of one outbox row."""

    kind: str
    status: OutboxStatus
    member_id: int | None
    error: str | None
    dedupe_key: str


@dataclass(frozen=True)
class Recipient:
    """What the delivery report needs of one active member."""

    id: int
    full_name: str
    telegram_id: int | None


@dataclass(frozen=True)
class SentCopy:
    """A copy that went out (or will): the target of an edit."""

    outbox_id: int
    chat_id: int
    member_id: int | None


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, broadcast: AgendaBroadcast) -> AgendaBroadcast:
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> AgendaBroadcast | None:
        if not _is_key(broadcast_id):
            return None
        return await self.session.get(AgendaBroadcast, broadcast_id)

    async def meeting_of_cell(self, meeting_id: int, cell_id: int) -> Meeting | None:
        """The meeting, if it is one of the cell's (else, or for a forged id, ``None``)."""
        if not _is_key(meeting_id):
            return None
        meeting = await self.session.get(Meeting, meeting_id)
        return meeting if meeting is not None and meeting.cell_id == cell_id else None

    async def for_meeting(self, meeting_id: int) -> AgendaBroadcast | None:
        query = select(AgendaBroadcast).where(AgendaBroadcast.meeting_id == meeting_id)
        return await self.session.scalar(query)

    async def with_meeting(
        self, broadcast: AgendaBroadcast
    ) -> tuple[Meeting, Cell] | tuple[None, None]:
        """The broadcast's meeting and cell; ``(None, None)`` if either is gone."""
        meeting = await self.session.get(Meeting, broadcast.meeting_id)
        cell = await self.session.get(Cell, broadcast.cell_id)
        if meeting is None or cell is None:
            return None, None
        return meeting, cell

    async def upcoming_meetings(
        self, cell_id: int, since: datetime, limit: int
    ) -> list[tuple[Meeting, int | None]]:
        """Scheduled meetings from ``since`` on, soonest first, with their agenda's version."""
        query = (
            select(Meeting, AgendaBroadcast.version)
            .outerjoin(AgendaBroadcast, AgendaBroadcast.meeting_id == Meeting.id)
            .where(
                Meeting.cell_id == cell_id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at >= since,
            )
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
        return [
            (meeting, version) for meeting, version in (await self.session.execute(query)).all()
        ]

    async def copies(self, meeting_id: int, kinds: Sequence[str]) -> list[CopyState]:
        query = select(
            OutboxMessage.kind,
            OutboxMessage.status,
            OutboxMessage.member_id,
            OutboxMessage.error,
            OutboxMessage.dedupe_key,
        ).where(OutboxMessage.meeting_id == meeting_id, OutboxMessage.kind.in_(kinds))
        return [
            CopyState(kind, OutboxStatus(status), member_id, error, key)
            for kind, status, member_id, error, key in (await self.session.execute(query)).all()
        ]

    async def recipients(self, cell_id: int) -> list[Recipient]:
        """The cell's active members, as three columns: the live report reads them every few
        seconds while a broadcast goes, and 10,000 ORM objects each time were most of its
        memory."""
        query = (
            select(Member.id, Member.full_name, Member.telegram_id)
            .where(Member.cell_id == cell_id, Member.state == MemberState.ACTIVE)
            .order_by(Member.full_name, Member.id)
        )
        return [Recipient(*row) for row in (await self.session.execute(query)).all()]

    async def count_open_private(
        self, meeting_id: int, kind: str, *, member_id: int | None = None
    ) -> int:
        """Copies of ``kind`` to members still waiting to go: to one member if given."""
        member = (
            OutboxMessage.member_id.is_not(None)
            if member_id is None
            else OutboxMessage.member_id == member_id
        )
        query = select(func.count()).where(
            OutboxMessage.meeting_id == meeting_id,
            OutboxMessage.kind == kind,
            member,
            OutboxMessage.status.in_(OPEN),
        )
        return int(await self.session.scalar(query) or 0)

    async def sent_copies(self, meeting_id: int, kind: str) -> list[SentCopy]:
        """Copies of ``kind`` that were sent or are about to be, in planning order."""
        query = (
            select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.member_id)
            .where(
                OutboxMessage.meeting_id == meeting_id,
                OutboxMessage.kind == kind,
                OutboxMessage.status.in_([*OPEN, OutboxStatus.SENT]),
            )
            .order_by(OutboxMessage.id)
        )
        return [SentCopy(*row) for row in (await self.session.execute(query)).all()]

    async def outbox_row(self, outbox_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, outbox_id)

    async def status_of(self, dedupe_key: str) -> OutboxStatus | None:
        query = select(OutboxMessage.status).where(OutboxMessage.dedupe_key == dedupe_key)
        status = await self.session.scalar(query)
        return None if status is None else OutboxStatus(status)
