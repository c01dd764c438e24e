"""Queries behind /cuatoi (everything stored about one member) and the erasure of a departed
member's personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Attendance,
    Comment,
    Meeting,
    MemberErasure,
    PendingInput,
)


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def answers(self, member_id: int) -> list[tuple[Attendance, Meeting]]:
        """The member's attendance rows with their meetings, oldest meeting first."""
        query = (
            select(Attendance, Meeting)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.member_id == member_id)
            .order_by(Meeting.starts_at)
        )
        return [(row, meeting) for row, meeting in (await self.session.execute(query)).all()]

    async def comments(self, member_id: int) -> list[tuple[Comment, datetime]]:
        """The member's comments with their meeting's start, oldest first."""
        query = (
            select(Comment, Meeting.starts_at)
            .join(Meeting, Meeting.id == Comment.meeting_id)
            .where(Comment.member_id == member_id)
            .order_by(Comment.created_at)
        )
        return [(c, at) for c, at in (await self.session.execute(query)).all()]

    async def erasure(self, member_id: int) -> MemberErasure | None:
        return await self.session.get(MemberErasure, member_id)

    async def record_erasure(
        self, member_id: int, cell_id: int, by_member_id: int, at: datetime
    ) -> None:
        self.session.add(
            MemberErasure(
                member_id=member_id, cell_id=cell_id, erased_by_member_id=by_member_id, erased_at=at
            )
        )
        await self.session.flush()

    async def drop_reasons(self, member_id: int) -> int:
        """Forget the absence reasons (free text) and keep the answers; rows touched."""
        result = await self.session.execute(
            update(Attendance)
            .where(Attendance.member_id == member_id)
            .values(reason_code=None, reason_text=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_comments(self, member_id: int) -> int:
        result = await self.session.execute(delete(Comment).where(Comment.member_id == member_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def forget_pending_input(self, telegram_id: int) -> None:
        await self.session.execute(
            delete(PendingInput).where(PendingInput.telegram_id == telegram_id)
        )
