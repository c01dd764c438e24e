"""Transfers between cells in the bot (chuyển sinh hoạt đảng), official or temporary.

The party's flow, as the bot records it: the source cell issues, the target cell receives.
The source cell's secretary or deputy issues a transfer; the target cell's secretary or deputy
accepts or declines it (the button acts in the transfer's own target cell, whatever cell the
presser chose in /chibo). The administrator may record one directly (``chibo transfer``).

- Official: the member leaves the source cell (state inactive, audited) and becomes a member
  of the target cell. Their attendance rows stay on their source row, and the accepted
  transfer links the two rows, so the year's absences without reason carry over to the
  target cell's Điều 8 alert (bot/attendance/alerts.py). The procedure and papers of an
  official transfer were not verified [U]: the bot records where the member attends, no more.
- Temporary (HD 01-HD/TW 2021 mục 10.3 [S]: 3 months to 1 year, study up to 2 years;
  possibly updated since): "sinh hoạt tạm thời ở nơi khác" in the source cell and "từ nơi
  khác đến" in the target, with the same dates, so both attendance bases are right
  (bot/attendance/base.py). The member stays a member of the source cell, and the year's
  absences without reason in both cells are counted together, the alert going to the source
  cell's committee (bot/attendance/alerts.py, ``counted_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import (
    active_memberships,
    require_committee,
    require_committee_over,
    require_leader,
)
from bot.clock import Clock
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.members.statuses import MEMBER_REMINDERS, add_status
from bot.texts import cells as tcl
from bot.texts.common import fmt
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.enums import MemberState, Role, StatusKind, TransferKind, TransferStatus
from storage.models import Cell, Member, MemberTransfer
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import ChosenCellRepository, MemberRepository, TransferRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.statuses import StatusRepository

ISSUE_ROUTE = "tf"  # tf:<member> kinds; tf:<member>:o<cell>|t<cell> kind and target; tf:<t>:w
DECIDE_ROUTE = "tfd"  # tfd:<transfer>:a|r the target cell accepts or declines
LEADERS = (Role.SECRETARY, Role.DEPUTY)


@dataclass(frozen=True)
class TransferInfo:
    """A transfer and who is concerned: the member, both cells, both cells' leaders."""

    id: int
    kind: TransferKind
    status: TransferStatus
    member: MemberInfo  # the member's row in the target cell once accepted, else in the source
    source: CellInfo
    target: CellInfo
    starts_on: date | None
    ends_on: date | None
    source_leaders: tuple[MemberInfo, ...]
    target_leaders: tuple[MemberInfo, ...]
    actor: MemberInfo | None  # who issued or decided it (None: the administrator)

    @property
    def period(self) -> str:
        if self.starts_on is None or self.ends_on is None:
            return ""
        return fmt(
            tcl.TRANSFER_PERIOD,
            start=self.starts_on.strftime("%d/%m/%Y"),
            end=self.ends_on.strftime("%d/%m/%Y"),
        )

    @property
    def kind_name(self) -> str:
        return tcl.KIND_NAMES[self.kind.value]


async def _leaders(session: AsyncSession, cell_id: int) -> tuple[MemberInfo, ...]:
    committee = await MemberRepository(session).committee(cell_id)
    return tuple(MemberInfo.of(m) for m in committee if Role(m.role) in LEADERS)


async def _info(
    session: AsyncSession, row: MemberTransfer, actor: MemberInfo | None
) -> TransferInfo:
    cells = CellRepository(session)
    source, target = await cells.get(row.from_cell_id), await cells.get(row.to_cell_id)
    assert source is not None and target is not None
    member = await MemberRepository(session).get(row.to_member_id or row.from_member_id)
    assert member is not None
    return TransferInfo(
        id=row.id,
        kind=TransferKind(row.kind),
        status=TransferStatus(row.status),
        member=MemberInfo.of(member),
        source=CellInfo.of(source),
        target=CellInfo.of(target),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        source_leaders=await _leaders(session, source.id),
        target_leaders=await _leaders(session, target.id),
        actor=actor,
    )


