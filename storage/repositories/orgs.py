"""Queries about parent committees (orgs), their read-only roles and invites, and the
per-meeting aggregates the overview is built from (GROUP BY, never every attendance row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import Select, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.enums import MemberState, PartyStatus, StatusKind
from storage.functions import local_date
from storage.models import (
    AgendaBroadcast,
    Attendance,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    Org,
    OrgInvite,
    OrgRole,
    OrgRoleCell,
    OrgRoleHolder,
)
from storage.repositories._dialect import is_postgres

Row = TypeVar("Row")


class _Adding(Generic[Row]):
    """A repository over a session that adds rows of one model (flushed: ids are set)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Row) -> Row:
        self.session.add(row)
        await self.session.flush()
        return row


class MeetingTotals(NamedTuple):
    """One meeting and its attendance counts (no names, no reasons), as bot/attendance/base.py
    counts them for the minutes and /thongke."""

    meeting_id: int
    cell_id: int
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime
    duration_minutes: int
    recorded: int  # people on the roll marked present or absent (0: attendance not taken)
    base: int  # the QĐ 24 point 9.3.2 base (MeetingBase.base)
    present: int  # present members of the base (MeetingBase.base_present)
    absent_unexcused: int  # the minutes' "vắng không có lý do" (MeetingBase.absent_unexcused)
    absent_unclassified: int  # anyone on the roll absent, not yet marked with or without reason
    not_recorded: int  # members expected and left unmarked (MeetingBase.not_recorded)
    agenda_sent_at: datetime | None  # when the agenda (chương trình) first went out


class CellRef(NamedTuple):
    id: int
    name: str
    timezone: str


class OrgRepository(_Adding[Org]):
    async def get(self, org_id: int) -> Org | None:
        return await self.session.get(Org, org_id)

    async def tree(self) -> dict[int, int | None]:
        """Every org's parent: orgs are few (one per committee), the nesting is walked in code."""
        rows = await self.session.execute(select(Org.id, Org.parent_id))
        return {org_id: parent for org_id, parent in rows.all()}

    async def all(self) -> list[Org]:
        return list(await self.session.scalars(select(Org).order_by(Org.id)))

    async def count_cells(self) -> dict[int, int]:
        rows = await self.session.execute(
            select(Cell.org_id, func.count(Cell.id))
            .where(Cell.org_id.is_not(None))
            .group_by(Cell.org_id)
        )
        return {int(org_id or 0): int(count) for org_id, count in rows.all()}

    async def set_cell_org(self, cell_id: int, org_id: int | None) -> None:
        await self.session.execute(update(Cell).where(Cell.id == cell_id).values(org_id=org_id))


def cells_of_orgs(org_ids: Sequence[int]) -> Select[Any]:
    """The ids of the cells directly under any of ``org_ids`` (a subquery)."""
    return select(Cell.id).where(Cell.org_id.in_(list(org_ids)))


def cells_of_role(role_id: int) -> Select[Any]:
    """The ids of the cells one overseer (cấp ủy viên phụ trách) is assigned (a subquery)."""
    return select(OrgRoleCell.cell_id).where(OrgRoleCell.role_id == role_id)


