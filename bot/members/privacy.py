"""Privacy: /cuatoi shows a member everything the bot stores about them; when a member has
left, the committee can erase their personal data, keeping anonymous counts (the member row
stays, nameless and without a Telegram id, so past meetings still add up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.access import require_committee, require_leader, require_member
from bot.clock import Clock
from bot.errors import StaleAction
from bot.members.statuses import StatusInfo
from bot.views import CellInfo, MeetingInfo, MemberInfo
from storage.db import Database
from storage.models import (
    MemberState,
)
from storage.repositories.audit import AuditRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.statuses import StatusRepository

ERASED_NAME = "(đã xóa dữ liệu)"
ERASE_CHOICES = 20


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
    birth_year: int | None = None  # from the cell's roster
    admitted_on: date | None = None
    statuses: tuple[StatusInfo, ...] = ()


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
            stored = PrivacyRepository(session)
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
                for row, meeting in await stored.answers(member.id)
            )
            comments = tuple(
                StoredComment(starts_at, c.text, c.hide_name, c.withdrawn_at is not None)
                for c, starts_at in await stored.comments(member.id)
            )
            return MyData(
                actor.member,
                actor.cell,
                member.joined_at,
                member.created_at,
                answers,
                comments,
                member.birth_year,
                member.admitted_on,
                tuple(
                    StatusInfo.of(r)
                    for r in await StatusRepository(session).of_member(member.id, date.min)
                ),
            )

    async def erasable(self, actor_telegram_id: int) -> list[MemberInfo]:
        """Departed members whose data the committee may still erase (at most 20 offered)."""
        async with self.db.session() as session:
            actor = await require_committee(session, actor_telegram_id)
            gone = await MemberRepository(session).in_states(actor.cell.id, [MemberState.INACTIVE])
            return [MemberInfo.of(m) for m in gone if m.full_name != ERASED_NAME][:ERASE_CHOICES]

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
            stored = PrivacyRepository(session)
            if await stored.erasure(member.id) is not None:
                raise StaleAction("already_erased")
            telegram_id, name = member.telegram_id, member.full_name
            member.full_name = ERASED_NAME
            member.telegram_id = None
            member.can_dm = False
            member.birth_year = None
            member.admitted_on = None
            await StatusRepository(session).forget_reasons(member.id, ERASED_NAME)
            kept = await stored.drop_reasons(member.id)
            deleted = await stored.delete_comments(member.id)
            await OutboxRepository(session).cancel(member_id=member.id)
            if telegram_id is not None:
                await stored.forget_pending_input(telegram_id)
            await session.flush()
            await stored.scrub_cell(member.cell_id, name, telegram_id, ERASED_NAME)
            await stored.record_erasure(
                member.id, member.cell_id, actor.member.id, self.clock.now()
            )
            await AuditRepository(session).record(
                actor.cell.id,
                "member_erased",
                actor_member_id=actor.member.id,
                target_member_id=member.id,
            )
            return Erased(member.id, kept, deleted)
