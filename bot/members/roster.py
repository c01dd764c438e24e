"""The roster is the whole cell: members without Telegram, added in chat or from a file,
and matched (not duplicated) when they are already listed or later open an invite link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_committee_over
from bot.clock import Clock
from bot.errors import NotAllowed, StaleAction
from bot.members.chosen_cell import remember_previous_cell
from bot.members.names import fold_name
from bot.members.roster_file import (
    RosterFileError,
    RosterRow,
    parse_roster_file,
    parse_typed_lines,
)
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.models import Member, MemberState, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository

LISTED_STATES = (MemberState.ACTIVE, MemberState.INACTIVE)


@dataclass(frozen=True)
class ImportSummary:
    cell: CellInfo
    added: tuple[MemberInfo, ...]
    matched: tuple[MemberInfo, ...]  # already listed: their details were brought up to date


@dataclass(frozen=True)
class Candidate:
    """A roster entry without Telegram that a person asking to join may be."""

    id: int
    full_name: str
    birth_year: int | None


@dataclass(frozen=True)
class MatchDecision:
    member: MemberInfo  # the roster entry, now with the person's Telegram account
    cell: CellInfo
    decided_by: MemberInfo


def _find(listed: Sequence[Member], row: RosterRow, taken: set[int]) -> Member | None:
    """The listed member a row names: same folded name and birth year, or the one member of
    that name whose birth year is not known yet."""
    name = fold_name(row.full_name)
    same_name = [m for m in listed if m.id not in taken and fold_name(m.full_name) == name]
    exact = [m for m in same_name if m.birth_year == row.birth_year]
    if exact:
        return exact[0]
    unknown_year = [m for m in same_name if m.birth_year is None]
    return unknown_year[0] if len(unknown_year) == 1 else None


class RosterService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _import(
        self, session: AsyncSession, cell: CellInfo, rows: Sequence[RosterRow], actor_id: int | None
    ) -> ImportSummary:
        members = MemberRepository(session)
        listed = await members.in_states(cell.id, LISTED_STATES)
        added: list[MemberInfo] = []
        matched: list[MemberInfo] = []
        taken: set[int] = set()
        for row in rows:
            member = _find(listed, row, taken)
            if member is None:
                member = await members.add(
                    Member(
                        cell_id=cell.id,
                        telegram_id=None,
                        full_name=row.full_name,
                        role=Role.MEMBER,
                        party_status=row.party_status,
                        state=MemberState.ACTIVE,
                        can_dm=False,
                        joined_at=self.clock.now(),
                        birth_year=row.birth_year,
                        admitted_on=row.admitted_on,
                    )
                )
                added.append(MemberInfo.of(member))
            else:
                member.birth_year = row.birth_year
                member.admitted_on = row.admitted_on or member.admitted_on
                member.party_status = row.party_status
                matched.append(MemberInfo.of(member))
            taken.add(member.id)
        await session.flush()
        await AuditRepository(session).record(
            cell.id,
            "roster_imported",
            actor_member_id=actor_id,
            details={"added": len(added), "matched": len(matched)},
        )
        return ImportSummary(cell, tuple(added), tuple(matched))

    async def import_into_cell(self, cell_id: int, data: bytes, filename: str) -> ImportSummary:
        """``chibo roster import``: the whole file or nothing (``RosterFileError``)."""
        async with self.db.session() as session:
            row = await CellRepository(session).get(cell_id)
            if row is None:
                raise RosterFileError([f"không có chi bộ {cell_id}"])
            cell = CellInfo.of(row)
            rows = parse_roster_file(
                data, filename, today=self.clock.now().astimezone(cell.tz).date()
            )
            return await self._import(session, cell, rows, None)

    async def of_cell(self, cell_id: int) -> list[MemberInfo] | None:
        """``chibo roster list``: every member of the cell, in any state (None: no such cell)."""
        async with self.db.session() as session:
            if await CellRepository(session).get(cell_id) is None:
                return None
            states = list(MemberState)
            return [
                MemberInfo.of(m) for m in await MemberRepository(session).in_states(cell_id, states)
            ]

    async def import_file(
        self, actor_telegram_id: int, data: bytes, filename: str
    ) -> ImportSummary:
        """A file sent to the bot by a committee member: the whole file or nothing."""
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            today = self.clock.now().astimezone(actor.cell.tz).date()
            rows = parse_roster_file(data, filename, today=today)
            return await self._import(session, actor.cell, rows, actor.member.id)

    async def add_typed(self, actor_telegram_id: int, text: str) -> ImportSummary:
        """Members typed in the chat, one a line: all of them or none."""
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            today = self.clock.now().astimezone(actor.cell.tz).date()
            rows = parse_typed_lines(text, today=today)
            return await self._import(session, actor.cell, rows, actor.member.id)

    async def check_committee(self, actor_telegram_id: int) -> CellInfo:
        async with self.db.session() as session:
            return (await require_committee(session, actor_telegram_id)).cell

    # -- matching a join request to a roster entry ------------------------------------------
    @staticmethod
    async def candidates(session: AsyncSession, cell_id: int, full_name: str) -> list[Candidate]:
        """Roster entries without Telegram that bear this name: who a joining person may be."""
        name = fold_name(full_name)
        listed = await MemberRepository(session).in_states(cell_id, (MemberState.ACTIVE,))
        return [
            Candidate(m.id, m.full_name, m.birth_year)
            for m in listed
            if m.telegram_id is None and fold_name(m.full_name) == name
        ]

    async def confirm_match(
        self, actor_telegram_id: int, request_id: int, entry_id: int
    ) -> MatchDecision:
        """The committee confirms that the person asking to join is this roster entry: the
        entry gets their Telegram account (and keeps its history); the request row goes."""
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, request_id)
            members = MemberRepository(session)
            request = await members.get(request_id, for_update=True)
            entry = await members.get(entry_id, for_update=True)
            if request is None or request.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            if request.state != MemberState.PENDING:
                raise StaleAction("already_decided")
            if (
                entry is None
                or entry.cell_id != actor.cell.id
                or entry.state != MemberState.ACTIVE
                or entry.telegram_id is not None
            ):
                raise StaleAction("match_gone")
            if request.id == entry.id:
                raise NotAllowed()
            telegram_id = request.telegram_id
            await members.delete(request)
            entry.telegram_id = telegram_id
            entry.can_dm = True
            await session.flush()
            await remember_previous_cell(session, entry)
            await AuditRepository(session).record(
                actor.cell.id,
                "join_matched",
                actor_member_id=actor.member.id,
                target_member_id=entry.id,
                details={"request_member_id": request_id},
            )
            return MatchDecision(MemberInfo.of(entry), actor.cell, actor.member)