class OrgRoleRepository(_Adding[OrgRoleHolder]):
    async def get(self, role_id: int) -> OrgRoleHolder | None:
        return await self.session.get(OrgRoleHolder, role_id)

    async def find(self, org_id: int, telegram_id: int, role: OrgRole) -> OrgRoleHolder | None:
        return await self.session.scalar(
            select(OrgRoleHolder).where(
                OrgRoleHolder.org_id == org_id,
                OrgRoleHolder.telegram_id == telegram_id,
                OrgRoleHolder.role == role,
            )
        )

    async def of_person(self, telegram_id: int) -> list[tuple[OrgRoleHolder, Org]]:
        """A person's active roles with their orgs, oldest first."""
        rows = await self.session.execute(
            select(OrgRoleHolder, Org)
            .join(Org, Org.id == OrgRoleHolder.org_id)
            .where(OrgRoleHolder.telegram_id == telegram_id, OrgRoleHolder.active.is_(True))
            .order_by(OrgRoleHolder.id)
        )
        return [(holder, org) for holder, org in rows.all()]

    async def of_org(self, org_id: int) -> list[OrgRoleHolder]:
        query = select(OrgRoleHolder).where(OrgRoleHolder.org_id == org_id)
        return list(await self.session.scalars(query.order_by(OrgRoleHolder.id)))

    async def cell_ids(self, role_id: int) -> list[int]:
        return sorted(await self.session.scalars(cells_of_role(role_id)))

    async def add_cells(self, role_id: int, cell_ids: Sequence[int]) -> None:
        have = set(await self.session.scalars(cells_of_role(role_id)))
        for cell_id in sorted(set(cell_ids) - have):
            self.session.add(OrgRoleCell(role_id=role_id, cell_id=cell_id))
        await self.session.flush()

    async def remove_cells(self, role_id: int) -> None:
        await self.session.execute(delete(OrgRoleCell).where(OrgRoleCell.role_id == role_id))

    async def overseers_of(self, cell_id: int) -> list[OrgRoleHolder]:
        """The active cấp ủy viên phụ trách of one cell."""
        query = (
            select(OrgRoleHolder)
            .join(OrgRoleCell, OrgRoleCell.role_id == OrgRoleHolder.id)
            .where(
                OrgRoleCell.cell_id == cell_id,
                OrgRoleHolder.role == OrgRole.OVERSEER,
                OrgRoleHolder.active.is_(True),
            )
            .order_by(OrgRoleHolder.id)
        )
        return list(await self.session.scalars(query))

    async def oversees(self, role_id: int, cell_id: int) -> bool:
        found = await self.session.scalar(
            select(OrgRoleCell.cell_id).where(
                OrgRoleCell.role_id == role_id, OrgRoleCell.cell_id == cell_id
            )
        )
        return found is not None

    async def overseen_meetings(
        self, now: datetime, created_since: datetime
    ) -> list[tuple[OrgRoleHolder, Meeting]]:
        """Scheduled meetings still ahead, made since ``created_since``, of cells that have an
        active overseer, with that overseer: one query, only new meetings of overseen cells."""
        query = (
            select(OrgRoleHolder, Meeting)
            .join(OrgRoleCell, OrgRoleCell.role_id == OrgRoleHolder.id)
            .join(Meeting, Meeting.cell_id == OrgRoleCell.cell_id)
            .where(
                OrgRoleHolder.role == OrgRole.OVERSEER,
                OrgRoleHolder.active.is_(True),
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > now,
                Meeting.created_at >= created_since,
            )
            .order_by(Meeting.id, OrgRoleHolder.id)
        )
        rows = await self.session.execute(query)
        return [(holder, meeting) for holder, meeting in rows.all()]

    async def with_digest_day(self) -> list[tuple[OrgRoleHolder, Org]]:
        """Active roles that chose a day for the monthly digest."""
        rows = await self.session.execute(
            select(OrgRoleHolder, Org)
            .join(Org, Org.id == OrgRoleHolder.org_id)
            .where(OrgRoleHolder.active.is_(True), OrgRoleHolder.digest_day.is_not(None))
            .order_by(OrgRoleHolder.id)
        )
        return [(holder, org) for holder, org in rows.all()]


