"""Queries about members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import TransferKind, TransferStatus
from storage.models import Cell, ChosenCell, Member, MemberState, MemberTransfer, Role


class PlannedMember(NamedTuple):
    """What reminder planning reads of a member (who, where to, their role and reminder
    choices): a tuple, not an ORM object (building 100,000 of those was most of the reading)."""

    id: int
    cell_id: int
    telegram_id: int | None
    full_name: str
    role: Role
    can_dm: bool
    reminder_off_leads: list[int] | None
    reminders_paused_until: date | None


_PLANNED = tuple(getattr(Member, name) for name in PlannedMember._fields)


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

    async def active_memberships(self, telegram_id: int) -> list[tuple[Member, Cell]]:
        """A Telegram user's active memberships with their cells, oldest first."""
        query = (
            select(Member, Cell)
            .join(Cell, Cell.id == Member.cell_id)
            .where(Member.telegram_id == telegram_id, Member.state == MemberState.ACTIVE)
            .order_by(Member.created_at, Member.id)
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
    ) -> dict[int, list[PlannedMember]]:
        """``in_states`` for several cells in one query (reminder planning in bulk), as
        ``PlannedMember`` tuples, in the same order."""
        query = (
            select(*_PLANNED)
            .where(Member.cell_id.in_(cell_ids), Member.state.in_(states))
            .order_by(Member.cell_id, Member.full_name, Member.id)
        )
        by_cell: dict[int, list[PlannedMember]] = {cell_id: [] for cell_id in cell_ids}
        make = PlannedMember._make
        for row in await self.session.execute(query):
            by_cell[row[1]].append(make(row))
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


class ChosenCellRepository:
    """The cell each person in several cells chose (one row a Telegram user)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> int | None:
        row = await self.session.get(ChosenCell, telegram_id)
        return row.cell_id if row is not None else None

    async def choose(self, telegram_id: int, cell_id: int) -> None:
        row = await self.session.get(ChosenCell, telegram_id)
        if row is None:
            self.session.add(ChosenCell(telegram_id=telegram_id, cell_id=cell_id))
        else:
            row.cell_id = cell_id
        await self.session.flush()

    async def forget(self, telegram_id: int, cell_id: int) -> None:
        """Forget the choice if it names ``cell_id`` (the person's data there was erased)."""
        await self.session.execute(
            delete(ChosenCell).where(
                ChosenCell.telegram_id == telegram_id, ChosenCell.cell_id == cell_id
            )
        )


class TransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, transfer: MemberTransfer) -> MemberTransfer:
        self.session.add(transfer)
        await self.session.flush()
        return transfer

    async def get(self, transfer_id: int, *, for_update: bool = False) -> MemberTransfer | None:
        query = select(MemberTransfer).where(MemberTransfer.id == transfer_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def pending_of(self, member_id: int) -> MemberTransfer | None:
        query = select(MemberTransfer).where(
            MemberTransfer.from_member_id == member_id,
            MemberTransfer.status == TransferStatus.PENDING,
        )
        return await self.session.scalar(query.order_by(MemberTransfer.id.desc()).limit(1))

    async def temporary_ending_before(self, day: date) -> list[MemberTransfer]:
        """Accepted temporary transfers whose last day is before ``day``."""
        query = select(MemberTransfer).where(
            MemberTransfer.kind == TransferKind.TEMPORARY,
            MemberTransfer.status == TransferStatus.ACCEPTED,
            MemberTransfer.ends_on < day,
        )
        return list(await self.session.scalars(query.order_by(MemberTransfer.id)))

    async def home_row(self, member_id: int) -> int | None:
        """The person's row in their own cell when ``member_id`` is their row in a cell they
        attend (or attended) by temporary transfer."""
        query = select(MemberTransfer.from_member_id).where(
            MemberTransfer.to_member_id == member_id,
            MemberTransfer.kind == TransferKind.TEMPORARY,
            MemberTransfer.status.in_((TransferStatus.ACCEPTED, TransferStatus.ENDED)),
        )
        return await self.session.scalar(query.order_by(MemberTransfer.id.desc()).limit(1))

    async def visiting_rows(self, member_ids: Sequence[int]) -> list[int]:
        """The rows of these members in the cells they attend (or attended) temporarily."""
        query = select(MemberTransfer.to_member_id).where(
            MemberTransfer.from_member_id.in_(member_ids),
            MemberTransfer.kind == TransferKind.TEMPORARY,
            MemberTransfer.status.in_((TransferStatus.ACCEPTED, TransferStatus.ENDED)),
            MemberTransfer.to_member_id.is_not(None),
        )
        return [row for row in await self.session.scalars(query) if row is not None]

    async def earlier_rows(self, member_id: int) -> list[int]:
        """The member's rows in the cells they left by official transfer, nearest first
        (a chain: A to B, then B to C gives C's row both B's and A's)."""
        found: list[int] = []
        current = member_id
        while len(found) < 50:  # a chain longer than this is not a person's life
            query = select(MemberTransfer.from_member_id).where(
                MemberTransfer.to_member_id == current,
                MemberTransfer.kind == TransferKind.OFFICIAL,
                MemberTransfer.status == TransferStatus.ACCEPTED,
            )
            earlier = await self.session.scalar(query.limit(1))
            if earlier is None or earlier in found or earlier == member_id:
                break
            found.append(earlier)
            current = earlier
        return found
