"""Members' statuses for a period: exempted (miễn sinh hoạt, miễn công tác và sinh hoạt, at
most 12 months at a time, HD 27-HD/BTCTW 2018 [S]), temporarily elsewhere or visiting (sinh
hoạt tạm thời, HD 01-HD/TW 2021 mục 10.3 [S]) and long leave. Each status decides who is
reminded (``remindable``, the one selection reminder planning uses) and the attendance base
(bot/attendance/base.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee_over
from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.enums import MemberState, StatusKind
from storage.models import Member, MemberStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.statuses import StatusRepository

MAX_REASON = 500
# The member's own reminder kinds: bot/meetings/reminders.py REMINDER and NUDGE (that module
# imports this one, so the names are repeated here; tests/unit/test_status_reminders.py checks).
MEMBER_REMINDERS = ("reminder", "nudge")
EXEMPTION_MONTHS = 12
# Statuses whose members get no meeting reminders (a visiting member attends here).
NOT_REMINDED = frozenset(
    {StatusKind.EXEMPT_MEETINGS, StatusKind.EXEMPT_ALL, StatusKind.AWAY, StatusKind.LONG_LEAVE}
)


@dataclass(frozen=True)
class StatusInfo:
    id: int
    member_id: int
    kind: StatusKind
    starts_on: date
    ends_on: date
    reason: str

    @classmethod
    def of(cls, row: MemberStatus) -> StatusInfo:
        return cls(
            row.id, row.member_id, StatusKind(row.kind), row.starts_on, row.ends_on, row.reason
        )


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_period(kind: StatusKind, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidInput("status_ends_before_start")
    if kind.is_exemption and ends_on >= _months_later(starts_on, EXEMPTION_MONTHS):
        raise InvalidInput("status_exemption_too_long")


async def statuses_on(session: AsyncSession, cell_id: int, day: date) -> dict[int, StatusKind]:
    """Each member's status on ``day`` (a member has at most one at a time)."""
    return {
        s.member_id: StatusKind(s.kind)
        for s in await StatusRepository(session).on_day(cell_id, day)
    }


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


_M = TypeVar("_M", bound=_Identified)  # a Member, or planning's PlannedMember


def without_status(members: Iterable[_M], statuses: dict[int, StatusKind]) -> list[_M]:
    return [m for m in members if statuses.get(m.id) not in NOT_REMINDED]


async def remindable(session: AsyncSession, cell_id: int, day: date) -> list[Member]:
    """The active members who are reminded of a meeting on ``day``: not exempted, not
    temporarily elsewhere, not on long leave. The one selection reminder planning uses."""
    members = await MemberRepository(session).in_states(cell_id)
    return without_status(members, await statuses_on(session, cell_id, day))


async def add_status(
    session: AsyncSession,
    member: Member,
    kind: StatusKind,
    starts_on: date,
    ends_on: date,
    reason: str,
    *,
    actor_member_id: int | None,
) -> MemberStatus:
    """Record a status of ``member`` in their own cell (checked: the period, no overlap),
    audited; the one path the committee's form and a transfer (bot/members/transfers.py)
    share."""
    check_period(kind, starts_on, ends_on)
    repo = StatusRepository(session)
    if await repo.overlapping(member.id, starts_on, ends_on):
        raise InvalidInput("status_overlaps")
    row = await repo.add(
        MemberStatus(
            cell_id=member.cell_id,
            member_id=member.id,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            created_by_member_id=actor_member_id,
        )
    )
    await AuditRepository(session).record(
        member.cell_id,
        "status_set",
        actor_member_id=actor_member_id,
        target_member_id=member.id,
        details={
            "kind": kind.value,
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat(),
        },  # the reason stays on the status row only, erased with the member's data
    )
    # Reminders already planned for the member are withdrawn; the statuses' digest
    # changed, so the planner (bot/meetings/planning.py) plans again those outside it.
    await OutboxRepository(session).cancel(member_id=member.id, kinds=MEMBER_REMINDERS)
    return row


class StatusService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def of_member(
        self, actor_telegram_id: int, member_id: int
    ) -> tuple[MemberInfo, CellInfo, list[StatusInfo]]:
        """A member of the actor's cell and their current and coming statuses (committee)."""
        async with self.db.session() as session:
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            member = await MemberRepository(session).get(member_id)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            today = self.clock.now().astimezone(actor.cell.tz).date()
            rows = await StatusRepository(session).of_member(member.id, today)
            return MemberInfo.of(member), actor.cell, [StatusInfo.of(r) for r in rows]

    async def set_status(
        self,
        actor_telegram_id: int,
        member_id: int,
        kind: StatusKind,
        starts_on: date,
        ends_on: date,
        reason: str,
    ) -> StatusInfo:
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput("status_reason_missing")
        if len(reason) > MAX_REASON:
            raise InvalidInput("status_reason_too_long", {"limit": MAX_REASON})
        async with self.db.session() as session:  # add_status checks the period
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            member = await MemberRepository(session).get(member_id, for_update=True)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            if member.state != MemberState.ACTIVE:
                raise StaleAction("not_active")
            row = await add_status(
                session, member, kind, starts_on, ends_on, reason, actor_member_id=actor.member.id
            )
            return StatusInfo.of(row)
