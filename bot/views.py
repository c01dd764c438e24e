"""Plain, immutable views of stored rows that the domain hands to handlers.

Handlers never touch ORM objects (no lazy loads outside a session, no accidental writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.models import Cell, Member, MemberState, PartyStatus, Role


@dataclass(frozen=True)
class CellInfo:
    id: int
    name: str
    timezone: str
    group_chat_id: int | None
    parent_committee: str | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, cell: Cell) -> CellInfo:
        return cls(cell.id, cell.name, cell.timezone, cell.group_chat_id, cell.parent_committee)


@dataclass(frozen=True)
class MemberInfo:
    id: int
    cell_id: int
    telegram_id: int | None
    full_name: str
    role: Role
    party_status: PartyStatus
    state: MemberState
    can_dm: bool

    @property
    def is_committee(self) -> bool:
        return self.state is MemberState.ACTIVE and self.role.is_committee

    @property
    def is_active(self) -> bool:
        return self.state is MemberState.ACTIVE

    @classmethod
    def of(cls, member: Member) -> MemberInfo:
        return cls(
            id=member.id,
            cell_id=member.cell_id,
            telegram_id=member.telegram_id,
            full_name=member.full_name,
            role=Role(member.role),
            party_status=PartyStatus(member.party_status),
            state=MemberState(member.state),
            can_dm=member.can_dm,
        )


@dataclass(frozen=True)
class Membership:
    """An active member together with their cell: who is acting, and where."""

    member: MemberInfo
    cell: CellInfo
