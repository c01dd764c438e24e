"""Plain views of orgs and roles handed to handlers."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.models import Org, OrgRole, OrgRoleHolder


@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    parent_id: int | None
    timezone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, org: Org) -> OrgInfo:
        return cls(org.id, org.name, org.parent_id, org.timezone)


@dataclass(frozen=True)
class RoleInfo:
    id: int
    org: OrgInfo
    role: OrgRole
    full_name: str
    telegram_id: int
    digest_day: int | None

    @classmethod
    def of(cls, holder: OrgRoleHolder, org: Org) -> RoleInfo:
        return cls(
            holder.id,
            OrgInfo.of(org),
            OrgRole(holder.role),
            holder.full_name,
            holder.telegram_id,
            holder.digest_day,
        )


@dataclass(frozen=True)
class RoleClaim:
    role: RoleInfo
    cells: tuple[str, ...]  # the names of the cells in the role's scope
    already: bool  # the same person opened the link again
