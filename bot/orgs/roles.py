"""Parent committees: creating them, putting cells under them, the one-time role links, and
who may see which cells (read-only, counts only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.members.cells import new_code
from bot.members.names import clean_cell_name
from bot.orgs.views import OrgInfo, RoleClaim, RoleInfo
from storage.db import Database
from storage.models import Org, OrgInvite, OrgRole, OrgRoleHolder
from storage.repositories.cells import CellRepository
from storage.repositories.orgs import (
    OrgInviteRepository,
    OrgRepository,
    OrgRoleRepository,
    OverviewRepository,
    cells_of_orgs,
    cells_of_role,
)

ROLE_PREFIX = "o_"  # /start o_<code>: the one-time link of a role in a parent committee
ROLE_INVITE_TTL = timedelta(days=30)
DIGEST_DAYS = range(1, 29)  # a day every month has
DEFAULT_DIGEST_DAY = 1


def descendants(tree: dict[int, int | None], org_id: int) -> list[int]:
    """``org_id`` and every org nested under it (a ward under a district), each once."""
    children: dict[int, list[int]] = {}
    for child, parent in tree.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, todo = [], [org_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue  # a cycle in bad data never loops forever
        found.append(current)
        todo.extend(children.get(current, []))
    return found


async def scope_of(session: AsyncSession, holder: OrgRoleHolder) -> Select[Any]:
    """The cells a role sees: all under its org (nested ones too) for the bí thư and phó bí
    thư; the assigned ones for a cấp ủy viên phụ trách."""
    if OrgRole(holder.role).sees_all_cells:
        tree = await OrgRepository(session).tree()
        return cells_of_orgs(descendants(tree, holder.org_id))
    return cells_of_role(holder.id)


class NoOrgRole(StaleAction):
    """The person holds no role in any parent committee (a stranger, a cell member)."""


async def require_role(
    session: AsyncSession, telegram_id: int, role_id: int | None = None
) -> tuple[OrgRoleHolder, Org]:
    """The acting person's active role (``role_id``, or their first). Anyone else's role id,
    or a forged one, names nothing: ``StaleAction``. ``NoOrgRole`` when they hold none."""
    roles = await OrgRoleRepository(session).of_person(telegram_id)
    if not roles:
        raise NoOrgRole("org_only")
    if role_id is None:
        return roles[0]
    for holder, org in roles:
        if holder.id == role_id:
            return holder, org
    raise StaleAction("org_role_gone")


class OrgService:
    def __init__(self, db: Database, clock: Clock, default_timezone: str) -> None:
        self.db = db
        self.clock = clock
        self.default_timezone = default_timezone

    # --- set-up (the command line) ---------------------------------------------------------
    async def create_org(self, name: str, *, parent_id: int | None = None) -> tuple[OrgInfo, str]:
        """Create a parent committee; return it with the one-time link of its bí thư."""
        async with self.db.session() as session:
            orgs = OrgRepository(session)
            if parent_id is not None and await orgs.get(parent_id) is None:
                raise StaleAction("org_gone")
            org = await orgs.add(
                Org(name=clean_cell_name(name), parent_id=parent_id, timezone=self.default_timezone)
            )
            payload = await self._invite(session, org.id, OrgRole.SECRETARY, ())
            return OrgInfo.of(org), payload

    async def new_invite(
        self, org_id: int, role: OrgRole, cell_ids: Sequence[int] = ()
    ) -> tuple[OrgInfo, str]:
        """A one-time link for a role. An overseer's cells must be under the org."""
        async with self.db.session() as session:
            org = await OrgRepository(session).get(org_id)
            if org is None:
                raise StaleAction("org_gone")
            if role is OrgRole.OVERSEER:
                if not cell_ids:
                    raise InvalidInput("overseer_needs_cells")
                tree = await OrgRepository(session).tree()
                inside = {
                    c.id
                    for c in await OverviewRepository(session).cells(
                        cells_of_orgs(descendants(tree, org_id))
                    )
                }
                if not set(cell_ids) <= inside:
                    raise StaleAction("cell_gone")
            elif cell_ids:
                raise InvalidInput("overseer_needs_cells")
            return OrgInfo.of(org), await self._invite(session, org_id, role, cell_ids)

    async def _invite(
        self, session: AsyncSession, org_id: int, role: OrgRole, cell_ids: Sequence[int]
    ) -> str:
        invite = await OrgInviteRepository(session).add(
            OrgInvite(
                code=new_code(),
                org_id=org_id,
                role=role,
                cell_ids=sorted(set(cell_ids)),
                expires_at=self.clock.now() + ROLE_INVITE_TTL,
            )
        )
        return ROLE_PREFIX + invite.code

    async def attach_cell(self, cell_id: int, org_id: int) -> OrgInfo:
        """Put a cell under a parent committee."""
        async with self.db.session() as session:
            org = await OrgRepository(session).get(org_id)
            if org is None:
                raise StaleAction("org_gone")
            cell = await CellRepository(session).get(cell_id)
            if cell is None:
                raise StaleAction("cell_gone")
            cell.org_id = org_id
            if not cell.parent_committee:  # the heading of the cell's biên bản
                cell.parent_committee = org.name
            return OrgInfo.of(org)

    async def org(self, org_id: int) -> OrgInfo:
        async with self.db.session() as session:
            org = await OrgRepository(session).get(org_id)
            if org is None:
                raise StaleAction("org_gone")
            return OrgInfo.of(org)

    async def list_orgs(self) -> list[tuple[OrgInfo, int]]:
        """Every org with how many cells sit directly under it."""
        async with self.db.session() as session:
            repo = OrgRepository(session)
            counts = await repo.count_cells()
            return [(OrgInfo.of(org), counts.get(org.id, 0)) for org in await repo.all()]

    async def roles_in(self, org_id: int) -> list[tuple[RoleInfo, bool, list[int]]]:
        """Every role of an org: the role, whether it is active, and an overseer's cells."""
        async with self.db.session() as session:
            org = await OrgRepository(session).get(org_id)
            if org is None:
                raise StaleAction("org_gone")
            roles = OrgRoleRepository(session)
            return [
                (RoleInfo.of(holder, org), holder.active, await roles.cell_ids(holder.id))
                for holder in await roles.of_org(org_id)
            ]

    async def revoke(self, role_id: int) -> RoleInfo:
        """End a role (a new bí thư, another overseer): it sees nothing and is told nothing
        more. Its one-time link stays used; a new link gives the role again."""
        async with self.db.session() as session:
            holder = await OrgRoleRepository(session).get(role_id)
            org = await OrgRepository(session).get(holder.org_id) if holder else None
            if holder is None or org is None:
                raise StaleAction("org_role_gone")
            holder.active = False
            await OrgRoleRepository(session).remove_cells(holder.id)
            return RoleInfo.of(holder, org)

    # --- the role link ---------------------------------------------------------------------
    async def claim(self, code: str, telegram_id: int, display_name: str) -> RoleClaim:
        now = self.clock.now()
        async with self.db.session() as session:
            invites = OrgInviteRepository(session)
            invite = await invites.by_code(code, for_update=True)
            if invite is None or invite.revoked:
                raise StaleAction("invalid_code")
            org = await OrgRepository(session).get(invite.org_id)
            if org is None:
                raise StaleAction("org_gone")
            roles = OrgRoleRepository(session)
            role = OrgRole(invite.role)
            holder = await roles.find(org.id, telegram_id, role)
            if invite.used_at is not None:
                if holder is not None and holder.active:
                    return await self._claim(session, holder, org, already=True)
                raise StaleAction("code_used")
            if invite.expires_at is not None and invite.expires_at <= now:
                raise StaleAction("code_expired")
            if not await invites.mark_used(invite.id, now):
                raise StaleAction("code_used")
            if holder is None:
                holder = await roles.add(
                    OrgRoleHolder(
                        org_id=org.id,
                        telegram_id=telegram_id,
                        full_name=display_name,
                        role=role,
                        active=True,
                        digest_day=DEFAULT_DIGEST_DAY,
                    )
                )
            else:
                holder.active = True
            if role is OrgRole.OVERSEER:
                await roles.add_cells(holder.id, list(invite.cell_ids))
            return await self._claim(session, holder, org, already=False)

    @staticmethod
    async def _claim(
        session: AsyncSession, holder: OrgRoleHolder, org: Org, *, already: bool
    ) -> RoleClaim:
        cells = await OverviewRepository(session).cells(await scope_of(session, holder))
        return RoleClaim(RoleInfo.of(holder, org), tuple(c.name for c in cells), already)

    # --- reading ---------------------------------------------------------------------------
    async def roles_of(self, telegram_id: int) -> list[RoleInfo]:
        async with self.db.session() as session:
            return [
                RoleInfo.of(h, o)
                for h, o in await OrgRoleRepository(session).of_person(telegram_id)
            ]

    async def set_digest_day(self, telegram_id: int, role_id: int, day: int | None) -> RoleInfo:
        if day is not None and day not in DIGEST_DAYS:
            raise StaleAction("org_role_gone")
        async with self.db.session() as session:
            holder, org = await require_role(session, telegram_id, role_id)
            holder.digest_day = day
            await session.flush()
            return RoleInfo.of(holder, org)
