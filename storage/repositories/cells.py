"""Queries about cells and their invite codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cell, Invite, InviteKind


class CellRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, cell: Cell) -> Cell:
        self.session.add(cell)
        await self.session.flush()
        return cell

    async def get(self, cell_id: int) -> Cell | None:
        return await self.session.get(Cell, cell_id)

    async def by_group(self, chat_id: int) -> Cell | None:
        return await self.session.scalar(select(Cell).where(Cell.group_chat_id == chat_id))

    async def all(self) -> list[Cell]:
        return list(await self.session.scalars(select(Cell).order_by(Cell.id)))

    async def move_group(self, old_chat_id: int, new_chat_id: int) -> int:
        """Follow a group that became a supergroup; returns how many cells moved (0 or 1)."""
        result = await self.session.execute(
            update(Cell).where(Cell.group_chat_id == old_chat_id).values(group_chat_id=new_chat_id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, invite: Invite) -> Invite:
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def by_code(self, code: str, *, for_update: bool = False) -> Invite | None:
        query = select(Invite).where(Invite.code == code)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def active_member_invite(self, cell_id: int, now: datetime) -> Invite | None:
        query = (
            select(Invite)
            .where(
                Invite.cell_id == cell_id,
                Invite.kind == InviteKind.MEMBER,
                Invite.revoked.is_(False),
                Invite.expires_at > now,
            )
            .order_by(Invite.expires_at.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def mark_used(self, invite_id: int, now: datetime) -> bool:
        """Atomically use a one-time invite; False if someone used it first."""
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked.is_(False))
            .values(used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
