"""The committee's roll: choosing a meeting, opening check-in, recording who actually came
(by hand or everyone who said "yes" at once) and classifying absences.

Every committee change is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee
from bot.attendance.alerts import (
    ALERT_THRESHOLDS,
    AbsenceAlert,
    counting_member,
    plan_alert,
    unexcused_months,
)
from bot.attendance.common import AttendanceBase, entry_of, load_roll
from bot.attendance.views import Roll, RollEntry
from bot.errors import StaleAction
from bot.text_input import fold_for_matching
from bot.views import CellInfo, MeetingInfo, Membership
from storage.models import Attendance, AttendanceAnswer, Cell, Meeting, Member
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.panels import PanelRepository

ROLL_CHOICES = 4  # meetings offered on each side of now


def matching(entries: Sequence[RollEntry], query: str) -> list[RollEntry]:
    """The entries whose name holds every typed word, diacritics and case folded ("nguyen
    van", "Bình"), in roll order. Names where each word starts a part of the name win: "an"
    finds An and Anh, not every "Văn"; only when none does, any part of a name counts."""
    words = fold_for_matching(query).split()
    if not words:
        return []
    starts: list[RollEntry] = []
    inside: list[RollEntry] = []
    for entry in entries:
        name = fold_for_matching(entry.full_name)
        parts = name.split()
        if all(any(part.startswith(word) for part in parts) for word in words):
            starts.append(entry)
        elif all(word in name for word in words):
            inside.append(entry)
    return starts or inside


@dataclass(frozen=True)
class CheckinOpened:
    meeting: MeetingInfo
    cell: CellInfo
    already: bool


@dataclass(frozen=True)
class MarkResult:
    entry: RollEntry
    alert: AbsenceAlert | None = None


@dataclass(frozen=True)
class BulkMarkResult:
    """Those who said "✅ Có mặt" and had no actual attendance recorded, now marked present."""

    marked: tuple[str, ...]  # names, in roll order
    roll: Roll


class CommitteeRoll(AttendanceBase):
    async def roll(self, actor_telegram_id: int, meeting_id: int) -> Roll:
        async with self.db.session() as session:
            _, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            return await load_roll(session, meeting, cell)

    async def roll_meetings(self, actor_telegram_id: int) -> tuple[CellInfo, list[MeetingInfo]]:
        """Recent and upcoming meetings of the actor's cell (oldest first), for choosing."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            cell_id = actor.cell.id
            past = await AttendanceRepository(session).recent(cell_id, now, limit=ROLL_CHOICES)
            seen = {m.id for m in past}
            future = [
                m
                for m in await MeetingRepository(session).upcoming(cell_id, now, limit=8)
                if m.id not in seen
            ][:ROLL_CHOICES]
            return actor.cell, [MeetingInfo.of(m) for m in list(reversed(past)) + future]

    def default_meeting(self, meetings: list[MeetingInfo]) -> MeetingInfo | None:
        """The meeting the roll opens on: the one in progress or next, else the last one."""
        now = self.clock.now()
        for meeting in meetings:
            if not meeting.is_over(now):
                return meeting
        return meetings[-1] if meetings else None

    async def open_checkin(self, actor_telegram_id: int, meeting_id: int) -> CheckinOpened:
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            ref = MeetingInfo.of(meeting)
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

    async def _locked_target(
        self,
        session: AsyncSession,
        actor_telegram_id: int,
        meeting_id: int,
        member_id: int,
        now: datetime,
        *,
        early: timedelta,
    ) -> tuple[Membership, Meeting, Cell, Member, Attendance | None]:
        """The committee records one member's actual attendance of a started meeting: the checks,
        then the member's attendance locked and read."""
        actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
        self._check_started(MeetingInfo.of(meeting), now, early=early)
        member = await self._target(session, cell.id, member_id)
        repo = AttendanceRepository(session)
        await repo.lock_member(member.id)
        return actor, meeting, cell, member, await repo.get(meeting.id, member.id)

    async def mark_present(
        self, actor_telegram_id: int, meeting_id: int, member_id: int, present: bool
    ) -> MarkResult:
        """The committee records by hand whether a member actually attended."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell, member, before = await self._locked_target(
                session, actor_telegram_id, meeting_id, member_id, now, early=self.checkin_early
            )
            repo = AttendanceRepository(session)
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
            return MarkResult(entry_of(roll, member.id))

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
            self._check_started(MeetingInfo.of(meeting), now, early=self.checkin_early)
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
            actor, meeting, cell, member, before = await self._locked_target(
                session, actor_telegram_id, meeting_id, member_id, now, early=timedelta(0)
            )
            ref = MeetingInfo.of(meeting)
            repo = AttendanceRepository(session)
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
                    person, home_cell = await counting_member(session, member, cell)
                    alert = AbsenceAlert(
                        person.id,
                        person.full_name,
                        ref.starts_at.astimezone(ZoneInfo(cell.timezone)).year,
                        months,
                    )
                    await plan_alert(session, home_cell, alert, now)  # a visitor's own cell
            roll = await load_roll(session, meeting, cell)
            return MarkResult(entry_of(roll, member.id), alert)
