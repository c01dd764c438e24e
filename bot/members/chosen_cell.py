"""One person, several cells: the cell a person chooses in their private chat.

Every private command resolves the actor through ``bot.access.find_membership``, which reads
the choice stored here; group chats always act on the group's own cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import active_memberships, find_membership
from bot.clock import Clock
from bot.errors import NotAMember, StaleAction
from bot.texts import cells as tcl
from bot.texts.common import fmt
from bot.views import Membership
from storage.db import Database
from storage.models import Member
from storage.repositories.members import ChosenCellRepository

CHOOSE_ROUTE = "cb"  # cb:<cell_id> act on this cell from now on


@dataclass(frozen=True)
class CellChoice:
    """A person's cells and the one their private commands act on (``None``: not chosen yet
    while they are in several)."""

    memberships: tuple[Membership, ...]
    current: Membership | None

    @property
    def several(self) -> bool:
        return len(self.memberships) > 1


async def remember_previous_cell(session: AsyncSession, member: Member) -> None:
    """A person just became active in a second cell: unless they chose already, their private
    commands keep acting on the cell they used until now (they are told how to switch)."""
    if member.telegram_id is None:
        return
    choices = ChosenCellRepository(session)
    if await choices.get(member.telegram_id) is not None:
        return
    others = [
        m
        for m in await active_memberships(session, member.telegram_id)
        if m.cell.id != member.cell_id
    ]
    if len(others) == 1:
        await choices.choose(member.telegram_id, others[0].cell.id)


class ChosenCellService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def choices(self, telegram_id: int) -> CellChoice:
        async with self.db.session() as session:
            found = tuple(await active_memberships(session, telegram_id))
            if not found:
                raise NotAMember()
            current = await find_membership(session, telegram_id, ask=False)
            return CellChoice(found, current)

    async def choose(self, telegram_id: int, cell_id: int) -> CellChoice:
        """Act on ``cell_id`` from now on: it must be one of the person's active cells."""
        async with self.db.session() as session:
            found = tuple(await active_memberships(session, telegram_id))
            if not found:
                raise NotAMember()
            chosen = next((m for m in found if m.cell.id == cell_id), None)
            if chosen is None:
                raise StaleAction("cell_not_yours")
            await ChosenCellRepository(session).choose(telegram_id, cell_id)
            return CellChoice(found, chosen)

    async def joined_note(self, telegram_id: int) -> str:
        """For the approval message: "now in N cells, commands act on …, switch with /chibo"
        when the person is in several cells; empty otherwise."""
        async with self.db.session() as session:
            found = await active_memberships(session, telegram_id)
            if len(found) < 2:
                return ""
            current = await find_membership(session, telegram_id, ask=False)
        if current is None:
            return fmt(tcl.JOINED_SEVERAL_UNCHOSEN, count=len(found))
        return fmt(tcl.JOINED_SEVERAL, count=len(found), cell=current.cell.name)
