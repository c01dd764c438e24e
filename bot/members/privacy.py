"""Privacy: /cuatoi shows a member everything the bot stores about them; when a member has
left, the committee can erase their personal data, keeping anonymous counts (the member row
stays, nameless and without a Telegram id, so past meetings still add up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.access import require_committee, require_leader, require_member
from bot.clock import Clock
from bot.errors import StaleAction
from bot.meetings.views import MeetingInfo
from bot.views import CellInfo, MemberInfo
from storage.db import Database
from storage.models import (
    Attendance,
    Comment,
    Meeting,
    Member,
    MemberErasure,
    MemberState,
    OutboxMessage,
    OutboxStatus,
    PendingInput,
)
from storage.repositories.audit import AuditRepository
from storage.repositories.members import MemberRepository

ERASED_NAME = "(đã xóa dữ liệu)"


@dataclass(frozen=True)
class StoredAnswer:
    meeting: MeetingInfo
    answer: str | None
    reason_code: str | None
    reason_text: str | None
    by_proxy: bool
    present: bool | None
    absence_excused: bool | None


@dataclass(frozen=True)
class StoredComment:
    meeting_starts_at: datetime
    text: str
    hide_name: bool
    withdrawn: bool


@dataclass(frozen=True)
class MyData:
    member: MemberInfo
    cell: CellInfo
    joined_at: datetime | None
    created_at: datetime
    answers: tuple[StoredAnswer, ...]
    comments: tuple[StoredComment, ...]


@dataclass(frozen=True)
class Erased:
    member_id: int
    answers_kept: int
    comments_deleted: int


class PrivacyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def my_data(self, telegram_id: int) -> MyData:
        async with self.db.session() as session:
            actor = await require_member(session, telegram_id)
            member = await MemberRepository(session).get(actor.member.id)
            assert member is not None
            rows = (
                await session.execute(
                    select(Attendance, Meeting)
                    .join(Meeting, Meeting.id == Attendance.meeting_id)
                    .where(Attendance.member_id == member.id)
                    .order_by(Meeting.starts_at)
                )
            ).all()
            answers = tuple(
                StoredAnswer(
                    MeetingInfo.of(meeting),
                    row.answer,
                    row.reason_code,
                    row.reason_text,
                    row.answered_by_member_id not in (None, member.id),
                    row.present,
                    row.absence_excused,
                )
                for row, meeting in rows
            )
            comment_rows = (
                await session.execute(
                    select(Comment, Meeting.starts_at)
                    .join(Meeting, Meeting.id == Comment.meeting_id)
                    .where(Comment.member_id == member.id)
                    .order_by(Comment.created_at)
                )
            ).all()
            comments = tuple(
                StoredComment(starts_at, c.text, c.hide_name, c.withdrawn_at is not None)
                for c, starts_at in comment_rows
            )
            return MyData(
                actor.member, actor.cell, member.joined_at, member.created_at, answers, comments
            )

    async def erase(self, actor_telegram_id: int, member_id: int) -> Erased:
        """Erase a departed member's personal data (secretary or deputy, member inactive)."""
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            require_leader(actor)
            member = await MemberRepository(session).get(member_id, for_update=True)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            if member.state == MemberState.ACTIVE or member.state == MemberState.PENDING:
                raise StaleAction("still_member")
            if await session.get(MemberErasure, member.id) is not None:
                raise StaleAction("already_erased")
            telegram_id = member.telegram_id
            member.full_name = ERASED_NAME
            member.telegram_id = None
            member.can_dm = False
            kept = await session.execute(
                update(Attendance)
                .where(Attendance.member_id == member.id)
                .values(reason_code=None, reason_text=None)
            )
            deleted = await session.execute(delete(Comment).where(Comment.member_id == member.id))
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.member_id == member.id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .values(status=OutboxStatus.CANCELLED)
            )
            if telegram_id is not None:
                await session.execute(
                    delete(PendingInput).where(PendingInput.telegram_id == telegram_id)
                )
            session.add(
                MemberErasure(
                    member_id=member.id,
                    cell_id=member.cell_id,
                    erased_by_member_id=actor.member.id,
                    erased_at=self.clock.now(),
                )
            )
            await AuditRepository(session).record(
                actor.cell.id,
                "member_erased",
                actor_member_id=actor.member.id,
                target_member_id=member.id,
            )
            return Erased(
                member.id,
                int(kept.rowcount or 0),  # type: ignore[attr-defined]
                int(deleted.rowcount or 0),  # type: ignore[attr-defined]
            )


def is_erased(member: Member) -> bool:
    return member.full_name == ERASED_NAME and member.telegram_id is None
