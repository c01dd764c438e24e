"""A member's own attendance: the one-tap answer (upserted), the absence reason, the self
check-in during the meeting — and the committee's answer on a member's behalf.

Every public method is one unit of work. A member answers only for meetings of their own
cell, before the cutoff; the committee acts only on their own cell's meetings and members,
and every committee change is written to the audit log. ``AttendanceService`` is the one
entry point: it also carries the committee's roll and the nudges.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_meeting_member
from bot.attendance.alerts import Nudges
from bot.attendance.messages import CONFIRM_KIND
from bot.attendance.roll import CommitteeRoll
from bot.attendance.views import REASON_CODES
from bot.errors import StaleAction
from bot.text_input import clean_text
from bot.texts import attendance as ta
from bot.views import CellInfo, MeetingInfo
from storage.models import Attendance, AttendanceAnswer, MemberState
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.panels import PanelRepository


@dataclass(frozen=True)
class AnswerResult:
    meeting: MeetingInfo
    cell: CellInfo
    member_id: int
    member_name: str
    answer: AttendanceAnswer | None
    reason_code: str | None
    reason_text: str | None
    revision: int  # of the answer: the reason menu of an "absent" answer carries it
    changed: bool
    can_dm: bool
    confirming: bool = False  # a private confirmation is planned (or pending) in the outbox


@dataclass(frozen=True, slots=True)
class _Presser:
    """The member a write is for, as the result reports them."""

    id: int
    full_name: str
    can_dm: bool


@dataclass(frozen=True, slots=True)
class _Before:
    """The stored answer a write compares with: from the tap's Core row (its id is
    ``stored_id``) or from the committee's ORM row."""

    id: int
    answer: str | None
    reason_code: str | None
    reason_text: str | None
    answered_by_member_id: int | None
    answer_update_id: int | None
    answer_revision: int
    present: bool | None

    @classmethod
    def of(cls, row: Attendance | Row[Any], row_id: int) -> _Before:
        return cls(
            row_id,
            row.answer,
            row.reason_code,
            row.reason_text,
            row.answered_by_member_id,
            row.answer_update_id,
            row.answer_revision,
            row.present,
        )


@dataclass(frozen=True)
class _Stored:
    """The answer as it is stored once a write is done (what the result reports)."""

    changed: bool
    answer: AttendanceAnswer | None
    reason_code: str | None
    reason_text: str | None
    revision: int

    @classmethod
    def of(cls, row: _Before) -> _Stored:
        answer = AttendanceAnswer(row.answer) if row.answer else None
        return cls(False, answer, row.reason_code, row.reason_text, row.answer_revision)


def _is_newer(update_id: int | None, stored: int | None) -> bool:
    """Whether an update may overwrite an answer set by update ``stored`` (Telegram numbers
    updates in the order it sent them; None: not from an update, e.g. the command line)."""
    return update_id is None or stored is None or update_id >= stored


