"""Members' comments (góp ý) on meetings."""

from __future__ import annotations

from sqlalchemy import select
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

    async def for_meeting(self, meeting_id: int, *, withdrawn: bool = False) -> list[Comment]:
        query = select(Comment).where(Comment.meeting_id == meeting_id)
        if not withdrawn:
            query = query.where(Comment.withdrawn_at.is_(None))
        return list(await self.session.scalars(query.order_by(Comment.created_at, Comment.id)))
