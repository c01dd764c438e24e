"""Cells: creation, the secretary's one-time claim, and the link to the cell's Telegram group."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.access import active_memberships, find_membership
from bot.clock import Clock
from bot.errors import StaleAction
from bot.members.names import clean_cell_name
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.models import Cell, Invite, InviteKind, Member, MemberState, PartyStatus, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository, InviteRepository
from storage.repositories.members import MemberRepository

SECRETARY_PREFIX = "s_"
MEMBER_PREFIX = "j_"
SECRETARY_INVITE_TTL = timedelta(days=30)
MEMBER_INVITE_TTL = timedelta(days=14)


def new_code() -> str:
    """16 URL-safe characters: fits Telegram's 64-character ``start`` payload with a prefix."""
    return secrets.token_urlsafe(12)


class GroupLink(enum.StrEnum):
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    NOT_COMMITTEE = "not_committee"  # the person who added the bot leads no cell
    TAKEN = "taken"  # the cell already has another group
    CHOOSE_CELL = "choose_cell"  # they lead several cells and chose none of them


@dataclass(frozen=True)
class GroupLinkResult:
    outcome: GroupLink
    cell: CellInfo | None


@dataclass(frozen=True)
class SecretaryClaim:
    cell: CellInfo
    member: MemberInfo
    already: bool  # the same person opened the link again


class CellService:
    def __init__(self, db: Database, clock: Clock, default_timezone: str) -> None:
        self.db = db
        self.clock = clock
        self.default_timezone = default_timezone

    async def create_cell(
        self, name: str, *, parent_committee: str | None = None, timezone: str | None = None
    ) -> tuple[CellInfo, str]:
        """Create a cell; return it with the one-time secretary code (deep-link payload)."""
        async with self.db.session() as session:
            cell = await CellRepository(session).add(
                Cell(
                    name=clean_cell_name(name),
                    parent_committee=parent_committee,
                    timezone=timezone or self.default_timezone,
                )
            )
            invite = await InviteRepository(session).add(
                Invite(
                    code=new_code(),
                    cell_id=cell.id,
                    kind=InviteKind.SECRETARY,
                    expires_at=self.clock.now() + SECRETARY_INVITE_TTL,
                )
            )
            await AuditRepository(session).record(
                cell.id, "cell_created", actor_member_id=None, details={"name": cell.name}
            )
            return CellInfo.of(cell), SECRETARY_PREFIX + invite.code

    async def new_secretary_code(self, cell_id: int) -> str:
        """A fresh one-time secretary link (e.g. the first one expired or a new secretary)."""
        async with self.db.session() as session:
            if await CellRepository(session).get(cell_id) is None:
                raise StaleAction("cell_gone")
            invite = await InviteRepository(session).add(
                Invite(
                    code=new_code(),
                    cell_id=cell_id,
                    kind=InviteKind.SECRETARY,
                    expires_at=self.clock.now() + SECRETARY_INVITE_TTL,
                )
            )
            return SECRETARY_PREFIX + invite.code

    async def claim_secretary(
        self, code: str, telegram_id: int, display_name: str
    ) -> SecretaryClaim:
        now = self.clock.now()
        async with self.db.session() as session:
            invites = InviteRepository(session)
            invite = await invites.by_code(code, for_update=True)
            if invite is None or invite.kind != InviteKind.SECRETARY or invite.revoked:
                raise StaleAction("invalid_code")
            cell = await CellRepository(session).get(invite.cell_id)
            assert cell is not None
            members = MemberRepository(session)
            member = await members.in_cell(cell.id, telegram_id)
            if invite.used_at is not None:
                if member is not None and member.role == Role.SECRETARY:
                    return SecretaryClaim(CellInfo.of(cell), MemberInfo.of(member), already=True)
                raise StaleAction("code_used")
            if invite.expires_at is not None and invite.expires_at <= now:
                raise StaleAction("code_expired")
            if not await invites.mark_used(invite.id, now):
                raise StaleAction("code_used")
            if member is None:
                member = await members.add(
                    Member(
                        cell_id=cell.id,
                        telegram_id=telegram_id,
                        full_name=display_name,
                        role=Role.SECRETARY,
                        party_status=PartyStatus.FULL,
                        state=MemberState.ACTIVE,
                        can_dm=True,
                        joined_at=now,
                    )
                )
            else:
                member.role = Role.SECRETARY
                member.state = MemberState.ACTIVE
                member.can_dm = True
                member.joined_at = member.joined_at or now
            await session.flush()
            await AuditRepository(session).record(
                cell.id, "secretary_claimed", actor_member_id=member.id, target_member_id=member.id
            )
            return SecretaryClaim(CellInfo.of(cell), MemberInfo.of(member), already=False)

    async def link_group(
        self, telegram_id: int, chat_id: int, title: str | None
    ) -> GroupLinkResult:
        """The bot was added to a group by ``telegram_id``: link it to the cell they lead."""
        async with self.db.session() as session:
            cells = CellRepository(session)
            linked = await cells.by_group(chat_id)
            if linked is not None:
                return GroupLinkResult(GroupLink.ALREADY_LINKED, CellInfo.of(linked))
            membership = await find_membership(session, telegram_id, ask=False)
            if membership is None or not membership.member.is_committee:
                # Not chosen (or chosen where they are not committee): the one cell they lead.
                led = [
                    m
                    for m in await active_memberships(session, telegram_id)
                    if m.member.is_committee
                ]
                if len(led) > 1:
                    return GroupLinkResult(GroupLink.CHOOSE_CELL, None)
                if not led:
                    return GroupLinkResult(GroupLink.NOT_COMMITTEE, None)
                membership = led[0]
            cell = await cells.get(membership.cell.id)
            assert cell is not None
            if cell.group_chat_id is not None and cell.group_chat_id != chat_id:
                return GroupLinkResult(GroupLink.TAKEN, CellInfo.of(cell))
            cell.group_chat_id = chat_id
            cell.group_title = title
            await session.flush()
            await AuditRepository(session).record(
                cell.id,
                "group_linked",
                actor_member_id=membership.member.id,
                details={"chat_id": chat_id, "title": title},
            )
            return GroupLinkResult(GroupLink.LINKED, CellInfo.of(cell))

    async def unlink_group(self, chat_id: int) -> CellInfo | None:
        """The bot was removed from the group: forget the link (the cell and its data stay)."""
        async with self.db.session() as session:
            cell = await CellRepository(session).by_group(chat_id)
            if cell is None:
                return None
            cell.group_chat_id = None
            await AuditRepository(session).record(
                cell.id, "group_unlinked", actor_member_id=None, details={"chat_id": chat_id}
            )
            return CellInfo.of(cell)

    async def group_migrated(self, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup (new id): keep the cell linked to it."""
        async with self.db.session() as session:
            return await CellRepository(session).move_group(old_chat_id, new_chat_id) > 0

    async def list_cells(self) -> list[CellInfo]:
        async with self.db.session() as session:
            return [CellInfo.of(cell) for cell in await CellRepository(session).all()]
