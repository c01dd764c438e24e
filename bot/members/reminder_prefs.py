"""Each member's own reminders, within what the cell allows (issue #12 point 4).

The rule: a member turns off any of the cell's lead times except the required ones (the
committee chooses them; by default the last one before the meeting, and there is always at
least one), so every member keeps at least one reminder of every meeting. A member pauses all
their private reminders (the nudge to answer included) only if the cell allows it, until a day
or until they turn them back on. The committee's own messages (its tasks, the gap warnings,
planning failures, absence alerts) and every meeting notice and agenda are not reminders and
are never affected.

``wants_lead`` and ``wants_nudge`` are the one test: reminder planning
(bot/meetings/reminders.py ``member_rows``), a change (which cancels at once the member's
pending reminders no longer wanted) and the renderers at send time ask them. A change also
changes the member row, so the members' digest of bot/meetings/planning.py changes and the
planner's next run plans what is wanted again (a lead turned back on, a pause ended).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_member
from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.members.statuses import MEMBER_REMINDERS
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.models import REMINDERS_PAUSED_FOREVER, Cell, Member
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository

LeadsOf = Callable[[Cell], tuple[int, ...]]  # bot/meetings/reminders.py leads_of, injected
PAUSE_DAYS = (7, 14, 30)  # the pause lengths offered; 0 means "until turned back on"
FOREVER = REMINDERS_PAUSED_FOREVER


# --- the rule (pure) ------------------------------------------------------------------------
class Choices(Protocol):
    """What the rule reads of a member: a ``Member``, or planning's ``PlannedMember``."""

    @property
    def reminder_off_leads(self) -> list[int] | None: ...

    @property
    def reminders_paused_until(self) -> date | None: ...


def required_leads(cell: Cell, leads: Sequence[int]) -> frozenset[int]:
    """The lead times no member may turn off: the committee's choice among the cell's leads,
    by default (or if none of its choice is left) the last one before the meeting."""
    if not leads:
        return frozenset()
    chosen = frozenset(cell.reminder_required_leads or ()) & frozenset(leads)
    return chosen or frozenset({min(leads)})


def pause_allowed(cell: Cell) -> bool:
    """The cell's choice; a cell row not yet written (no value) has the default, allowed."""
    return cell.reminder_pause_allowed is not False


def pause_active(member: Choices, cell: Cell, day: date) -> bool:
    """Whether the member's private reminders are paused on ``day`` (the cell's time zone):
    only while the cell allows pausing."""
    until = member.reminders_paused_until
    return pause_allowed(cell) and until is not None and day <= until


def wants_lead(member: Choices, cell: Cell, leads: Sequence[int], lead: int, due: datetime) -> bool:
    """Whether the member gets the reminder ``lead`` minutes before, due at ``due``."""
    if pause_active(member, cell, due.astimezone(ZoneInfo(cell.timezone)).date()):
        return False
    return lead in required_leads(cell, leads) or lead not in (member.reminder_off_leads or ())


def wants_nudge(member: Choices, cell: Cell, due: datetime) -> bool:
    """The "not answered yet" nudge is a private reminder: a pause stops it, lead choices don't."""
    return not pause_active(member, cell, due.astimezone(ZoneInfo(cell.timezone)).date())


# --- what the screens show ------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    leads: tuple[int, ...]  # longest first
    required: frozenset[int]
    pause_allowed: bool


@dataclass(frozen=True)
class MyReminders:
    member: MemberInfo
    cell: CellInfo
    policy: Policy
    off: frozenset[int]  # of the cell's leads, those the member turned off (required ones kept)
    paused_until: date | None  # None: not paused now; FOREVER: until turned back on
    today: date


