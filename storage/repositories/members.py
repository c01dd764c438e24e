"""Queries about members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cell, Member, MemberState, Role


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, member: Member) -> Member:
        self.session.add(member)
        await self.session.flush()
        return member

    async def delete(self, member: Member) -> None:
        await self.session.delete(member)
        await self.session.flush()

    async def get(self, member_id: int, *, for_update: bool = False) -> Member | None:
        if for_update:
            query = select(Member).where(Member.id == member_id).with_for_update()
            return await self.session.scalar(query)
        return await self.session.get(Member, member_id)

    async def in_cell(self, cell_id: int, telegram_id: int) -> Member | None:
        query = select(Member).where(Member.cell_id == cell_id, Member.telegram_id == telegram_id)
        return await self.session.scalar(query)

    async def memberships(self, telegram_id: int) -> list[tuple[Member, Cell]]:
        """Every membership row of a Telegram user, newest first, with its cell."""
        query = (
            select(Member, Cell)
            .join(Cell, Cell.id == Member.cell_id)
            .where(Member.telegram_id == telegram_id)
            .order_by(Member.created_at.desc(), Member.id.desc())
        )
        return [(member, cell) for member, cell in (await self.session.execute(query)).all()]

    async def in_states(
        self, cell_id: int, states: Sequence[MemberState] = (MemberState.ACTIVE,)
    ) -> list[Member]:
        query = (
            select(Member)
            .where(Member.cell_id == cell_id, Member.state.in_(states))
            .order_by(Member.full_name, Member.id)
        )
        return list(await self.session.scalars(query))

    async def in_states_of(
        self, cell_ids: Sequence[int], states: Sequence[MemberState] = (MemberState.ACTIVE,)
    ) -> dict[int, list[Member]]:
        """``in_states`` for several cells in one query (reminder planning in bulk)."""
        query = (
            select(Member)
            .where(Member.cell_id.in_(cell_ids), Member.state.in_(states))
            .order_by(Member.cell_id, Member.full_name, Member.id)
        )
        by_cell: dict[int, list[Member]] = {cell_id: [] for cell_id in cell_ids}
        for member in await self.session.scalars(query):
            by_cell[member.cell_id].append(member)
        return by_cell

    async def committee(self, cell_id: int) -> list[Member]:
        query = select(Member).where(
            Member.cell_id == cell_id,
            Member.state == MemberState.ACTIVE,
            Member.role != Role.MEMBER,
        )
        return list(await self.session.scalars(query.order_by(Member.id)))

    async def count_role(self, cell_id: int, role: Role) -> int:
        query = select(func.count()).where(
            Member.cell_id == cell_id, Member.state == MemberState.ACTIVE, Member.role == role
        )
        return int(await self.session.scalar(query) or 0)

    async def set_can_dm(self, telegram_id: int, value: bool) -> None:
        await self.session.execute(
            update(Member)
            .where(Member.telegram_id == telegram_id, Member.can_dm.is_not(value))
            .values(can_dm=value)
        )