def _check_dates(
    kind: TransferKind, starts_on: date | None, ends_on: date | None, today: date
) -> None:
    if kind is TransferKind.OFFICIAL:
        return
    if starts_on is None or ends_on is None or ends_on < starts_on or ends_on < today:
        raise InvalidInput("transfer_period")


async def targets_for(session: AsyncSession, source: Cell) -> list[CellInfo]:
    """The cells a member of ``source`` may be transferred to in chat: the other cells under
    the same parent committee (or, for cells standing alone, the other cells standing alone)."""
    return [
        CellInfo.of(c)
        for c in await CellRepository(session).all()
        if c.id != source.id and c.org_id == source.org_id
    ]


class TransferService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _source_member(
        self, session: AsyncSession, actor_telegram_id: int, member_id: int
    ) -> tuple[MemberInfo, Member, Cell]:
        actor = await require_committee_over(session, actor_telegram_id, member_id)
        require_leader(actor)
        member = await MemberRepository(session).get(member_id, for_update=True)
        if member is None or member.cell_id != actor.cell.id:
            raise StaleAction("member_gone")
        if member.state != MemberState.ACTIVE:
            raise StaleAction("not_active")
        cell = await CellRepository(session).get(actor.cell.id)
        assert cell is not None
        return actor.member, member, cell

    async def targets(
        self, actor_telegram_id: int, member_id: int
    ) -> tuple[MemberInfo, list[CellInfo]]:
        """The member (of the actor's cell) and the cells they may be transferred to."""
        async with self.db.session() as session:
            _, member, cell = await self._source_member(session, actor_telegram_id, member_id)
            return MemberInfo.of(member), await targets_for(session, cell)

    async def issue(
        self,
        actor_telegram_id: int,
        member_id: int,
        to_cell_id: int,
        kind: TransferKind,
        starts_on: date | None = None,
        ends_on: date | None = None,
    ) -> TransferInfo:
        """The source cell issues a transfer; it waits for the target cell."""
        async with self.db.session() as session:
            actor, member, cell = await self._source_member(session, actor_telegram_id, member_id)
            if to_cell_id not in {c.id for c in await targets_for(session, cell)}:
                raise StaleAction("transfer_target_gone")
            row = await self._prepare(session, member, to_cell_id, kind, starts_on, ends_on)
            row.created_by_member_id = actor.id
            await AuditRepository(session).record(
                cell.id,
                "transfer_issued",
                actor_member_id=actor.id,
                target_member_id=member.id,
                details={"kind": kind.value, "to_cell": to_cell_id},
            )
            return await _info(session, row, actor)

    async def _prepare(
        self,
        session: AsyncSession,
        member: Member,
        to_cell_id: int,
        kind: TransferKind,
        starts_on: date | None,
        ends_on: date | None,
    ) -> MemberTransfer:
        cell = await CellRepository(session).get(member.cell_id)
        assert cell is not None
        today = self.clock.now().astimezone(CellInfo.of(cell).tz).date()
        _check_dates(kind, starts_on, ends_on, today)
        if kind is TransferKind.TEMPORARY:
            assert starts_on is not None and ends_on is not None
            if await StatusRepository(session).overlapping(member.id, starts_on, ends_on):
                raise InvalidInput("transfer_overlaps")
        if await TransferRepository(session).pending_of(member.id) is not None:
            raise StaleAction("transfer_pending")
        await self._target_row(session, member, to_cell_id)  # already there: refused now
        members = MemberRepository(session)
        if (
            kind is TransferKind.OFFICIAL
            and Role(member.role) is Role.SECRETARY
            and await members.count_role(member.cell_id, Role.SECRETARY) <= 1
        ):
            raise InvalidInput("last_secretary")
        return await TransferRepository(session).add(
            MemberTransfer(
                kind=kind,
                status=TransferStatus.PENDING,
                from_cell_id=member.cell_id,
                from_member_id=member.id,
                to_cell_id=to_cell_id,
                starts_on=starts_on if kind is TransferKind.TEMPORARY else None,
                ends_on=ends_on if kind is TransferKind.TEMPORARY else None,
            )
        )

    async def _target_row(
        self, session: AsyncSession, member: Member, cell_id: int
    ) -> Member | None:
        """The person's earlier row in the target cell (reused), refused if active there."""
        if member.telegram_id is None:
            return None
        row = await MemberRepository(session).in_cell(cell_id, member.telegram_id)
        if row is not None and row.state == MemberState.ACTIVE:
            raise StaleAction("transfer_target_member")
        return row

    async def withdraw(self, actor_telegram_id: int, transfer_id: int) -> TransferInfo:
        """The source cell takes back a transfer the target has not decided on."""
        async with self.db.session() as session:
            row = await TransferRepository(session).get(transfer_id, for_update=True)
            actor = await require_committee(
                session, actor_telegram_id, cell_id=row.from_cell_id if row else None
            )
            require_leader(actor)
            if row is None or row.from_cell_id != actor.cell.id:
                raise StaleAction("transfer_gone")
            if row.status != TransferStatus.PENDING:
                raise StaleAction("transfer_gone")
            row.status = TransferStatus.CANCELLED
            row.decided_by_member_id, row.decided_at = actor.member.id, self.clock.now()
            await AuditRepository(session).record(
                actor.cell.id,
                "transfer_cancelled",
                actor_member_id=actor.member.id,
                target_member_id=row.from_member_id,
            )
            return await _info(session, row, actor.member)

    async def decide(self, actor_telegram_id: int, transfer_id: int, accept: bool) -> TransferInfo:
        """The target cell's secretary or deputy receives (or declines) a transfer."""
        async with self.db.session() as session:
            row = await TransferRepository(session).get(transfer_id, for_update=True)
            mine = await active_memberships(session, actor_telegram_id)
            if not mine:
                raise NotAMember()
            if row is None:
                raise StaleAction("transfer_gone")
            actor = next((m for m in mine if m.cell.id == row.to_cell_id), None)
            if actor is None or actor.member.role not in LEADERS:
                raise NotAllowed()
            if row.status != TransferStatus.PENDING:
                raise StaleAction("transfer_gone")
            if not accept:
                row.status = TransferStatus.DECLINED
                row.decided_by_member_id, row.decided_at = actor.member.id, self.clock.now()
                await AuditRepository(session).record(
                    row.from_cell_id,
                    "transfer_declined",
                    actor_member_id=actor.member.id,
                    target_member_id=row.from_member_id,
                )
                return await _info(session, row, actor.member)
            await self._apply(session, row, actor.member.id)
            return await _info(session, row, actor.member)

    async def record(
        self,
        member_id: int,
        to_cell_id: int,
        kind: TransferKind,
        period: tuple[date, date] | None = None,
    ) -> TransferInfo:
        """The administrator records a transfer at once (``chibo transfer``): any two cells;
        ``period`` (from, until) for a temporary one."""
        starts_on, ends_on = period or (None, None)
        async with self.db.session() as session:
            member = await MemberRepository(session).get(member_id, for_update=True)
            if member is None or member.state != MemberState.ACTIVE:
                raise StaleAction("member_gone")
            target = await CellRepository(session).get(to_cell_id)
            if target is None or target.id == member.cell_id:
                raise StaleAction("transfer_target_gone")
            row = await self._prepare(session, member, to_cell_id, kind, starts_on, ends_on)
            await self._apply(session, row, None)
            return await _info(session, row, None)

    async def _apply(
        self, session: AsyncSession, row: MemberTransfer, decider_id: int | None
    ) -> None:
        members = MemberRepository(session)
        source = await members.get(row.from_member_id, for_update=True)
        if source is None or source.state != MemberState.ACTIVE:
            row.status = TransferStatus.CANCELLED
            await session.flush()
            raise StaleAction("transfer_gone")
        target = await self._target_row(session, source, row.to_cell_id)
        now = self.clock.now()
        if target is None:
            target = await members.add(
                Member(cell_id=row.to_cell_id, telegram_id=source.telegram_id, full_name="")
            )
        target.full_name, target.role = source.full_name, Role.MEMBER
        target.party_status, target.state = source.party_status, MemberState.ACTIVE
        target.birth_year, target.admitted_on = source.birth_year, source.admitted_on
        target.can_dm, target.joined_at = source.can_dm, now
        # The person's own reminder choices go with them (the target cell's rule still
        # applies when reminders are planned: its required lead times, whether it allows a pause).
        target.reminder_off_leads = source.reminder_off_leads
        target.reminders_paused_until = source.reminders_paused_until
        await session.flush()
        cells = CellRepository(session)
        source_cell, target_cell = (
            await cells.get(row.from_cell_id),
            await cells.get(row.to_cell_id),
        )
        assert source_cell is not None and target_cell is not None
        audit = AuditRepository(session)
        kind = TransferKind(row.kind)
        if kind is TransferKind.OFFICIAL:
            source.state = MemberState.INACTIVE
            await OutboxRepository(session).cancel(member_id=source.id, kinds=MEMBER_REMINDERS)
            await audit.record(
                source.cell_id,
                "member_transferred_out",
                actor_member_id=decider_id,
                target_member_id=source.id,
                details={"to_cell": row.to_cell_id},
            )
        else:
            assert row.starts_on is not None and row.ends_on is not None
            away = fmt(tcl.REASON_AWAY, cell=target_cell.name)
            visiting = fmt(tcl.REASON_VISITING, cell=source_cell.name)
            await add_status(
                session,
                source,
                StatusKind.AWAY,
                row.starts_on,
                row.ends_on,
                away,
                actor_member_id=decider_id,
            )
            await add_status(
                session,
                target,
                StatusKind.VISITING,
                row.starts_on,
                row.ends_on,
                visiting,
                actor_member_id=decider_id,
            )
        await audit.record(
            row.to_cell_id,
            "member_transferred_in",
            actor_member_id=decider_id,
            target_member_id=target.id,
            details={"kind": kind.value, "from_cell": row.from_cell_id},
        )
        row.status, row.to_member_id = TransferStatus.ACCEPTED, target.id
        row.decided_by_member_id, row.decided_at = decider_id, now
        if target.telegram_id is not None:  # their private commands act on the new cell
            await ChosenCellRepository(session).choose(target.telegram_id, target.cell_id)
        await session.flush()


