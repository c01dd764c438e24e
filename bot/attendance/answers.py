"""Attendance: members' answers (one tap, upserted), absence reasons, proxy answers by the
committee, check-in and the actual attendance, classification of absences, nudges.

Every public method is one unit of work. A member answers only for meetings of their own
cell, before the cutoff; the committee acts only on their own cell's meetings and members,
and every committee change is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import find_membership, require_committee
from bot.attendance.buttons import attendance_buttons
from bot.attendance.views import REASON_CODES, MeetingRef, Roll, RollEntry, Tally
from bot.clock import Clock
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.errors import NotAMember, StaleAction
from bot.text_input import clean_text
from bot.texts import attendance as ta
from bot.texts.common import fmt
from bot.views import CellInfo, Membership
from storage.db import Database
from storage.models import (
    Attendance,
    AttendanceAnswer,
    AuditEntry,
    Cell,
    Meeting,
    Member,
    MemberState,
    OutboxMessage,
    PartyStatus,
)
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.panels import PanelRepository

NUDGE_KIND = "nudge"
ABSENCE_ALERT_KIND = "absence_alert"
ALERT_THRESHOLDS = (2, 3)  # months with an absence without reason in one calendar year


@dataclass(frozen=True)
class AnswerResult:
    meeting: MeetingRef
    cell: CellInfo
    member_id: int
    member_name: str
    answer: AttendanceAnswer | None
    reason_code: str | None
    reason_text: str | None
    changed: bool
    can_dm: bool


@dataclass(frozen=True)
class NudgeResult:
    meeting: MeetingRef
    planned: int
    recipients: tuple[str, ...]  # names of those who will get the nudge
    unreachable: tuple[str, ...]  # not answered, but the bot cannot write to them


@dataclass(frozen=True)
class CheckinOpened:
    meeting: MeetingRef
    cell: CellInfo
    already: bool


@dataclass(frozen=True)
class AbsenceAlert:
    """A member reached 2 or 3 months with an absence without reason in a calendar year."""

    member_id: int
    member_name: str
    year: int
    months: tuple[int, ...]

    def text(self) -> str:
        return fmt(
            ta.ABSENCE_ALERT,
            year=self.year,
            name=self.member_name,
            months=len(self.months),
            month_list=", ".join(f"tháng {m}" for m in self.months),
        )


@dataclass(frozen=True)
class MarkResult:
    entry: RollEntry
    alert: AbsenceAlert | None = None


@dataclass(frozen=True)
class BulkMarkResult:
    """Those who said "✅ Có mặt" and had no actual attendance recorded, now marked present."""

    marked: tuple[str, ...]  # names, in roll order
    roll: Roll


def roll_entry(member: Member, row: Attendance | None, names: dict[int, str]) -> RollEntry:
    proxy = None
    if row is not None and row.answered_by_member_id not in (None, member.id):
        proxy = names.get(row.answered_by_member_id or 0, "chi ủy")
    return RollEntry(
        member_id=member.id,
        full_name=member.full_name,
        party_status=PartyStatus(member.party_status),
        active=member.state == MemberState.ACTIVE,
        has_telegram=member.telegram_id is not None,
        can_dm=member.can_dm,
        answer=AttendanceAnswer(row.answer) if row is not None and row.answer else None,
        reason_code=row.reason_code if row else None,
        reason_text=row.reason_text if row else None,
        answered_at=row.answered_at if row else None,
        proxy_name=proxy,
        present=row.present if row else None,
        absence_excused=row.absence_excused if row else None,
    )


async def load_roll(session: AsyncSession, meeting: Meeting, cell: Cell) -> Roll:
    repo = AttendanceRepository(session)
    members = await repo.roll_members(cell.id, meeting.id)
    names = {m.id: m.full_name for m in members}
    rows = {row.member_id: row for row in await repo.for_meeting(meeting.id)}
    missing = {r.answered_by_member_id for r in rows.values()} - set(names) - {None}
    for member_id in missing:
        other = await MemberRepository(session).get(member_id or 0)
        if other is not None:
            names[other.id] = other.full_name
    panel = await PanelRepository(session).get(meeting.id)
    return Roll(
        meeting=MeetingRef.of(meeting),
        cell_name=cell.name,
        parent_committee=cell.parent_committee,
        timezone=cell.timezone,
        entries=tuple(roll_entry(m, rows.get(m.id), names) for m in members),
        checkin_open=panel is not None and panel.checkin_opened_at is not None,
    )


async def tally(session: AsyncSession, meeting: Meeting) -> Tally:
    cell = await CellRepository(session).get(meeting.cell_id)
    assert cell is not None
    roll = await load_roll(session, meeting, cell)
    active = Roll(
        roll.meeting,
        roll.cell_name,
        roll.parent_committee,
        roll.timezone,
        tuple(e for e in roll.entries if e.active),
        roll.checkin_open,
    )
    return active.tally


class AttendanceService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        cutoff_before_start: timedelta = timedelta(0),
        checkin_early: timedelta = timedelta(hours=1),
        checkin_late: timedelta = timedelta(hours=1),
        nudge_gap: timedelta = timedelta(minutes=10),
    ) -> None:
        self.db = db
        self.clock = clock
        self.cutoff_before_start = cutoff_before_start
        self.checkin_early = checkin_early
        self.checkin_late = checkin_late
        self.nudge_gap = nudge_gap

    # -- helpers --------------------------------------------------------------------------
    def cutoff(self, meeting: MeetingRef | Meeting) -> datetime:
        return meeting.starts_at - self.cutoff_before_start

    async def _as_member(
        self, session: AsyncSession, telegram_id: int, meeting_id: int
    ) -> tuple[Meeting, Member, Cell]:
        """The meeting and the presser's membership in the meeting's own cell."""
        meeting = await AttendanceRepository(session).meeting(meeting_id)
        member = None
        if meeting is not None:
            member = await MemberRepository(session).in_cell(meeting.cell_id, telegram_id)
        if meeting is None or member is None or member.state != MemberState.ACTIVE:
            if await find_membership(session, telegram_id) is None:
                raise NotAMember()
            raise StaleAction("other_cell" if meeting is not None else "meeting_gone")
        cell = await CellRepository(session).get(meeting.cell_id)
        assert cell is not None
        return meeting, member, cell

    async def _as_committee(
        self, session: AsyncSession, telegram_id: int, meeting_id: int, *, lock: bool = False
    ) -> tuple[Membership, Meeting, Cell]:
        actor = await require_committee(session, telegram_id)
        meeting = await AttendanceRepository(session).meeting(meeting_id, for_update=lock)
        if meeting is None or meeting.cell_id != actor.cell.id:
            raise StaleAction("meeting_gone")
        cell = await CellRepository(session).get(meeting.cell_id)
        assert cell is not None
        return actor, meeting, cell

    async def _target(self, session: AsyncSession, cell_id: int, member_id: int) -> Member:
        member = await MemberRepository(session).get(member_id)
        if member is None or member.cell_id != cell_id:
            raise StaleAction("member_gone")
        return member

    def _check_open(self, meeting: Meeting, now: datetime) -> None:
        if MeetingRef.of(meeting).cancelled:
            raise StaleAction("meeting_cancelled")
        if now >= self.cutoff(meeting):
            raise StaleAction("answers_closed")

    async def _result(
        self, session: AsyncSession, meeting: Meeting, member: Member, cell: Cell, changed: bool
    ) -> AnswerResult:
        row = await AttendanceRepository(session).get(meeting.id, member.id)
        return AnswerResult(
            meeting=MeetingRef.of(meeting),
            cell=CellInfo.of(cell),
            member_id=member.id,
            member_name=member.full_name,
            answer=AttendanceAnswer(row.answer) if row and row.answer else None,
            reason_code=row.reason_code if row else None,
            reason_text=row.reason_text if row else None,
            changed=changed,
            can_dm=member.can_dm,
        )

    async def _write_answer(
        self,
        session: AsyncSession,
        meeting: Meeting,
        member: Member,
        answer: AttendanceAnswer,
        *,
        by_member_id: int,
        reason_code: str | None = None,
        reason_text: str | None = None,
        keep_reason: bool = True,
    ) -> bool:
        """Upsert the answer; True if anything changed. Reasons only go with "no"."""
        repo = AttendanceRepository(session)
        await repo.lock_member(member.id)
        before = await repo.get(meeting.id, member.id)
        now = self.clock.now()
        if answer is AttendanceAnswer.NO and keep_reason and reason_code is None and before:
            reason_code, reason_text = before.reason_code, before.reason_text
        if answer is not AttendanceAnswer.NO:
            reason_code = reason_text = None
        if (
            before is not None
            and before.answer == answer
            and before.reason_code == reason_code
            and before.reason_text == reason_text
            and before.answered_by_member_id == by_member_id
        ):
            return False
        await repo.upsert(
            meeting.id,
            member.id,
            now,
            answer=answer,
            reason_code=reason_code,
            reason_text=reason_text,
            answered_at=now,
            answered_by_member_id=by_member_id,
        )
        await PanelRepository(session).mark_dirty(meeting.id, meeting.cell_id)
        return True

    # -- a member's own answer ------------------------------------------------------------
    async def answer(
        self, telegram_id: int, meeting_id: int, answer: AttendanceAnswer
    ) -> AnswerResult:
        async with self.db.session() as session:
            meeting, member, cell = await self._as_member(session, telegram_id, meeting_id)
            self._check_open(meeting, self.clock.now())
            changed = await self._write_answer(
                session, meeting, member, answer, by_member_id=member.id
            )
            return await self._result(session, meeting, member, cell, changed)

    async def set_reason(
        self, telegram_id: int, meeting_id: int, code: str, text: str | None = None
    ) -> AnswerResult:
        """An absence reason; choosing one also records the answer "absent"."""
        if code not in REASON_CODES:
            raise StaleAction()
        if text is not None:
            text = clean_text(
                text, limit=ta.REASON_LIMIT, empty_key="reason_empty", long_key="reason_too_long"
            )
        async with self.db.session() as session:
            meeting, member, cell = await self._as_member(session, telegram_id, meeting_id)
            self._check_open(meeting, self.clock.now())
            changed = await self._write_answer(
                session,
                meeting,
                member,
                AttendanceAnswer.NO,
                by_member_id=member.id,
                reason_code=code,
                reason_text=text,
                keep_reason=False,
            )
            return await self._result(session, meeting, member, cell, changed)

    # -- the committee ----------------------------------------------------------------------
    async def answer_for(
        self,
        actor_telegram_id: int,
        meeting_id: int,
        member_id: int,
        answer: AttendanceAnswer,
        reason_code: str | None = None,
    ) -> AnswerResult:
        """The committee answers for a member (e.g. one without Telegram), marked as such."""
        if reason_code is not None and reason_code not in REASON_CODES:
            raise StaleAction()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            if MeetingRef.of(meeting).cancelled:
                raise StaleAction("meeting_cancelled")
            if MeetingRef.of(meeting).is_over(self.clock.now()):
                raise StaleAction("meeting_over")
            member = await self._target(session, cell.id, member_id)
            if member.state != MemberState.ACTIVE:
                raise StaleAction("member_gone")
            changed = await self._write_answer(
                session,
                meeting,
                member,
                answer,
                by_member_id=actor.member.id,
                reason_code=reason_code,
                keep_reason=reason_code is None,
            )
            if changed:
                await AuditRepository(session).record(
                    cell.id,
                    "attendance_answered_for",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                    meeting_id=meeting.id,
                    details={"answer": answer.value, "reason": reason_code},
                )
            return await self._result(session, meeting, member, cell, changed)

    async def roll(self, actor_telegram_id: int, meeting_id: int) -> Roll:
        async with self.db.session() as session:
            _, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            return await load_roll(session, meeting, cell)

    async def roll_meetings(self, actor_telegram_id: int) -> tuple[CellInfo, list[MeetingRef]]:
        """Recent and upcoming meetings of the actor's cell (newest last), for choosing."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            repo = AttendanceRepository(session)
            past = list(reversed(await repo.recent(actor.cell.id, now, limit=4)))
            future = await repo.upcoming(actor.cell.id, now, limit=4)
            return actor.cell, [MeetingRef.of(m) for m in past + future]

    def default_meeting(self, meetings: list[MeetingRef]) -> MeetingRef | None:
        """The meeting the roll opens on: the one in progress or next, else the last one."""
        now = self.clock.now()
        for meeting in meetings:
            if not meeting.is_over(now):
                return meeting
        return meetings[-1] if meetings else None

    async def nudge(self, actor_telegram_id: int, meeting_id: int) -> NudgeResult:
        """Plan one private reminder to each member who has not answered (DB outbox)."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(
                session, actor_telegram_id, meeting_id, lock=True
            )
            self._check_open(meeting, now)
            previous = list(
                await session.scalars(
                    select(AuditEntry.created_at).where(
                        AuditEntry.meeting_id == meeting.id, AuditEntry.action == "nudge_sent"
                    )
                )
            )
            if any(at > now - self.nudge_gap for at in previous):
                raise StaleAction("nudge_recent")
            round_no = len(previous) + 1
            roll = await load_roll(session, meeting, cell)
            silent = [e for e in roll.entries if e.active and e.answer is None]
            reachable = [e for e in silent if e.has_telegram and e.can_dm]
            members = {m.id: m for m in await MemberRepository(session).in_states(cell.id)}
            rows: list[dict[str, Any]] = [
                {
                    "cell_id": cell.id,
                    "kind": NUDGE_KIND,
                    "dedupe_key": f"nudge:{meeting.id}:{e.member_id}:m{round_no}",
                    "chat_id": members[e.member_id].telegram_id,
                    "member_id": e.member_id,
                    "meeting_id": meeting.id,
                    "payload": {"round": round_no, "by": actor.member.id},
                    "due_at": now,
                }
                for e in reachable
            ]
            planned = await OutboxRepository(session).plan(rows)
            entry = await AuditRepository(session).record(
                cell.id,
                "nudge_sent",
                actor_member_id=actor.member.id,
                meeting_id=meeting.id,
                details={"round": round_no, "planned": planned},
            )
            entry.created_at = now  # the gap between nudges is measured on the service clock
            return NudgeResult(
                MeetingRef.of(meeting),
                planned,
                tuple(e.full_name for e in reachable),
                tuple(e.full_name for e in silent if not (e.has_telegram and e.can_dm)),
            )

    # -- check-in and actual attendance -----------------------------------------------------
    async def open_checkin(self, actor_telegram_id: int, meeting_id: int) -> CheckinOpened:
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            ref = MeetingRef.of(meeting)
            if ref.cancelled:
                raise StaleAction("meeting_cancelled")
            if now < ref.starts_at - self.checkin_early:
                raise StaleAction("checkin_too_early")
            if now > ref.ends_at + self.checkin_late:
                raise StaleAction("meeting_over")
            panels = PanelRepository(session)
            panel = await panels.get(meeting.id)
            if panel is None:
                await panels.mark_dirty(meeting.id, cell.id)
                panel = await panels.get(meeting.id)
                assert panel is not None
            already = panel.checkin_opened_at is not None
            if not already:
                panel.checkin_opened_at = now
                panel.checkin_opened_by_member_id = actor.member.id
                await AuditRepository(session).record(
                    cell.id,
                    "checkin_opened",
                    actor_member_id=actor.member.id,
                    meeting_id=meeting.id,
                )
            return CheckinOpened(ref, CellInfo.of(cell), already)

    async def check_in(self, telegram_id: int, meeting_id: int) -> bool:
        """A member says "I am here" during the meeting; True if newly recorded."""
        now = self.clock.now()
        async with self.db.session() as session:
            meeting, member, cell = await self._as_member(session, telegram_id, meeting_id)
            ref = MeetingRef.of(meeting)
            panel = await PanelRepository(session).get(meeting.id)
            if (
                ref.cancelled
                or panel is None
                or panel.checkin_opened_at is None
                or now > ref.ends_at + self.checkin_late
            ):
                raise StaleAction("checkin_closed")
            repo = AttendanceRepository(session)
            await repo.lock_member(member.id)
            before = await repo.get(meeting.id, member.id)
            if before is not None and before.present is True:
                return False
            await repo.upsert(meeting.id, member.id, now, present=True, absence_excused=None)
            await AuditRepository(session).record(
                cell.id,
                "checked_in",
                actor_member_id=member.id,
                target_member_id=member.id,
                meeting_id=meeting.id,
            )
            return True

    async def mark_present(
        self, actor_telegram_id: int, meeting_id: int, member_id: int, present: bool
    ) -> MarkResult:
        """The committee records by hand whether a member actually attended."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            ref = MeetingRef.of(meeting)
            if ref.cancelled:
                raise StaleAction("meeting_cancelled")
            if now < ref.starts_at - self.checkin_early:
                raise StaleAction("not_started")
            member = await self._target(session, cell.id, member_id)
            repo = AttendanceRepository(session)
            await repo.lock_member(member.id)
            before = await repo.get(meeting.id, member.id)
            old_present = before.present if before else None
            if old_present is not present:
                await repo.upsert(meeting.id, member.id, now, present=present, absence_excused=None)
                await AuditRepository(session).record(
                    cell.id,
                    "attendance_marked",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                    meeting_id=meeting.id,
                    details={"from": old_present, "to": present},
                )
            roll = await load_roll(session, meeting, cell)
            return MarkResult(_entry(roll, member.id))

    async def mark_expected_present(
        self, actor_telegram_id: int, meeting_id: int
    ) -> BulkMarkResult:
        """Mark present everyone active who answered "yes" and has nothing recorded yet.

        What was recorded already (a check-in, an absence marked by hand) is left alone, so a
        second tap marks no one. Each member marked gets their own audit entry.
        """
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(
                session, actor_telegram_id, meeting_id, lock=True
            )
            ref = MeetingRef.of(meeting)
            if ref.cancelled:
                raise StaleAction("meeting_cancelled")
            if now < ref.starts_at - self.checkin_early:
                raise StaleAction("not_started")
            repo = AttendanceRepository(session)
            audit = AuditRepository(session)
            before = await load_roll(session, meeting, cell)
            marked: list[str] = []
            for entry in before.entries:
                if entry.present is not None or not entry.active:
                    continue
                if entry.answer is not AttendanceAnswer.YES:
                    continue
                await repo.lock_member(entry.member_id)
                row = await repo.get(meeting.id, entry.member_id)
                if row is None or row.present is not None:
                    continue  # recorded meanwhile (a check-in, a mark by hand)
                await repo.upsert(
                    meeting.id, entry.member_id, now, present=True, absence_excused=None
                )
                await audit.record(
                    cell.id,
                    "attendance_marked",
                    actor_member_id=actor.member.id,
                    target_member_id=entry.member_id,
                    meeting_id=meeting.id,
                    details={"from": None, "to": True, "all_yes": True},
                )
                marked.append(entry.full_name)
            roll = await load_roll(session, meeting, cell)
            return BulkMarkResult(tuple(marked), roll)

    async def classify_absence(
        self, actor_telegram_id: int, meeting_id: int, member_id: int, excused: bool
    ) -> MarkResult:
        """Vắng có lý do / không có lý do. May raise a private prompt for the committee."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            ref = MeetingRef.of(meeting)
            if ref.cancelled:
                raise StaleAction("meeting_cancelled")
            if now < ref.starts_at:
                raise StaleAction("not_started")
            member = await self._target(session, cell.id, member_id)
            repo = AttendanceRepository(session)
            await repo.lock_member(member.id)
            before = await repo.get(meeting.id, member.id)
            if before is not None and before.present is True:
                raise StaleAction("was_present")
            old = before.absence_excused if before else None
            alert = None
            if old is not excused or before is None or before.present is None:
                months_before = await unexcused_months(session, member.id, ref, cell)
                await repo.upsert(
                    meeting.id, member.id, now, present=False, absence_excused=excused
                )
                await AuditRepository(session).record(
                    cell.id,
                    "absence_classified",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                    meeting_id=meeting.id,
                    details={"from": old, "to": excused},
                )
                months = await unexcused_months(session, member.id, ref, cell)
                if len(months) in ALERT_THRESHOLDS and len(months) > len(months_before):
                    alert = AbsenceAlert(
                        member.id,
                        member.full_name,
                        ref.starts_at.astimezone(ZoneInfo(cell.timezone)).year,
                        months,
                    )
                    await _plan_alert(session, cell, alert, now)
            roll = await load_roll(session, meeting, cell)
            return MarkResult(_entry(roll, member.id), alert)


def _entry(roll: Roll, member_id: int) -> RollEntry:
    return next(e for e in roll.entries if e.member_id == member_id)


async def unexcused_months(
    session: AsyncSession, member_id: int, meeting: MeetingRef, cell: Cell
) -> tuple[int, ...]:
    """Months of the meeting's calendar year (cell time) with an absence without reason."""
    tz = ZoneInfo(cell.timezone)
    year = meeting.starts_at.astimezone(tz).year
    start = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    query = (
        select(Meeting.starts_at)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(
            Attendance.member_id == member_id,
            Attendance.present.is_(False),
            Attendance.absence_excused.is_(False),
            Meeting.status != "cancelled",
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
    )
    months = {at.astimezone(tz).month for at in await session.scalars(query)}
    return tuple(sorted(months))


async def _plan_alert(
    session: AsyncSession, cell: Cell, alert: AbsenceAlert, now: datetime
) -> None:
    committee = await MemberRepository(session).committee(cell.id)
    rows: list[dict[str, Any]] = [
        {
            "cell_id": cell.id,
            "kind": ABSENCE_ALERT_KIND,
            "dedupe_key": (
                f"absence_alert:{alert.member_id}:{alert.year}:{len(alert.months)}:{m.id}"
            ),
            "chat_id": m.telegram_id,
            "member_id": m.id,
            "meeting_id": None,
            "payload": {
                "member_id": alert.member_id,
                "name": alert.member_name,
                "year": alert.year,
                "months": list(alert.months),
            },
            "due_at": now,
        }
        for m in committee
        if m.telegram_id is not None
    ]
    await OutboxRepository(session).plan(rows)


# -- outbox renderers (called at send time by the outbox worker) ------------------------------
async def render_nudge(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    """ "You haven't answered yet" — or nothing, if that is no longer true."""
    if row.meeting_id is None or row.member_id is None:
        return None
    meeting = await AttendanceRepository(session).meeting(row.meeting_id)
    member = await MemberRepository(session).get(row.member_id)
    if meeting is None or member is None or member.state != MemberState.ACTIVE:
        return None
    if MeetingRef.of(meeting).cancelled or now >= meeting.starts_at:
        return None
    answered = await AttendanceRepository(session).get(meeting.id, member.id)
    if answered is not None and answered.answer is not None:
        return None
    cell = await CellRepository(session).get(meeting.cell_id)
    assert cell is not None
    tz = ZoneInfo(cell.timezone)
    place = fmt(ta.PLACE_SUFFIX, place=meeting.place) if meeting.place else ""
    text = fmt(
        ta.NUDGE,
        meeting=ta.meeting_title(MeetingRef.of(meeting).kind, meeting.starts_at, tz),
        place=place,
    )
    return OutgoingMessage(text, attendance_buttons(meeting.id, with_comment=True))


async def render_absence_alert(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    payload = row.payload or {}
    member = await MemberRepository(session).get(int(payload.get("member_id", 0)))
    if member is None:
        return None
    months = tuple(int(m) for m in payload.get("months", []))
    alert = AbsenceAlert(member.id, member.full_name, int(payload.get("year", 0)), months)
    return OutgoingMessage(alert.text())


RENDERERS: dict[str, Renderer] = {
    NUDGE_KIND: render_nudge,
    ABSENCE_ALERT_KIND: render_absence_alert,
}
