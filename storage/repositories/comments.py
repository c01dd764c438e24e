"""Members' comments (góp ý) on meetings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Comment


class CommentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, comment: Comment) -> Comment:
        self.session.add(comment)
        await self.session.flush()
        return comment

    async def get(self, comment_id: int) -> Comment | None:
        return await self.session.get(Comment, comment_id)

    async def for_meeting(
        self, meeting_id: int, *, member_id: int | None = None, withdrawn: bool = False
    ) -> list[Comment]:
        """The meeting's comments in the order written (only ``member_id``'s if given)."""
        query = select(Comment).where(Comment.meeting_id == meeting_id)
        if member_id is not None:
            query = query.where(Comment.member_id == member_id)
        if not withdrawn:
            query = query.where(Comment.withdrawn_at.is_(None))
        return list(await self.session.scalars(query.order_by(Comment.created_at, Comment.id)))

    async def count_live(self, meeting_id: int, member_id: int) -> int:
        """How many comments ``member_id`` has on the meeting and has not withdrawn."""
        query = select(func.count()).where(
            Comment.meeting_id == meeting_id,
            Comment.member_id == member_id,
            Comment.withdrawn_at.is_(None),
        )
        return int(await self.session.scalar(query) or 0)
