"""Comments (góp ý) on a meeting's agenda: written privately and read only by the committee
(bí thư, phó bí thư, chi ủy viên of the meeting's cell, active). A member sees, edits and
withdraws only their own, before the meeting. "Hide my name" hides it in the exports, never
from the committee. Comments are never posted in the group."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_meeting_member, require_member
from bot.attendance.views import CommentInfo
from bot.clock import Clock
from bot.errors import InvalidInput, NotAllowed, StaleAction
from bot.text_input import clean_text
from bot.texts import comments as tx
from bot.views import CellInfo, MeetingInfo, MemberInfo
from storage.db import Database
from storage.models import Comment, Meeting, Member
from storage.repositories.cells import CellRepository
from storage.repositories.comments import CommentRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository

OPEN_CHOICES = 5  # meetings /gopy offers
MAX_OWN = 10  # live comments one member may have on one meeting (their list fits one message)


@dataclass(frozen=True)
class CommentView:
    meeting: MeetingInfo
    cell: CellInfo
    comments: tuple[CommentInfo, ...]
    viewer_is_committee: bool


def comment_info(
    comment: Comment, author: Member | None, *, show_name: bool, own: bool
) -> CommentInfo:
    return CommentInfo(
        id=comment.id,
        meeting_id=comment.meeting_id,
        member_id=comment.member_id,
        author_name=author.full_name if author is not None and show_name else None,
        text=comment.text,
        hide_name=comment.hide_name,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        withdrawn=comment.withdrawn_at is not None,
        own=own,
    )


class CommentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _clean(self, text: str) -> str:
        return clean_text(
            text, limit=tx.LIMIT, empty_key="comment_empty", long_key="comment_too_long"
        )

    async def _meeting_for(
        self, session: AsyncSession, telegram_id: int, meeting_id: int, *, writing: bool
    ) -> tuple[Meeting, Member]:
        meeting, member = await require_meeting_member(session, telegram_id, meeting_id)
        ref = MeetingInfo.of(meeting)
        if writing and ref.cancelled:
            raise StaleAction("meeting_cancelled")
        if writing and self.clock.now() >= ref.starts_at:
            raise StaleAction("comments_closed")
        return meeting, member

    async def open_meetings(self, telegram_id: int) -> tuple[CellInfo, list[MeetingInfo]]:
        async with self.db.session() as session:
            actor = await require_member(session, telegram_id)
            now = self.clock.now()
            meetings = await MeetingRepository(session).upcoming(actor.cell.id, now, limit=6)
            # Comments close when the meeting starts: one under way is no longer offered.
            open_ = [MeetingInfo.of(m) for m in meetings if m.starts_at > now]
            return actor.cell, open_[:OPEN_CHOICES]

    async def add(self, telegram_id: int, meeting_id: int, text: str) -> CommentInfo:
        clean = self._clean(text)
        async with self.db.session() as session:
            meeting, member = await self._meeting_for(
                session, telegram_id, meeting_id, writing=True
            )
            repo = CommentRepository(session)
            if await repo.count_live(meeting.id, member.id) >= MAX_OWN:
                raise InvalidInput("comment_too_many", {"limit": MAX_OWN})
            now = self.clock.now()
            comment = await repo.add(
                Comment(
                    meeting_id=meeting.id,
                    member_id=member.id,
                    text=clean,
                    created_at=now,
                    updated_at=now,
                )
            )
            return comment_info(comment, member, show_name=True, own=True)

    async def _own(self, session: AsyncSession, telegram_id: int, comment_id: int) -> Comment:
        comment = await CommentRepository(session).get(comment_id)
        if comment is None or comment.withdrawn_at is not None:
            raise StaleAction("comment_gone")
        _, member = await self._meeting_for(session, telegram_id, comment.meeting_id, writing=True)
        if comment.member_id != member.id:
            raise StaleAction("comment_gone")
        return comment

    async def edit(self, telegram_id: int, comment_id: int, text: str) -> CommentInfo:
        clean = self._clean(text)
        async with self.db.session() as session:
            comment = await self._own(session, telegram_id, comment_id)
            comment.text = clean
            comment.updated_at = self.clock.now()
            await session.flush()
            return comment_info(comment, None, show_name=False, own=True)

    async def withdraw(self, telegram_id: int, comment_id: int) -> CommentInfo:
        async with self.db.session() as session:
            comment = await self._own(session, telegram_id, comment_id)
            comment.withdrawn_at = self.clock.now()
            await session.flush()
            return comment_info(comment, None, show_name=False, own=True)

    async def set_hidden(self, telegram_id: int, comment_id: int, hidden: bool) -> CommentInfo:
        async with self.db.session() as session:
            comment = await self._own(session, telegram_id, comment_id)
            comment.hide_name = hidden
            await session.flush()
            return comment_info(comment, None, show_name=False, own=True)

    async def own(self, telegram_id: int, comment_id: int) -> CommentInfo:
        """One of the member's own live comments, still editable."""
        async with self.db.session() as session:
            comment = await self._own(session, telegram_id, comment_id)
            return comment_info(comment, None, show_name=False, own=True)

    async def mine(
        self, telegram_id: int, meeting_id: int, *, for_writing: bool = False
    ) -> CommentView:
        async with self.db.session() as session:
            meeting, member = await self._meeting_for(
                session, telegram_id, meeting_id, writing=for_writing
            )
            cell = await CellRepository(session).get(meeting.cell_id)
            assert cell is not None
            comments = [
                comment_info(c, member, show_name=True, own=True)
                for c in await CommentRepository(session).for_meeting(
                    meeting.id, member_id=member.id
                )
            ]
            return CommentView(
                MeetingInfo.of(meeting),
                CellInfo.of(cell),
                tuple(comments),
                MemberInfo.of(member).is_committee,
            )

    async def for_meeting(self, telegram_id: int, meeting_id: int) -> CommentView:
        """Every live comment with its author's name: for the cell's committee only."""
        async with self.db.session() as session:
            meeting, viewer = await self._meeting_for(
                session, telegram_id, meeting_id, writing=False
            )
            if not MemberInfo.of(viewer).is_committee:
                raise NotAllowed()
            cell = await CellRepository(session).get(meeting.cell_id)
            assert cell is not None
            members = MemberRepository(session)
            result = []
            for comment in await CommentRepository(session).for_meeting(meeting.id):
                author = await members.get(comment.member_id)
                own = comment.member_id == viewer.id
                result.append(comment_info(comment, author, show_name=True, own=own))
            return CommentView(MeetingInfo.of(meeting), CellInfo.of(cell), tuple(result), True)
