"""Members: joining by invite, the committee's decisions, roles, party status, deactivation."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import (
    CommandMenu,
    command_menu,
    find_membership,
    require_committee,
    require_committee_over,
    require_leader,
    require_member,
)
from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.members.cells import MEMBER_INVITE_TTL, MEMBER_PREFIX, new_code
from bot.members.chosen_cell import ChosenCellService, remember_previous_cell
from bot.members.join_digest import Digest, listed_for_approval, load_digest, plan_digests
from bot.members.names import clean_full_name
from bot.members.roster import MatchDecision, RosterService
from bot.members.statuses import StatusService
from bot.members.transfers import TransferService
from bot.views import CellInfo, MemberInfo, Membership
from storage.db import Database
from storage.models import Invite, InviteKind, Member, MemberState, PartyStatus, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository, InviteRepository
from storage.repositories.members import MemberRepository

JOIN_REVIEW_ROUTE = "jr"  # jr:<member_id>:a|r approve or reject a request to join


class JoinStart(enum.StrEnum):
    ASK_NAME = "ask_name"
    ALREADY_MEMBER = "already_member"
    ALREADY_PENDING = "already_pending"


@dataclass(frozen=True)
class JoinStartResult:
    outcome: JoinStart
    cell: CellInfo


@dataclass(frozen=True)
class JoinRequest:
    """A request the committee must decide on; ``reviewers`` get it in their digest
    (bot/members/join_digest.py)."""

    member: MemberInfo
    cell: CellInfo
    reviewers: tuple[MemberInfo, ...]


@dataclass(frozen=True)
class JoinDecision:
    member: MemberInfo
    cell: CellInfo
    approved: bool
    decided_by: MemberInfo


@dataclass(frozen=True)
class Roster:
    cell: CellInfo
    viewer: MemberInfo
    active: tuple[MemberInfo, ...]
    pending: tuple[MemberInfo, ...]  # shown to the committee only
    inactive: tuple[MemberInfo, ...]  # shown to the committee only


class MemberService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.roster_entries = RosterService(db, clock)
        self.statuses = StatusService(db, clock)
        self.chosen_cells = ChosenCellService(db, clock)
        self.transfers = TransferService(db, clock)

    # -- identity -------------------------------------------------------------------------
    async def membership(
        self, telegram_id: int, *, group_chat_id: int | None = None, ask: bool = True
    ) -> Membership | None:
        """The acting membership (bot/access.py); ``ask=False``: ``None`` for a person in
        several cells who has not chosen, instead of asking them."""
        async with self.db.session() as session:
            return await find_membership(session, telegram_id, group_chat_id=group_chat_id, ask=ask)

    async def command_menu(self, telegram_id: int) -> CommandMenu:
        """What the person's private command menu should list now (bot/access.py)."""
        async with self.db.session() as session:
            return await command_menu(session, telegram_id)

    async def record_private_contact(self, telegram_id: int) -> None:
        """The user wrote to the bot privately, so the bot may now write to them."""
        async with self.db.session() as session:
            await MemberRepository(session).set_can_dm(telegram_id, True)

    async def record_unreachable(self, telegram_id: int) -> None:
        """Telegram refused a private message (never started, blocked, deactivated)."""
        async with self.db.session() as session:
            await MemberRepository(session).set_can_dm(telegram_id, False)

    # -- invites and joining --------------------------------------------------------------
    async def member_invite(self, actor_telegram_id: int) -> tuple[CellInfo, str, datetime]:
        """The cell's current member-invite payload (a new one when none is valid)."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            invites = InviteRepository(session)
            invite = await invites.active_member_invite(actor.cell.id, now)
            if invite is None:
                invite = await invites.add(
                    Invite(
                        code=new_code(),
                        cell_id=actor.cell.id,
                        kind=InviteKind.MEMBER,
                        created_by_member_id=actor.member.id,
                        expires_at=now + MEMBER_INVITE_TTL,
                    )
                )
                await AuditRepository(session).record(
                    actor.cell.id, "invite_created", actor_member_id=actor.member.id
                )
            assert invite.expires_at is not None
            return actor.cell, MEMBER_PREFIX + invite.code, invite.expires_at

    async def _valid_member_invite(self, session_invites: InviteRepository, code: str) -> Invite:
        invite = await session_invites.by_code(code)
        if invite is None or invite.kind != InviteKind.MEMBER or invite.revoked:
            raise StaleAction("invalid_code")
        if invite.expires_at is not None and invite.expires_at <= self.clock.now():
            raise StaleAction("code_expired")
        return invite

    async def start_join(self, code: str, telegram_id: int) -> JoinStartResult:
        async with self.db.session() as session:
            invite = await self._valid_member_invite(InviteRepository(session), code)
            cell = await CellRepository(session).get(invite.cell_id)
            assert cell is not None
            existing = await MemberRepository(session).in_cell(cell.id, telegram_id)
            if existing is not None and existing.state == MemberState.ACTIVE:
                return JoinStartResult(JoinStart.ALREADY_MEMBER, CellInfo.of(cell))
            if existing is not None and existing.state == MemberState.PENDING:
                return JoinStartResult(JoinStart.ALREADY_PENDING, CellInfo.of(cell))
            return JoinStartResult(JoinStart.ASK_NAME, CellInfo.of(cell))

    async def submit_join(self, code: str, telegram_id: int, raw_name: str) -> JoinRequest:
        full_name = clean_full_name(raw_name)
        async with self.db.session() as session:
            invite = await self._valid_member_invite(InviteRepository(session), code)
            cell = await CellRepository(session).get(invite.cell_id)
            assert cell is not None
            members = MemberRepository(session)
            member = await members.in_cell(cell.id, telegram_id)
            if member is not None and member.state == MemberState.ACTIVE:
                raise StaleAction("already_member")
            if member is None:
                member = await members.add(
                    Member(
                        cell_id=cell.id,
                        telegram_id=telegram_id,
                        full_name=full_name,
                        role=Role.MEMBER,
                        party_status=PartyStatus.FULL,
                        state=MemberState.PENDING,
                        can_dm=True,
                    )
                )
            else:  # asked before (pending, rejected or deactivated): ask again
                member.full_name = full_name
                member.state = MemberState.PENDING
                member.role = Role.MEMBER
                member.can_dm = True
                await session.flush()
            # When they asked, on the domain's clock: "✅ Duyệt tất cả" leaves out later askers.
            member.updated_at = self.clock.now()
            await session.flush()
            await AuditRepository(session).record(
                cell.id, "join_requested", actor_member_id=None, target_member_id=member.id
            )
            others = [m for m in await members.in_states(cell.id, [MemberState.PENDING])]
            fresh = all(m.id == member.id for m in others)
            await plan_digests(session, cell, self.clock.now(), fresh=fresh)
            reviewers = tuple(MemberInfo.of(m) for m in await members.committee(cell.id))
            return JoinRequest(MemberInfo.of(member), CellInfo.of(cell), reviewers)

    async def decide_join(
        self, actor_telegram_id: int, member_id: int, approve: bool
    ) -> JoinDecision:
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            members = MemberRepository(session)
            member = await members.get(member_id, for_update=True)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            if member.state != MemberState.PENDING:
                raise StaleAction("already_decided")
            member.state = MemberState.ACTIVE if approve else MemberState.REJECTED
            if approve:
                member.joined_at = self.clock.now()
            await session.flush()
            if approve:
                await remember_previous_cell(session, member)
            await AuditRepository(session).record(
                actor.cell.id,
                "join_approved" if approve else "join_rejected",
                actor_member_id=actor.member.id,
                target_member_id=member.id,
            )
            await self._replan(session, actor.cell.id)
            return JoinDecision(MemberInfo.of(member), actor.cell, approve, actor.member)

    async def _replan(self, session: AsyncSession, cell_id: int) -> None:
        cell = await CellRepository(session).get(cell_id)
        assert cell is not None
        await plan_digests(session, cell, self.clock.now(), fresh=False)

    async def confirm_match(
        self, actor_telegram_id: int, request_id: int, entry_id: int
    ) -> MatchDecision:
        decision = await self.roster_entries.confirm_match(actor_telegram_id, request_id, entry_id)
        async with self.db.session() as session:
            await self._replan(session, decision.cell.id)
        return decision

    async def approve_listed(
        self, actor_telegram_id: int, last_id: int, drawn_at: datetime
    ) -> tuple[MemberInfo, ...]:
        """ "✅ Duyệt tất cả": approve those the digest listed when it was drawn."""
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, last_id)
            now = self.clock.now()
            audit = AuditRepository(session)
            approved = []
            for member in await listed_for_approval(session, actor.cell.id, last_id, drawn_at):
                locked = await MemberRepository(session).get(member.id, for_update=True)
                if locked is None or locked.state != MemberState.PENDING:
                    continue
                locked.state = MemberState.ACTIVE
                locked.joined_at = now
                await session.flush()
                await remember_previous_cell(session, locked)
                await audit.record(
                    actor.cell.id,
                    "join_approved",
                    actor_member_id=actor.member.id,
                    target_member_id=locked.id,
                    details={"all_listed": True},
                )
                approved.append(MemberInfo.of(locked))
            await session.flush()
            await self._replan(session, actor.cell.id)
            return tuple(approved)

    async def digest(self, actor_telegram_id: int, *, member_id: int | None = None) -> Digest:
        """The join-request digest of the actor's cell, as it is now (committee); of the cell
        of ``member_id`` when a digest button names one (the digest of that cell)."""
        async with self.db.session() as session:
            if member_id is None:
                actor = await require_committee(session, actor_telegram_id)
            else:
                actor = await require_committee_over(session, actor_telegram_id, member_id)
            cell = await CellRepository(session).get(actor.cell.id)
            assert cell is not None
            return await load_digest(session, cell, self.clock.now())

    async def rename_self(self, telegram_id: int, raw_name: str) -> MemberInfo:
        full_name = clean_full_name(raw_name)
        async with self.db.session() as session:
            actor = await require_member(session, telegram_id)
            member = await MemberRepository(session).get(actor.member.id)
            assert member is not None
            member.full_name = full_name
            await session.flush()
            return MemberInfo.of(member)

    # -- the roster -----------------------------------------------------------------------
    async def roster(self, actor_telegram_id: int, *, group_chat_id: int | None = None) -> Roster:
        async with self.db.session() as session:
            actor = await require_member(session, actor_telegram_id, group_chat_id=group_chat_id)
            members = MemberRepository(session)
            active = tuple(MemberInfo.of(m) for m in await members.in_states(actor.cell.id))
            pending: tuple[MemberInfo, ...] = ()
            inactive: tuple[MemberInfo, ...] = ()
            if actor.member.is_committee:
                pending = tuple(
                    MemberInfo.of(m)
                    for m in await members.in_states(actor.cell.id, [MemberState.PENDING])
                )
                inactive = tuple(
                    MemberInfo.of(m)
                    for m in await members.in_states(actor.cell.id, [MemberState.INACTIVE])
                )
            return Roster(actor.cell, actor.member, active, pending, inactive)

    async def member_for_committee(self, actor_telegram_id: int, member_id: int) -> MemberInfo:
        """A member of the actor's own cell, for the committee's member card."""
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            member = await MemberRepository(session).get(member_id)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            return MemberInfo.of(member)

    async def _editable_target(
        self, actor: Membership, members: MemberRepository, member_id: int
    ) -> Member:
        member = await members.get(member_id, for_update=True)
        if member is None or member.cell_id != actor.cell.id:
            raise StaleAction("member_gone")
        if member.state not in (MemberState.ACTIVE, MemberState.INACTIVE):
            raise StaleAction("not_active")
        return member

    async def set_role(self, actor_telegram_id: int, member_id: int, role: Role) -> MemberInfo:
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            members = MemberRepository(session)
            member = await self._editable_target(actor, members, member_id)
            old = Role(member.role)
            if old is role:
                return MemberInfo.of(member)
            # Leadership roles are given or taken by the secretary or deputy only.
            if Role.SECRETARY in (old, role) or Role.DEPUTY in (old, role):
                require_leader(actor)
            if (
                old is Role.SECRETARY
                and await members.count_role(actor.cell.id, Role.SECRETARY) <= 1
            ):
                raise InvalidInput("last_secretary")
            member.role = role
            await session.flush()
            await AuditRepository(session).record(
                actor.cell.id,
                "role_changed",
                actor_member_id=actor.member.id,
                target_member_id=member.id,
                details={"from": old.value, "to": role.value},
            )
            return MemberInfo.of(member)

    async def set_party_status(
        self, actor_telegram_id: int, member_id: int, status: PartyStatus
    ) -> MemberInfo:
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            member = await self._editable_target(actor, MemberRepository(session), member_id)
            old = PartyStatus(member.party_status)
            if old is not status:
                member.party_status = status
                await session.flush()
                await AuditRepository(session).record(
                    actor.cell.id,
                    "party_status_changed",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                    details={"from": old.value, "to": status.value},
                )
            return MemberInfo.of(member)

    async def set_active(self, actor_telegram_id: int, member_id: int, active: bool) -> MemberInfo:
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            members = MemberRepository(session)
            member = await self._editable_target(actor, members, member_id)
            if member.id == actor.member.id and not active:
                raise InvalidInput("cannot_deactivate_self")
            if not active and Role(member.role) is not Role.MEMBER:
                require_leader(actor)
                if (
                    Role(member.role) is Role.SECRETARY
                    and await members.count_role(actor.cell.id, Role.SECRETARY) <= 1
                ):
                    raise InvalidInput("last_secretary")
            new_state = MemberState.ACTIVE if active else MemberState.INACTIVE
            if member.state != new_state:
                member.state = new_state
                await session.flush()
                await AuditRepository(session).record(
                    actor.cell.id,
                    "member_reactivated" if active else "member_deactivated",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                )
            return MemberInfo.of(member)