class ReminderPrefService:
    def __init__(self, db: Database, clock: Clock, leads_of: LeadsOf) -> None:
        self.db = db
        self.clock = clock
        self.leads_of = leads_of

    def _policy(self, cell: Cell) -> Policy:
        leads = self.leads_of(cell)
        return Policy(leads, required_leads(cell, leads), pause_allowed(cell))

    def _today(self, cell: Cell) -> date:
        return self.clock.now().astimezone(ZoneInfo(cell.timezone)).date()

    def _view(self, member: Member, cell: Cell) -> MyReminders:
        policy = self._policy(cell)
        today = self._today(cell)
        off = frozenset(member.reminder_off_leads or ()) & frozenset(policy.leads)
        until = member.reminders_paused_until
        return MyReminders(
            MemberInfo.of(member),
            CellInfo.of(cell),
            policy,
            off - policy.required,
            until if until is not None and until >= today else None,
            today,
        )

    async def _own(
        self, session: AsyncSession, telegram_id: int, member_id: int
    ) -> tuple[Member, Cell]:
        """The acting member's own row (locked) and cell; a button of someone else, of another
        cell or of a membership that ended is stale."""
        who = await require_member(session, telegram_id)
        if who.member.id != member_id:
            raise StaleAction("prefs_stale")
        member = await MemberRepository(session).get(member_id, for_update=True)
        cell = await CellRepository(session).get(who.cell.id)
        if member is None or cell is None:
            raise StaleAction("prefs_stale")
        return member, cell

    async def mine(self, telegram_id: int) -> MyReminders:
        async with self.db.session() as session:
            who = await require_member(session, telegram_id)
            member = await MemberRepository(session).get(who.member.id)
            cell = await CellRepository(session).get(who.cell.id)
            assert member is not None and cell is not None
            return self._view(member, cell)

    async def own(self, telegram_id: int, member_id: int, *, pausing: bool = False) -> MyReminders:
        """The acting member's screen, for a button carrying ``member_id``; ``pausing``: the
        cell must allow pausing."""
        async with self.db.session() as session:
            member, cell = await self._own(session, telegram_id, member_id)
            if pausing and not pause_allowed(cell):
                raise InvalidInput("prefs_pause_forbidden")
            return self._view(member, cell)

    async def toggle_lead(self, telegram_id: int, member_id: int, lead: int) -> MyReminders:
        async with self.db.session() as session:
            member, cell = await self._own(session, telegram_id, member_id)
            policy = self._policy(cell)
            if lead not in policy.leads:
                raise StaleAction("prefs_stale")  # the committee changed the lead times
            if lead in policy.required:
                raise InvalidInput("prefs_lead_required")
            off = set(member.reminder_off_leads or ()) & set(policy.leads)
            off.symmetric_difference_update({lead})
            member.reminder_off_leads = sorted(off, reverse=True) or None
            await self._withdraw(session, member, cell)
            return self._view(member, cell)

    async def pause(
        self, telegram_id: int, member_id: int, days: int, *, committee_confirmed: bool = False
    ) -> MyReminders:
        """Pause for ``days`` days (to the end of today + days), or until turned back on (0).
        A committee member confirms first that their committee tasks still come."""
        if days != 0 and days not in PAUSE_DAYS:
            raise StaleAction("prefs_stale")
        async with self.db.session() as session:
            member, cell = await self._own(session, telegram_id, member_id)
            if not pause_allowed(cell):
                raise InvalidInput("prefs_pause_forbidden")
            if member.is_committee and not committee_confirmed:
                raise InvalidInput("prefs_confirm_committee")
            today = self._today(cell)
            member.reminders_paused_until = today + timedelta(days=days) if days else FOREVER
            await self._withdraw(session, member, cell)
            return self._view(member, cell)

    async def resume(self, telegram_id: int, member_id: int) -> MyReminders:
        async with self.db.session() as session:
            member, cell = await self._own(session, telegram_id, member_id)
            member.reminders_paused_until = None
            await self._withdraw(session, member, cell)
            return self._view(member, cell)

    async def _withdraw(self, session: AsyncSession, member: Member, cell: Cell) -> int:
        """Cancel at once the member's pending private reminders the new choice no longer
        wants; those it wants again are planned by the planner's next run (the member row
        changed, and with it the members' digest). Returns how many were cancelled."""
        await session.flush()
        leads = self.leads_of(cell)
        outbox = OutboxRepository(session)
        cancelled = 0
        for row in await outbox.pending_of(member.id, MEMBER_REMINDERS):
            lead = (row.payload or {}).get("lead")
            if lead is None:
                wanted = wants_nudge(member, cell, row.due_at)
            else:
                wanted = wants_lead(member, cell, leads, int(lead), row.due_at)
            if not wanted:
                cancelled += await outbox.cancel(member_id=member.id, dedupe_prefix=row.dedupe_key)
        return cancelled

    # --- the committee: what members may choose -------------------------------------------
    async def policy(self, telegram_id: int) -> tuple[CellInfo, Policy]:
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            cell = await CellRepository(session).get(who.cell.id)
            assert cell is not None
            return CellInfo.of(cell), self._policy(cell)

    async def toggle_required(self, telegram_id: int, lead: int) -> tuple[CellInfo, Policy]:
        """Make a lead time required or optional; one always stays required."""
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            cell = await CellRepository(session).get(who.cell.id)
            assert cell is not None
            policy = self._policy(cell)
            if lead not in policy.leads:
                raise StaleAction("prefs_stale")
            required = set(policy.required) ^ {lead}
            if not required:
                raise InvalidInput("prefs_one_required")
            cell.reminder_required_leads = sorted(required, reverse=True)
            await self._record(session, cell, who.member.id)
            return CellInfo.of(cell), self._policy(cell)

    async def toggle_pause_allowed(self, telegram_id: int) -> tuple[CellInfo, Policy]:
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            cell = await CellRepository(session).get(who.cell.id)
            assert cell is not None
            cell.reminder_pause_allowed = not pause_allowed(cell)
            await self._record(session, cell, who.member.id)
            return CellInfo.of(cell), self._policy(cell)

    async def _record(self, session: AsyncSession, cell: Cell, actor_id: int) -> None:
        """Audit the new rule. Rows already planned are re-checked when sent, and the cell's
        rule is part of every meeting's planning digest, so the planner plans what it adds."""
        policy = self._policy(cell)
        await session.flush()
        await AuditRepository(session).record(
            cell.id,
            "reminder_rule_set",
            actor_member_id=actor_id,
            details={"required": sorted(policy.required), "pause": policy.pause_allowed},
        )