class OrgInviteRepository(_Adding[OrgInvite]):
    async def by_code(self, code: str, *, for_update: bool = False) -> OrgInvite | None:
        query = select(OrgInvite).where(OrgInvite.code == code)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def mark_used(self, invite_id: int, now: datetime) -> bool:
        """Atomically use a one-time invite; False if someone used it first."""
        result = await self.session.execute(
            update(OrgInvite)
            .where(
                OrgInvite.id == invite_id, OrgInvite.used_at.is_(None), OrgInvite.revoked.is_(False)
            )
            .values(used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class OverviewRepository:
    """The aggregates behind the higher committee's overview."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def cells(self, scope: Select[Any]) -> list[CellRef]:
        rows = await self.session.execute(
            select(Cell.id, Cell.name, Cell.timezone)
            .where(Cell.id.in_(scope))
            .order_by(Cell.name, Cell.id)
        )
        return [CellRef(*row) for row in rows.all()]

    async def meeting_totals(
        self, scope: Select[Any], start: datetime, end: datetime
    ) -> list[MeetingTotals]:
        """Per meeting (not cancelled) of the cells in ``scope`` starting in [start, end): the
        attendance counts on the QĐ 24 base, computed by the database (one row per meeting).

        The SQL twin of bot/attendance/base.py ``compute_base`` (tests/orgs/test_overview.py
        checks that both agree): the roll is the cell's active members and anyone else marked
        present or absent; each member's status is the one in effect on the meeting's local
        day (``local_date`` of its start in the cell's time zone, both ends of a status
        inclusive; of two, the later one, as base.py reads them). Visiting and away members
        are outside the base and its absences; an exempted member who is absent is left out;
        full members absent with a valid reason (marked so, or on long leave) are left out of
        the base. One flat GROUP BY: every meeting joined to its cell's members, their mark and
        their status of the day."""
        day_of = local_date(Meeting.starts_at, Cell.timezone)
        if is_postgres(self.session):
            days: Any = Cell
            on_days: Any = Cell.id == Meeting.cell_id
            day: Any = day_of
        else:
            # SQLite computes local_date in Python: once a meeting in a grouped subquery
            # (grouped, it is not flattened into the join), not once a member row; 3× faster
            # there (bench/overview_bench.py), but slower on PostgreSQL, whose planner does
            # better with the plain expression.
            days = (
                select(Meeting.id.label("meeting_id"), day_of.label("day"))
                .join(Cell, Cell.id == Meeting.cell_id)
                .where(
                    Meeting.cell_id.in_(scope),
                    Meeting.starts_at >= start,
                    Meeting.starts_at < end,
                )
                .group_by(Meeting.id, Meeting.starts_at, Cell.timezone)
                .subquery("meeting_days")
            )
            on_days = days.c.meeting_id == Meeting.id
            day = days.c.day
        later = aliased(MemberStatus)
        superseded = (
            select(later.id)
            .where(
                later.member_id == MemberStatus.member_id,
                later.cell_id == MemberStatus.cell_id,
                later.id > MemberStatus.id,
                later.starts_on <= day,
                later.ends_on >= day,
            )
            .exists()
        )
        columns = (
            Meeting.id,
            Meeting.cell_id,
            Meeting.kind,
            Meeting.status,
            Meeting.starts_at,
            Meeting.duration_minutes,
            AgendaBroadcast.sent_at,
        )
        query = (
            select(*columns, *_base_counts())
            .join(days, on_days)
            .outerjoin(Member, Member.cell_id == Meeting.cell_id)
            .outerjoin(
                Attendance,
                (Attendance.meeting_id == Meeting.id) & (Attendance.member_id == Member.id),
            )
            .outerjoin(
                MemberStatus,
                (MemberStatus.member_id == Member.id)
                & (MemberStatus.cell_id == Meeting.cell_id)
                & (MemberStatus.starts_on <= day)
                & (MemberStatus.ends_on >= day)
                & ~superseded,
            )
            .outerjoin(
                AgendaBroadcast,
                (AgendaBroadcast.meeting_id == Meeting.id) & (AgendaBroadcast.version > 0),
            )
            .where(
                Meeting.cell_id.in_(scope),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
            .group_by(*columns)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        rows = await self.session.execute(query)
        return [
            MeetingTotals(
                meeting_id=int(r[0]),
                cell_id=int(r[1]),
                kind=MeetingKind(r[2]),
                status=MeetingStatus(r[3]),
                starts_at=r[4],
                duration_minutes=int(r[5]),
                agenda_sent_at=r[6],
                recorded=int(r[7]),
                base=int(r[8]),
                present=int(r[9]),
                absent_unexcused=int(r[10]),
                absent_unclassified=int(r[11]),
                not_recorded=int(r[12]),
            )
            for r in rows.all()
        ]


def _base_counts() -> tuple[Any, ...]:
    """``MeetingTotals``' counts over a meeting's rows of members (``Member``, ``Attendance``
    and ``MemberStatus`` outer-joined to it): recorded, base, present, absent_unexcused,
    absent_unclassified, not_recorded."""
    kind = func.coalesce(MemberStatus.kind, "")
    # The roll: active members, and anyone else marked for this meeting (left since).
    on_roll = (Member.state == MemberState.ACTIVE) | Attendance.present.is_not(None)
    present = Attendance.present.is_(True)
    absent = Attendance.present.is_(False)
    unmarked = Attendance.present.is_(None)
    # Counted here: not visiting (counted in their own cell), not away (attending elsewhere).
    here = on_roll & kind.not_in([StatusKind.VISITING, StatusKind.AWAY])
    exempt = kind.in_([s for s in StatusKind if s.is_exemption])
    excused = Attendance.absence_excused.is_(True) | (kind == StatusKind.LONG_LEAVE)
    full = Member.party_status == PartyStatus.FULL

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        func.count(Attendance.present),
        count(here & full & (present | ~exempt) & ~(absent & excused)),
        count(here & full & present),
        count(here & ~exempt & absent & ~excused),
        count(absent & Attendance.absence_excused.is_(None)),
        count(here & ~exempt & unmarked),
    )
