"""Queries for the committee's join-request digest (outbox rows of kind ``join_digest``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, MemberState, OutboxMessage


class JoinDigestRepository:
    def __init__(self, session: AsyncSession, kind: str) -> None:
        self.session = session
        self.kind = kind

    async def latest(self, cell_id: int, reviewer_id: int) -> OutboxMessage | None:
        """The newest digest row of one reviewer in one cell."""
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.kind == self.kind,
                OutboxMessage.cell_id == cell_id,
                OutboxMessage.member_id == reviewer_id,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def waiting(self, cell_id: int) -> list[Member]:
        """Who asks to join the cell, in the order they asked."""
        query = (
            select(Member)
            .where(Member.cell_id == cell_id, Member.state == MemberState.PENDING)
            .order_by(Member.id)
        )
        return list(await self.session.scalars(query))
