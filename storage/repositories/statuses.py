"""Queries about members' statuses (exempted, temporarily elsewhere, visiting, long leave)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cell, Member, MemberStatus


class StatusRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, status: MemberStatus) -> MemberStatus:
        self.session.add(status)
        await self.session.flush()
        return status

    async def get(self, status_id: int) -> MemberStatus | None:
        return await self.session.get(MemberStatus, status_id)

    async def on_day(self, cell_id: int, day: date) -> list[MemberStatus]:
        """The statuses that hold on ``day`` (both ends inclusive), oldest first."""
        query = (
            select(MemberStatus)
            .where(
                MemberStatus.cell_id == cell_id,
                MemberStatus.starts_on <= day,
                MemberStatus.ends_on >= day,
            )
            .order_by(MemberStatus.id)
        )
        return list(await self.session.scalars(query))

    async def overlapping_cells(
        self, cell_ids: Sequence[int], first: date, last: date
    ) -> list[MemberStatus]:
        """The statuses of these cells that hold on any day from ``first`` to ``last``,
        oldest first (``on_day`` for many cells and days in one query)."""
        query = (
            select(MemberStatus)
            .where(
                MemberStatus.cell_id.in_(cell_ids),
                MemberStatus.starts_on <= last,
                MemberStatus.ends_on >= first,
            )
            .order_by(MemberStatus.id)
        )
        return list(await self.session.scalars(query))

    async def of_member(self, member_id: int, since: date) -> list[MemberStatus]:
        """A member's statuses that have not ended before ``since``, in date order."""
        query = (
            select(MemberStatus)
            .where(MemberStatus.member_id == member_id, MemberStatus.ends_on >= since)
            .order_by(MemberStatus.starts_on, MemberStatus.id)
        )
        return list(await self.session.scalars(query))

    async def overlapping(
        self, member_id: int, starts_on: date, ends_on: date
    ) -> list[MemberStatus]:
        query = select(MemberStatus).where(
            MemberStatus.member_id == member_id,
            MemberStatus.starts_on <= ends_on,
            MemberStatus.ends_on >= starts_on,
        )
        return list(await self.session.scalars(query))

    async def ending_between(
        self, first: date, last: date
    ) -> list[tuple[MemberStatus, Member, Cell]]:
        """Statuses ending from ``first`` to ``last`` whose committee was not told yet."""
        query = (
            select(MemberStatus, Member, Cell)
            .join(Member, Member.id == MemberStatus.member_id)
            .join(Cell, Cell.id == MemberStatus.cell_id)
            .where(
                MemberStatus.ends_on >= first,
                MemberStatus.ends_on <= last,
                MemberStatus.expiry_notice_at.is_(None),
            )
            .order_by(MemberStatus.id)
        )
        return [tuple(row) for row in (await self.session.execute(query)).all()]  # type: ignore[misc]

    async def forget_reasons(self, member_id: int, erased: str) -> None:
        """Erasure: the member's statuses stay (past meetings' bases), their reasons go."""
        await self.session.execute(
            update(MemberStatus).where(MemberStatus.member_id == member_id).values(reason=erased)
        )

    async def mark_notified(self, status: MemberStatus, at: datetime) -> None:
        status.expiry_notice_at = at
        await self.session.flush()

    async def digests(self) -> dict[int, tuple[int, int, str, str]]:
        """Per cell, what reminder planning depends on in the statuses: how many, which, and
        their span (bot/meetings/planning.py re-plans a cell's meetings when it changes)."""
        rows = await self.session.execute(
            select(
                MemberStatus.cell_id,
                func.count(),
                func.sum(MemberStatus.id),
                func.min(MemberStatus.starts_on),
                func.max(MemberStatus.ends_on),
            ).group_by(MemberStatus.cell_id)
        )
        return {
            cell: (int(count), int(ids or 0), str(first), str(last))
            for cell, count, ids, first, last in rows.all()
        }
