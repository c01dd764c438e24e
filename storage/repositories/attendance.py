"""Queries about meetings' attendance: answers (upserted), the roll, check-in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Cell, Meeting, MeetingStatus, Member, MemberState
from storage.repositories._dialect import dialect_insert


class AttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def meeting(self, meeting_id: int, *, for_update: bool = False) -> Meeting | None:
        query = select(Meeting).where(Meeting.id == meeting_id)
        if for_update and self._postgres:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def lock_member(self, member_id: int) -> None:
        """Serialise one member's writes on PostgreSQL (SQLite transactions already are)."""
        if self._postgres:
            await self.session.execute(
                select(Member.id).where(Member.id == member_id).with_for_update()
            )

    async def answering(
        self, meeting_id: int, telegram_id: int
    ) -> tuple[Meeting, Member, Cell, Attendance | None] | None:
        """The meeting, the presser's active membership in its cell (locked: one member's
        writes take turns), the cell and the stored answer: what a tap needs, in one round
        trip on SQLite (its transactions are serial), two on PostgreSQL (the answer is read
        after the lock, so it is the latest committed one). None: no such membership.
        """
        query = (
            select(Meeting, Member, Cell)
            .join(Member, Member.cell_id == Meeting.cell_id)
            .join(Cell, Cell.id == Meeting.cell_id)
            .where(
                Meeting.id == meeting_id,
                Member.telegram_id == telegram_id,
                Member.state == MemberState.ACTIVE,
            )
        )
        if self._postgres:
            row = (await self.session.execute(query.with_for_update(of=Member))).first()
            if row is None:
                return None
            meeting, member, cell = row
            return meeting, member, cell, await self.get(meeting.id, member.id)
        joined = query.add_columns(Attendance).outerjoin(
            Attendance,
            (Attendance.meeting_id == Meeting.id) & (Attendance.member_id == Member.id),
        )
        found = (
            await self.session.execute(joined.execution_options(populate_existing=True))
        ).first()
        if found is None:
            return None
        meeting, member, cell, attendance = found
        return meeting, member, cell, attendance

    async def get(self, meeting_id: int, member_id: int) -> Attendance | None:
        query = select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.member_id == member_id
        )
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def upsert(self, meeting_id: int, member_id: int, now: datetime, **values: Any) -> None:
        """Insert the member's row for the meeting or update the given columns of it."""
        values = {**values, "updated_at": now}
        statement = dialect_insert(self.session, Attendance).values(
            meeting_id=meeting_id, member_id=member_id, **values
        )
        statement = statement.on_conflict_do_update(
            index_elements=["meeting_id", "member_id"], set_=values
        )
        await self.session.execute(statement)

    async def upsert_answer(
        self, meeting_id: int, member_id: int, now: datetime, update_id: int | None, **values: Any
    ) -> bool:
        """Store an answer unless a newer update already set one; True if stored.

        The condition is part of the statement, so it holds however writers interleave.
        """
        values = {**values, "updated_at": now}
        if update_id is not None:
            values["answer_update_id"] = update_id
        statement = dialect_insert(self.session, Attendance).values(
            meeting_id=meeting_id, member_id=member_id, **values
        )
        stored = Attendance.answer_update_id
        statement = statement.on_conflict_do_update(
            index_elements=["meeting_id", "member_id"],
            set_=values,
            where=(stored.is_(None) | (stored <= update_id)) if update_id is not None else None,
        ).returning(Attendance.id)
        return (await self.session.execute(statement)).first() is not None

    async def advance_update_id(self, row: Attendance, update_id: int) -> None:
        """Record that a newer update confirmed the stored answer as it is."""
        stored = Attendance.answer_update_id
        await self.session.execute(
            update(Attendance)
            .where(Attendance.id == row.id, stored.is_(None) | (stored < update_id))
            .values(answer_update_id=update_id)
        )

    async def for_meeting(self, meeting_id: int) -> list[Attendance]:
        query = select(Attendance).where(Attendance.meeting_id == meeting_id)
        return list(await self.session.scalars(query.execution_options(populate_existing=True)))

    async def roll_members(self, cell_id: int, meeting_id: int) -> list[Member]:
        """Active members, plus anyone else who has a row for the meeting (left since)."""
        answered = select(Attendance.member_id).where(Attendance.meeting_id == meeting_id)
        query = (
            select(Member)
            .where(
                Member.cell_id == cell_id,
                or_(Member.state == MemberState.ACTIVE, Member.id.in_(answered)),
            )
            .order_by(Member.full_name, Member.id)
        )
        return list(await self.session.scalars(query))

    def _cell_meetings(self, cell_id: int) -> Select[Meeting]:
        return select(Meeting).where(
            Meeting.cell_id == cell_id, Meeting.status != MeetingStatus.CANCELLED
        )

    async def meetings_between(self, cell_id: int, start: datetime, end: datetime) -> list[Meeting]:
        query = self._cell_meetings(cell_id).where(
            Meeting.starts_at >= start, Meeting.starts_at < end
        )
        return list(await self.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))

    async def recent(self, cell_id: int, before: datetime, limit: int = 8) -> list[Meeting]:
        query = self._cell_meetings(cell_id).where(Meeting.starts_at <= before)
        return list(
            await self.session.scalars(query.order_by(Meeting.starts_at.desc()).limit(limit))
        )

    async def unexcused_absences(
        self, member_id: int, start: datetime, end: datetime
    ) -> list[datetime]:
        """Start times of meetings in [start, end) the member missed without a reason."""
        query = (
            select(Meeting.starts_at)
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(
                Attendance.member_id == member_id,
                Attendance.present.is_(False),
                Attendance.absence_excused.is_(False),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
        )
        return list(await self.session.scalars(query))
