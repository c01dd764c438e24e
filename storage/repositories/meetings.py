"""Queries about meetings, their recurrence rules and the answers members gave."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Attendance,
    AttendanceAnswer,
    Meeting,
    MeetingKind,
    MeetingRule,
    MeetingStatus,
    Member,
)

MAX_MEETING_LENGTH = timedelta(hours=12)


class MeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        await self.session.flush()
        return meeting

    async def get(self, meeting_id: int, *, for_update: bool = False) -> Meeting | None:
        query = select(Meeting).where(Meeting.id == meeting_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def upcoming(
        self,
        cell_id: int,
        now: datetime,
        *,
        limit: int = 10,
        kinds: Sequence[MeetingKind] | None = None,
        until: datetime | None = None,
    ) -> list[Meeting]:
        """Scheduled meetings that have not ended yet, soonest first."""
        query = select(Meeting).where(
            Meeting.cell_id == cell_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now - MAX_MEETING_LENGTH,
        )
        if kinds is not None:
            query = query.where(Meeting.kind.in_(kinds))
        if until is not None:
            query = query.where(Meeting.starts_at < until)
        rows = await self.session.scalars(query.order_by(Meeting.starts_at, Meeting.id))
        running = [m for m in rows if m.starts_at + timedelta(minutes=m.duration_minutes) > now]
        return running[:limit]

    async def all_scheduled_after(self, now: datetime, until: datetime) -> list[Meeting]:
        query = select(Meeting).where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
            Meeting.starts_at < until,
        )
        return list(await self.session.scalars(query.order_by(Meeting.starts_at)))

    async def in_range(
        self, cell_id: int, start: datetime, end: datetime, *, scheduled_only: bool = True
    ) -> list[Meeting]:
        query = select(Meeting).where(
            Meeting.cell_id == cell_id, Meeting.starts_at >= start, Meeting.starts_at < end
        )
        if scheduled_only:
            query = query.where(Meeting.status != MeetingStatus.CANCELLED)
        return list(await self.session.scalars(query.order_by(Meeting.starts_at)))

    async def occurrence_keys(self, cell_id: int, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        query = select(Meeting.occurrence_key).where(
            Meeting.cell_id == cell_id, Meeting.occurrence_key.in_(keys)
        )
        return {key for key in await self.session.scalars(query) if key}

    async def generated_future(
        self, cell_id: int, kind: MeetingKind, now: datetime
    ) -> list[Meeting]:
        """Future occurrences a rule generated and nobody edited by hand."""
        query = select(Meeting).where(
            Meeting.cell_id == cell_id,
            Meeting.kind == kind,
            Meeting.occurrence_key.is_not(None),
            Meeting.detached.is_(False),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
        )
        return list(await self.session.scalars(query))

    # --- rules ---------------------------------------------------------------------------
    async def rules(self, cell_id: int) -> list[MeetingRule]:
        query = select(MeetingRule).where(MeetingRule.cell_id == cell_id)
        return list(await self.session.scalars(query.order_by(MeetingRule.meeting_kind)))

    async def rule(self, cell_id: int, kind: MeetingKind) -> MeetingRule | None:
        query = select(MeetingRule).where(
            MeetingRule.cell_id == cell_id, MeetingRule.meeting_kind == kind
        )
        return await self.session.scalar(query)

    async def delete_rule(self, rule: MeetingRule) -> None:
        await self.session.delete(rule)
        await self.session.flush()

    # --- planning (bot/meetings/planning.py): digests of what reminders depend on ----------
    async def member_digests(self) -> dict[int, tuple[int, int, str]]:
        """Per cell: how many members, the sum of their ids, the latest change of any of
        them. Any member added, removed or changed (state, role, Telegram) changes it."""
        query = select(
            Member.cell_id, func.count(), func.sum(Member.id), func.max(Member.updated_at)
        ).group_by(Member.cell_id)
        return {
            cell_id: (int(count), int(total or 0), str(latest))
            for cell_id, count, total, latest in (await self.session.execute(query)).all()
        }

    async def absence_digests(self, start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
        """Per scheduled meeting starting in (start, end): how many said "absent", and the
        sum of their member ids (the absent get no reminders, so a change re-plans)."""
        query = (
            select(Attendance.meeting_id, func.count(), func.sum(Attendance.member_id))
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(
                Attendance.answer == AttendanceAnswer.NO,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > start,
                Meeting.starts_at < end,
            )
            .group_by(Attendance.meeting_id)
        )
        return {
            meeting_id: (int(count), int(total or 0))
            for meeting_id, count, total in (await self.session.execute(query)).all()
        }

    async def set_plan_key(self, meeting_id: int, key: str) -> None:
        """Remember what the meeting's reminders were planned for (not an edit: its
        ``updated_at`` stays)."""
        await self.set_plan_keys([(meeting_id, key)])

    async def set_plan_keys(self, keys: Sequence[tuple[int, str]]) -> None:
        """``set_plan_key`` for several meetings, in one ``executemany``."""
        if not keys:
            return
        table = Meeting.__table__
        assert isinstance(table, Table)
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("meeting"))
            .values(plan_key=bindparam("key"), updated_at=table.c.updated_at),
            [{"meeting": meeting_id, "key": key} for meeting_id, key in keys],
        )

    # --- answers (table owned by attendance; read here) -----------------------------------
    async def answers(self, meeting_id: int) -> dict[int, AttendanceAnswer]:
        query = select(Attendance.member_id, Attendance.answer).where(
            Attendance.meeting_id == meeting_id, Attendance.answer.is_not(None)
        )
        return {
            member_id: AttendanceAnswer(str(answer))
            for member_id, answer in (await self.session.execute(query)).all()
        }

    async def answers_of(
        self, meeting_ids: Sequence[int]
    ) -> dict[int, dict[int, AttendanceAnswer]]:
        """``answers`` for several meetings in one query (reminder planning in bulk)."""
        query = select(Attendance.meeting_id, Attendance.member_id, Attendance.answer).where(
            Attendance.meeting_id.in_(meeting_ids), Attendance.answer.is_not(None)
        )
        by_meeting: dict[int, dict[int, AttendanceAnswer]] = {m: {} for m in meeting_ids}
        for meeting_id, member_id, answer in (await self.session.execute(query)).all():
            by_meeting[meeting_id][member_id] = AttendanceAnswer(str(answer))
        return by_meeting

    async def many(self, meeting_ids: Sequence[int]) -> dict[int, Meeting]:
        """The meetings of these ids that still exist."""
        query = select(Meeting).where(Meeting.id.in_(meeting_ids))
        return {meeting.id: meeting for meeting in await self.session.scalars(query)}

    async def answer_of(self, meeting_id: int, member_id: int) -> AttendanceAnswer | None:
        query = select(Attendance.answer).where(
            Attendance.meeting_id == meeting_id, Attendance.member_id == member_id
        )
        answer = await self.session.scalar(query)
        return AttendanceAnswer(answer) if answer else None
