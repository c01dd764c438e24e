"""Meetings: create, edit, reschedule, cancel (audited, members told), the upcoming list,
the next thematic session, the cell's recurrence rules and reminder lead times.

Each public method is one unit of work. Changes plan their notices and reminders into the
outbox in the same transaction, so a meeting and its messages are never out of step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_member
from bot.clock import Clock
from bot.errors import InvalidInput, StaleAction
from bot.meetings import reminders
from bot.meetings.dateparse import parse_datetime
from bot.meetings.drafts import (
    EDITABLE,
    TEXT_LIMITS,
    WIZARD,
    MeetingDraft,
    clean_text,
    default_duration,
    draft_of,
    parse_duration,
)
from bot.meetings.occurrences import Generated, follow_rule, generate, refresh_panel
from bot.meetings.planning import Planner
from bot.meetings.recurrence import Rule, like_meeting, next_regular_month, regular_dates
from bot.meetings.views import (
    CellSchedule,
    MeetingChange,
    MyMeeting,
    RegularSuggestion,
    RuleInfo,
)
from bot.members.status_notices import plan_expiry_notices
from bot.views import MeetingInfo, Membership
from storage.db import Database
from storage.models import Cell, Meeting, MeetingKind, MeetingRule, MeetingStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.pending import PendingInputRepository

PLAN_HORIZON = timedelta(days=15)  # reminders are planned for meetings within this
MAX_KEY = 2**31 - 1  # table keys are 32-bit: a larger id (a forged button) names nothing


class MeetingWatcher:
    """Told of every change, in its transaction (bot/orgs informs the cell's overseer, HD 42).
    This base does nothing; the composition root (bot/services.py) passes the real one."""

    async def created(self, session: AsyncSession, meeting: Meeting, now: datetime) -> None:
        return None

    async def edited(
        self, session: AsyncSession, meeting: Meeting, field: str, event_id: int, now: datetime
    ) -> None:
        return None

    async def cancelled(self, session: AsyncSession, meeting: Meeting, now: datetime) -> None:
        return None

    async def rule_changing(
        self, session: AsyncSession, cell_id: int, kind: MeetingKind, now: datetime
    ) -> dict[int, datetime]:
        return {}

    async def rule_changed(
        self, session: AsyncSession, before: dict[int, datetime], now: datetime
    ) -> None:
        return None

    async def maintained(self, session: AsyncSession, now: datetime) -> None:
        return None


class MeetingService:
    def __init__(self, db: Database, clock: Clock, watcher: MeetingWatcher | None = None) -> None:
        self.db = db
        self.clock = clock
        self.watcher = watcher or MeetingWatcher()
        self.planner = Planner(db, clock)
        self._daily_done: date | None = None  # the day maintain() last generated and warned

    # --- reading -------------------------------------------------------------------------
    async def committee_member(self, telegram_id: int) -> Membership:
        """The actor, if they may create and change meetings (the cell's committee)."""
        async with self.db.session() as session:
            return await require_committee(session, telegram_id)

    async def upcoming(
        self, telegram_id: int, *, group_chat_id: int | None = None, limit: int = 5
    ) -> tuple[Membership, list[MyMeeting]]:
        async with self.db.session() as session:
            who = await require_member(session, telegram_id, group_chat_id=group_chat_id)
            repo = MeetingRepository(session)
            meetings = await repo.upcoming(who.cell.id, self.clock.now(), limit=limit)
            return who, [
                MyMeeting(MeetingInfo.of(m), await repo.answer_of(m.id, who.member.id))
                for m in meetings
            ]

    async def next_thematic(
        self, telegram_id: int, *, group_chat_id: int | None = None
    ) -> tuple[Membership, MeetingInfo | None]:
        async with self.db.session() as session:
            who = await require_member(session, telegram_id, group_chat_id=group_chat_id)
            found = await MeetingRepository(session).upcoming(
                who.cell.id,
                self.clock.now(),
                limit=1,
                kinds=(MeetingKind.THEMATIC, MeetingKind.COMBINED),
            )
            return who, (MeetingInfo.of(found[0]) if found else None)

    async def get(self, telegram_id: int, meeting_id: int) -> tuple[Membership, MeetingInfo]:
        """A meeting of the actor's own cell (any other id is stale, never shown)."""
        async with self.db.session() as session:
            who = await require_member(session, telegram_id)
            meeting = await self._meeting(session, meeting_id)
            if meeting is None or meeting.cell_id != who.cell.id:
                raise StaleAction("meeting_gone")
            return who, MeetingInfo.of(meeting)

    async def reminder_leads(self, telegram_id: int) -> tuple[int, ...]:
        """The member's cell's reminder lead times, in minutes (the .ics alarm follows them)."""
        async with self.db.session() as session:
            who = await require_member(session, telegram_id)
            return reminders.leads_of(await self._cell(session, who.cell.id))

    async def suggested_starts(
        self, telegram_id: int, kind: MeetingKind, count: int = 3
    ) -> list[datetime]:
        """Dates to offer as buttons. A regular meeting: the days the cell's rule gives in the
        month still to schedule (next month once this month's is held or past). A thematic
        one: the rule's next days; else (and for an extraordinary one) the next Saturdays."""
        regular = kind in (MeetingKind.REGULAR, MeetingKind.COMBINED)
        if regular and (starts := (await self.next_regular(telegram_id)).starts):
            return list(starts[:count])
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            now = self.clock.now()
            rule_kind = MeetingKind.REGULAR if regular else MeetingKind.THEMATIC
            row = await MeetingRepository(session).rule(who.cell.id, rule_kind)
        if row is not None and kind is not MeetingKind.EXTRAORDINARY:
            rule = Rule.of(row)
            found = rule.occurrences(kind, now, now + timedelta(days=400), who.cell.tz)
            return [moment for _, moment in found[:count]]
        local = now.astimezone(who.cell.tz)
        days_to_saturday = (5 - local.weekday()) % 7 or 7
        first = local.replace(hour=8, minute=0, second=0, microsecond=0)
        first += timedelta(days=days_to_saturday)
        return [first + timedelta(weeks=i) for i in range(count)]

    async def next_regular(self, telegram_id: int) -> RegularSuggestion:
        """The next regular meeting to schedule, by the cell's rule (else like the last one)."""
        now = self.clock.now()
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            tz, repo = who.cell.tz, MeetingRepository(session)
            row = await repo.rule(who.cell.id, MeetingKind.REGULAR)
            around = await repo.in_range(
                who.cell.id, now - timedelta(days=400), now + timedelta(days=400)
            )
        regular = [m for m in around if m.kind in (MeetingKind.REGULAR, MeetingKind.COMBINED)]
        held = {
            (m.starts_at.astimezone(tz).year, m.starts_at.astimezone(tz).month) for m in regular
        }
        past = [m for m in regular if m.starts_at <= now]
        rule = Rule.of(row) if row is not None else None
        if rule is None and past:
            rule = like_meeting(past[-1].starts_at, tz)
        place = (row.place if row is not None else None) or (past[-1].place if past else None)
        found = next_regular_month(rule, now, tz, held)
        if found is None:
            ahead = [m.starts_at for m in regular if m.starts_at > now]
            local = now.astimezone(tz)
            return RegularSuggestion(local.year, local.month, (), place, min(ahead, default=None))
        year, month = found
        starts = tuple(regular_dates(rule, year, month, now, tz))
        return RegularSuggestion(year, month, starts, place)

    # --- changing ------------------------------------------------------------------------
    async def create(self, telegram_id: int, draft: MeetingDraft) -> MeetingChange:
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            return await self._create(session, who, draft)

    async def create_from_wizard(self, telegram_id: int, chat_id: int) -> MeetingChange:
        """Create the meeting of a confirmed /taolich draft and end the wizard, in one
        transaction: if creating fails the draft stays (the retry works), and of two
        concurrent presses exactly one takes the draft; the other is told it is over."""
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            pending = PendingInputRepository(session)
            row = await pending.get(telegram_id, chat_id, self.clock.now())
            if row is None or row.kind != WIZARD or row.data.get("step") != "confirm":
                raise StaleAction("wizard_gone")
            draft = draft_of(dict(row.data))
            if not await pending.delete_exactly(telegram_id, chat_id, WIZARD):
                raise StaleAction("wizard_gone")  # a double tap: the other press took it
            return await self._create(session, who, draft)

    async def _create(
        self, session: AsyncSession, who: Membership, draft: MeetingDraft
    ) -> MeetingChange:
        now = self.clock.now()
        if draft.starts_at <= now:
            raise InvalidInput("when_past")
        values: dict[str, Any] = {}
        for field in TEXT_LIMITS:
            raw = getattr(draft, field, None)
            if raw is not None and raw.strip():
                values[field] = clean_text(field, raw)
        meeting = await MeetingRepository(session).add(
            Meeting(
                cell_id=who.cell.id,
                kind=draft.kind,
                status=MeetingStatus.SCHEDULED,
                starts_at=draft.starts_at,
                duration_minutes=draft.duration_minutes or default_duration(draft.kind),
                created_by_member_id=who.member.id,
                **values,
            )
        )
        entry = await AuditRepository(session).record(
            who.cell.id,
            "meeting_created",
            actor_member_id=who.member.id,
            meeting_id=meeting.id,
            details={"kind": draft.kind.value, "starts_at": draft.starts_at.isoformat()},
        )
        cell = await self._cell(session, who.cell.id)
        notified = await reminders.plan_notice(
            session, meeting, cell, "created", entry.id, now, skip_member_id=who.member.id
        )
        await reminders.plan_meeting(session, meeting, cell, now)
        await self.watcher.created(session, meeting, now)
        return self._change(meeting, notified)

    async def edit(self, telegram_id: int, meeting_id: int, field: str, raw: str) -> MeetingChange:
        """Change one field from the committee's typed text (``when`` reschedules)."""
        if field not in EDITABLE:
            raise StaleAction("meeting_gone")
        now = self.clock.now()
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            meeting = await self._editable(session, who, meeting_id, now)
            cell = await self._cell(session, who.cell.id)
            old: Any
            if field == "when":
                new_start, _ = parse_datetime(raw, now=now, tz=who.cell.tz)
                old, meeting.starts_at = meeting.starts_at.isoformat(), new_start
                new: Any = new_start.isoformat()
            elif field == "duration":
                old, meeting.duration_minutes = meeting.duration_minutes, parse_duration(raw)
                new = meeting.duration_minutes
            else:
                old, new = getattr(meeting, field), clean_text(field, raw)
                setattr(meeting, field, new)
            meeting.detached = True
            await session.flush()
            await refresh_panel(session, meeting)
            entry = await AuditRepository(session).record(
                who.cell.id,
                "meeting_rescheduled" if field == "when" else "meeting_edited",
                actor_member_id=who.member.id,
                meeting_id=meeting.id,
                details={"field": field, "old": old, "new": new},
            )
            notified = await reminders.plan_change(
                session, meeting, cell, entry.id, now, what=field, actor_id=who.member.id
            )
            await self.watcher.edited(session, meeting, field, entry.id, now)
            return self._change(meeting, notified)

    async def cancel(self, telegram_id: int, meeting_id: int) -> MeetingChange:
        now = self.clock.now()
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            meeting = await self._editable(session, who, meeting_id, now)
            cell = await self._cell(session, who.cell.id)
            meeting.status = MeetingStatus.CANCELLED
            meeting.detached = True
            await session.flush()
            await refresh_panel(session, meeting)
            entry = await AuditRepository(session).record(
                who.cell.id,
                "meeting_cancelled",
                actor_member_id=who.member.id,
                meeting_id=meeting.id,
            )
            await OutboxRepository(session).cancel(
                meeting_id=meeting.id, kinds=(*reminders.TIME_BOUND_KINDS, reminders.NOTICE)
            )
            notified = await reminders.plan_notice(
                session, meeting, cell, "cancelled", entry.id, now, skip_member_id=who.member.id
            )
            await self.watcher.cancelled(session, meeting, now)
            return self._change(meeting, notified)

    # --- rules and settings --------------------------------------------------------------
    async def schedule(self, telegram_id: int) -> tuple[Membership, CellSchedule]:
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            cell = await self._cell(session, who.cell.id)
            rules = await MeetingRepository(session).rules(cell.id)
            return who, CellSchedule(tuple(RuleInfo.of(r) for r in rules), reminders.leads_of(cell))

    async def set_rule(
        self,
        telegram_id: int,
        kind: MeetingKind,
        rule: Rule,
        *,
        place: str | None = None,
        duration_minutes: int | None = None,
    ) -> tuple[RuleInfo, Generated]:
        """Save the cell's rule for a kind; move untouched future occurrences; generate ahead."""
        if kind not in (MeetingKind.REGULAR, MeetingKind.THEMATIC):
            raise StaleAction("meeting_gone")
        now = self.clock.now()
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            repo = MeetingRepository(session)
            row = await repo.rule(who.cell.id, kind)
            if row is None:
                row = MeetingRule(cell_id=who.cell.id, meeting_kind=kind)
                session.add(row)
            row.pattern, row.day, row.nth, row.weekday = (
                rule.pattern,
                rule.day,
                rule.nth,
                rule.weekday,
            )
            row.hour, row.minute, row.quarter_month = (
                rule.at.hour,
                rule.at.minute,
                rule.quarter_month,
            )
            row.duration_minutes = (
                duration_minutes or row.duration_minutes or default_duration(kind)
            )
            if place is not None:
                row.place = clean_text("place", place)
            await session.flush()
            await AuditRepository(session).record(
                who.cell.id,
                "meeting_rule_set",
                actor_member_id=who.member.id,
                details={
                    "kind": kind.value,
                    "pattern": rule.pattern.value,
                    "day": rule.day,
                    "nth": rule.nth,
                    "weekday": rule.weekday,
                    "at": rule.at.isoformat(),
                    "quarter_month": rule.quarter_month,
                },
            )
            cell = await self._cell(session, who.cell.id)
            before = await self.watcher.rule_changing(session, cell.id, kind, now)
            await follow_rule(session, cell, kind, rule, now, who.member.id)
            await self.watcher.rule_changed(session, before, now)
            return RuleInfo.of(row), await generate(session, cell, row, now)

    async def clear_rule(self, telegram_id: int, kind: MeetingKind) -> None:
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            repo = MeetingRepository(session)
            row = await repo.rule(who.cell.id, kind)
            if row is not None:
                await repo.delete_rule(row)
                await AuditRepository(session).record(
                    who.cell.id,
                    "meeting_rule_cleared",
                    actor_member_id=who.member.id,
                    details={"kind": kind.value},
                )

    async def set_leads(self, telegram_id: int, leads: tuple[int, ...]) -> tuple[int, ...]:
        now = self.clock.now()
        async with self.db.session() as session:
            who = await require_committee(session, telegram_id)
            cell = await self._cell(session, who.cell.id)
            old = reminders.leads_of(cell)
            cell.reminder_leads = list(leads)
            await session.flush()
            await AuditRepository(session).record(
                cell.id,
                "reminder_leads_set",
                actor_member_id=who.member.id,
                details={"old": list(old), "new": list(leads)},
            )
            # Reminders at the old lead times that are still pending no longer apply.
            for meeting in await MeetingRepository(session).upcoming(cell.id, now, limit=100):
                await OutboxRepository(session).cancel(
                    meeting_id=meeting.id, kinds=(reminders.REMINDER, reminders.GROUP_REMINDER)
                )
                await reminders.plan_meeting(session, meeting, cell, now)
            return reminders.leads_of(cell)

    # --- the periodic job ----------------------------------------------------------------
    async def maintain(self) -> int:
        """Generate occurrences ahead and warn about gaps (once a day, cell by cell), then plan
        the reminders of what changed (bot/meetings/planning.py); idempotent. Returns how many
        meetings were generated. Run at start-up and periodically. A cell that fails is
        logged once and its committee told; the other cells go on."""
        now = self.clock.now()
        created = 0
        today = now.date()  # UTC: the daily pass runs once per day and process
        if self._daily_done != today:
            async with self.db.session() as session:
                cell_ids = [cell.id for cell in await CellRepository(session).all()]
            for cell_id in cell_ids:
                try:
                    created += await self._daily(cell_id, now)
                except Exception:
                    await self.planner.cell_failed(cell_id, now)
            self._daily_done = today
        await self.planner.plan_changed(now, PLAN_HORIZON)
        async with self.db.session() as session:
            await self.watcher.maintained(session, now)  # the overseers of rule-made meetings
            await plan_expiry_notices(session, now)
        return created

    async def _daily(self, cell_id: int, now: datetime) -> int:
        created = 0
        async with self.db.session() as session:
            cell = await self._cell(session, cell_id)
            for row in await MeetingRepository(session).rules(cell.id):
                created += (await generate(session, cell, row, now)).created
            await reminders.plan_gap_warnings(session, cell, now)
        return created

    # --- internals -----------------------------------------------------------------------
    async def _editable(
        self, session: AsyncSession, who: Membership, meeting_id: int, now: datetime
    ) -> Meeting:
        meeting = await self._meeting(session, meeting_id, for_update=True)
        if (
            meeting is None
            or meeting.cell_id != who.cell.id
            or meeting.status != MeetingStatus.SCHEDULED
        ):
            raise StaleAction("meeting_gone")
        if meeting.starts_at <= now:
            raise InvalidInput("meeting_started")
        return meeting

    @staticmethod
    async def _meeting(
        session: AsyncSession, meeting_id: int, *, for_update: bool = False
    ) -> Meeting | None:
        if not 0 < meeting_id <= MAX_KEY:
            return None
        return await MeetingRepository(session).get(meeting_id, for_update=for_update)

    @staticmethod
    async def _cell(session: AsyncSession, cell_id: int) -> Cell:
        cell = await CellRepository(session).get(cell_id)
        if cell is None:
            raise StaleAction("meeting_gone")
        return cell

    @staticmethod
    def _change(meeting: Meeting, notified: int) -> MeetingChange:
        info = MeetingInfo.of(meeting)
        warnings: tuple[str, ...] = ("short",) if info.too_short else ()
        return MeetingChange(info, warnings, notified)