class AttendanceService(CommitteeRoll, Nudges):
    async def _as_member(
        self, session: AsyncSession, telegram_id: int, meeting_id: int
    ) -> tuple[MeetingInfo, _Presser, CellInfo, _Before | None]:
        """The meeting, the presser's membership in the meeting's own cell (locked, so one
        member's writes take turns) and their stored row, in one round trip where it can be
        (a tap's cost is mostly its round trips), read as Core rows (no ORM load: CPU is the
        tap storm's limit, issue #13). Refusals are explained by the one check,
        ``require_meeting_member``."""
        found = await AttendanceRepository(session).answering(meeting_id, telegram_id)
        if found is None:
            await require_meeting_member(session, telegram_id, meeting_id, other_cell="other_cell")
            raise StaleAction("meeting_gone")  # it was there after all: a race, tap again
        row, stored = found
        cell = CellInfo(
            row.cell_id, row.cell_name, row.cell_timezone, row.group_chat_id, row.parent_committee
        )
        presser = _Presser(row.member_id, row.member_name, row.can_dm)
        before = None if stored is None else _Before.of(stored, stored.stored_id)
        return MeetingInfo.of(row), presser, cell, before

    @staticmethod
    def _result(
        meeting: MeetingInfo, member: _Presser, cell: CellInfo, stored: _Stored
    ) -> AnswerResult:
        return AnswerResult(
            meeting=meeting,
            cell=cell,
            member_id=member.id,
            member_name=member.full_name,
            answer=stored.answer,
            reason_code=stored.reason_code,
            reason_text=stored.reason_text,
            revision=stored.revision,
            changed=stored.changed,
            can_dm=member.can_dm,
        )

    @staticmethod
    async def _locked_row(session: AsyncSession, meeting_id: int, member_id: int) -> _Before | None:
        """The member's row for the meeting, read under the member's lock."""
        repo = AttendanceRepository(session)
        await repo.lock_member(member_id)
        row = await repo.get(meeting_id, member_id)
        return None if row is None else _Before.of(row, row.id)

    async def _write_answer(
        self,
        session: AsyncSession,
        meeting_id: int,
        member_id: int,
        before: _Before | None,
        answer: AttendanceAnswer,
        *,
        by_member_id: int,
        update_id: int | None,
        reason_code: str | None = None,
        reason_text: str | None = None,
        keep_reason: bool = True,
        is_reason: bool = False,
        reason_for: int | None = None,
    ) -> _Stored:
        """Upsert the answer over ``before`` (read under the member's lock); reports whether
        anything changed. Reasons only go with "no".

        ``update_id`` is the Telegram update that asked for it: an older update than the one
        that set the stored answer changes nothing (StaleAction "answer_superseded"). A
        reason (``reason_for`` = the revision of the "absent" answer its menu came from)
        (-1: a menu from before menus carried it) applies only while that answer is still the
        current one. A reason keeps the revision of its "absent" answer; any other change
        starts a new one.
        """
        repo = AttendanceRepository(session)
        if before is not None and not _is_newer(update_id, before.answer_update_id):
            raise StaleAction("answer_superseded")
        if reason_for is not None and (
            before is None
            or before.answer != AttendanceAnswer.NO
            or (reason_for >= 0 and before.answer_revision != reason_for)
        ):
            raise StaleAction("reason_stale")
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
            if update_id is not None:  # the same answer, from a newer tap: remember it
                await repo.advance_update_id(before.id, update_id)
            return _Stored.of(before)
        revision = before.answer_revision if before is not None else 0
        if not (is_reason and before is not None and before.answer == AttendanceAnswer.NO):
            revision += 1
        stored = await repo.upsert_answer(
            meeting_id,
            member_id,
            now,
            update_id=update_id,
            answer=answer,
            reason_code=reason_code,
            reason_text=reason_text,
            answered_at=now,
            answered_by_member_id=by_member_id,
            answer_revision=revision,
        )
        if not stored:  # a newer update got there between our read and our write
            raise StaleAction("answer_superseded")
        return _Stored(True, answer, reason_code, reason_text, revision)

    @staticmethod
    async def _panel_follows(
        session: AsyncSession, meeting_id: int, cell_id: int, stored: _Stored
    ) -> None:
        """Mark the group panel for a redraw after a change: the last statement of the unit of
        work, because on PostgreSQL it locks the panel's row until the commit, and every
        tap on the meeting waits for that lock."""
        if stored.changed:
            await PanelRepository(session).mark_dirty(meeting_id, cell_id)

    # -- a member's own answer ------------------------------------------------------------
    async def answer(
        self,
        telegram_id: int,
        meeting_id: int,
        answer: AttendanceAnswer,
        *,
        update_id: int | None = None,
        in_private: bool = False,
    ) -> AnswerResult:
        """The member's tap. A change plans their private confirmation (when the bot can
        write to them, or the tap came in the private chat): one pending row per member and
        meeting, rendered with the answer stored at send time, so quick taps coalesce."""
        async with self.db.session() as session:
            meeting, member, cell, before = await self._as_member(session, telegram_id, meeting_id)
            now = self.clock.now()
            self._check_open(meeting, now)
            stored = await self._write_answer(
                session,
                meeting.id,
                member.id,
                before,
                answer,
                by_member_id=member.id,
                update_id=update_id,
            )
            result = self._result(meeting, member, cell, stored)
            if stored.changed and (in_private or member.can_dm):
                await OutboxRepository(session).plan_unless_pending(
                    {
                        "cell_id": cell.id,
                        "kind": CONFIRM_KIND,
                        "dedupe_key": f"conf:{meeting.id}:{member.id}:{result.revision}",
                        "chat_id": telegram_id,
                        "member_id": member.id,
                        "meeting_id": meeting.id,
                        "due_at": now,
                    }
                )
                result = replace(result, confirming=True)
            await self._panel_follows(session, meeting.id, cell.id, stored)
            return result

    async def set_reason(
        self,
        telegram_id: int,
        meeting_id: int,
        code: str,
        text: str | None = None,
        *,
        revision: int | None = None,
        update_id: int | None = None,
    ) -> AnswerResult:
        """An absence reason; choosing one also records the answer "absent". ``revision``:
        the one the reason menu came from; the reason then applies only to that answer."""
        if code not in REASON_CODES:
            raise StaleAction()
        if text is not None:
            text = clean_text(
                text, limit=ta.REASON_LIMIT, empty_key="reason_empty", long_key="reason_too_long"
            )
        async with self.db.session() as session:
            meeting, member, cell, before = await self._as_member(session, telegram_id, meeting_id)
            self._check_open(meeting, self.clock.now())
            stored = await self._write_answer(
                session,
                meeting.id,
                member.id,
                before,
                AttendanceAnswer.NO,
                by_member_id=member.id,
                update_id=update_id,
                reason_code=code,
                reason_text=text,
                keep_reason=False,
                is_reason=True,
                reason_for=revision,
            )
            await self._panel_follows(session, meeting.id, cell.id, stored)
            return self._result(meeting, member, cell, stored)

    # -- the committee, for a member ------------------------------------------------------
    async def answer_for(
        self,
        actor_telegram_id: int,
        meeting_id: int,
        member_id: int,
        answer: AttendanceAnswer,
        reason_code: str | None = None,
        *,
        update_id: int | None = None,
    ) -> AnswerResult:
        """The committee answers for a member (e.g. one without Telegram), marked as such."""
        if reason_code is not None and reason_code not in REASON_CODES:
            raise StaleAction()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(session, actor_telegram_id, meeting_id)
            if MeetingInfo.of(meeting).cancelled:
                raise StaleAction("meeting_cancelled")
            if MeetingInfo.of(meeting).is_over(self.clock.now()):
                raise StaleAction("meeting_over")
            member = await self._target(session, cell.id, member_id)
            if member.state != MemberState.ACTIVE:
                raise StaleAction("member_gone")
            stored = await self._write_answer(
                session,
                meeting.id,
                member.id,
                await self._locked_row(session, meeting.id, member.id),
                answer,
                by_member_id=actor.member.id,
                update_id=update_id,
                reason_code=reason_code,
                keep_reason=reason_code is None,
            )
            if stored.changed:
                await AuditRepository(session).record(
                    cell.id,
                    "attendance_answered_for",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                    meeting_id=meeting.id,
                    details={"answer": answer.value, "reason": reason_code},
                )
            await self._panel_follows(session, meeting.id, cell.id, stored)
            presser = _Presser(member.id, member.full_name, member.can_dm)
            return self._result(MeetingInfo.of(meeting), presser, CellInfo.of(cell), stored)

    async def check_in(self, telegram_id: int, meeting_id: int) -> bool:
        """A member says "I am here" during the meeting; True if newly recorded."""
        now = self.clock.now()
        async with self.db.session() as session:
            meeting, member, cell, before = await self._as_member(session, telegram_id, meeting_id)
            panel = await PanelRepository(session).get(meeting.id)
            if (
                meeting.cancelled
                or panel is None
                or panel.checkin_opened_at is None
                or now > meeting.ends_at + self.checkin_late
            ):
                raise StaleAction("checkin_closed")
            if before is not None and before.present is True:
                return False
            await AttendanceRepository(session).upsert(
                meeting.id, member.id, now, present=True, absence_excused=None
            )
            await AuditRepository(session).record(
                cell.id,
                "checked_in",
                actor_member_id=member.id,
                target_member_id=member.id,
                meeting_id=meeting.id,
            )
            return True