async def end_visits(session: AsyncSession, now: datetime) -> int:
    """Temporary transfers whose period is over (in the target cell's time zone): the
    member's membership in the target cell ends, so they count in the source cell's base
    again, and their private commands go back to the source cell. Run by the periodic job."""
    members, cells, chosen = MemberRepository(session), CellRepository(session), None
    ended = 0
    for row in await TransferRepository(session).temporary_ending_before(
        (now + timedelta(days=1)).date()
    ):
        target_cell = await cells.get(row.to_cell_id)
        assert target_cell is not None and row.ends_on is not None
        if row.ends_on >= now.astimezone(CellInfo.of(target_cell).tz).date():
            continue
        row.status = TransferStatus.ENDED
        ended += 1
        visitor = await members.get(row.to_member_id or 0, for_update=True)
        if visitor is None or visitor.state != MemberState.ACTIVE:
            continue
        visitor.state = MemberState.INACTIVE
        await AuditRepository(session).record(
            row.to_cell_id,
            "visit_ended",
            actor_member_id=None,
            target_member_id=visitor.id,
            details={"from_cell": row.from_cell_id},
        )
        if visitor.telegram_id is not None:
            chosen = chosen or ChosenCellRepository(session)
            if await chosen.get(visitor.telegram_id) == visitor.cell_id:
                await chosen.choose(visitor.telegram_id, row.from_cell_id)
    await session.flush()
    return ended
