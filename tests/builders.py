"""The one builder of a cell with members, written straight through the models (no feature
service involved, so a test of one feature does not depend on another's flow).

``build_cell`` makes the cell, its secretary and the people asked for; ``add_members`` adds more
people to an existing cell (a cell a test built through Telegram, say). Both return who was
made (database ids, Telegram ids and names, in creation order); the secretary and the
ordinary members for ``build_cell``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.views import CellInfo
from storage.db import Database
from storage.models import Cell, Member, MemberState, PartyStatus, Role
from storage.repositories.cells import CellRepository

MEMBER_NAME = "Trần Thị Đảng Viên {n:02d}"  # n counts from 1; {tid} is the Telegram id
SECRETARY = 100  # the secretary's Telegram id unless told; members start at 201


@dataclass(frozen=True)
class Person:
    id: int
    telegram_id: int | None
    name: str


@dataclass(frozen=True)
class CellWithMembers:
    cell_id: int
    secretary: Person | None
    members: list[Person]  # ordinary members (role MEMBER), active, in creation order

    @property
    def secretary_id(self) -> int:
        assert self.secretary is not None
        return self.secretary.id

    @property
    def secretary_tid(self) -> int:
        assert self.secretary is not None and self.secretary.telegram_id is not None
        return self.secretary.telegram_id

    @property
    def member_ids(self) -> list[int]:
        return [m.id for m in self.members]

    @property
    def member_tids(self) -> list[int]:
        return [m.telegram_id for m in self.members if m.telegram_id is not None]


async def add_members(
    db: Database,
    cell_id: int,
    members: int | Sequence[str],
    *,
    tid_base: int | None,
    member_name: str = MEMBER_NAME,
    role: Role = Role.MEMBER,
    probationary: int = 0,
    state: MemberState = MemberState.ACTIVE,
    can_dm: bool = True,
) -> list[Person]:
    """Members with Telegram ids ``tid_base``, ``tid_base + 1``, … (none if ``tid_base`` is
    None); ``members`` is a count (names from ``member_name``) or the names. The first
    ``probationary`` are đảng viên dự bị."""
    names = members if not isinstance(members, int) else None
    count = members if isinstance(members, int) else len(members)
    rows: list[Member] = []
    async with db.session() as session:
        for i in range(count):
            tid = None if tid_base is None else tid_base + i
            rows.append(
                Member(
                    cell_id=cell_id,
                    telegram_id=tid,
                    full_name=names[i]
                    if names is not None
                    else member_name.format(n=i + 1, tid=tid),
                    role=role,
                    party_status=PartyStatus.PROBATIONARY if i < probationary else PartyStatus.FULL,
                    state=state,
                    can_dm=can_dm,
                )
            )
        session.add_all(rows)
        await session.flush()
        return [Person(m.id, m.telegram_id, m.full_name) for m in rows]


async def build_cell(
    db: Database,
    *,
    name: str = "Chi bộ Khu phố 3",
    parent_committee: str | None = "Đảng bộ phường Hòa Bình",
    group_chat_id: int | None = -1001,
    secretary: str | None = "Nguyễn Văn An",
    secretary_tid: int = SECRETARY,
    secretary_can_dm: bool = True,
    members: int | Sequence[str] = 5,
    tid_base: int = 201,
    member_name: str = MEMBER_NAME,
    probationary: int = 0,
    without_telegram: Sequence[str] = (),
    inactive: Sequence[tuple[int, str]] = (),
) -> CellWithMembers:
    """A cell with a secretary (``secretary=None``: none) at Telegram id ``secretary_tid``,
    then ``members`` ordinary members (Telegram ids from ``tid_base``), then
    ``without_telegram`` members who have no Telegram account, then ``inactive`` former members
    (Telegram id, name). Every active member with Telegram may be written to privately."""
    async with db.session() as session:
        cell = Cell(name=name, parent_committee=parent_committee, group_chat_id=group_chat_id)
        session.add(cell)
        await session.flush()
        cell_id = cell.id
    boss = None
    if secretary is not None:
        (boss,) = await add_members(
            db,
            cell_id,
            [secretary],
            tid_base=secretary_tid,
            role=Role.SECRETARY,
            can_dm=secretary_can_dm,
        )
    ordinary = await add_members(
        db, cell_id, members, tid_base=tid_base, member_name=member_name, probationary=probationary
    )
    await add_members(db, cell_id, without_telegram, tid_base=None, can_dm=False)
    for tid, person in inactive:
        await add_members(
            db, cell_id, [person], tid_base=tid, state=MemberState.INACTIVE, can_dm=False
        )
    return CellWithMembers(cell_id, boss, ordinary)


async def linked_cell(db: Database, chat_id: int) -> CellInfo | None:
    """The cell a Telegram group is linked to, read straight from the database."""
    async with db.session() as session:
        cell = await CellRepository(session).by_group(chat_id)
        return CellInfo.of(cell) if cell else None
