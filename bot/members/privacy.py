"""Privacy: /cuatoi shows a member everything the bot stores about them; when a member has
left, the committee can erase their personal data, keeping anonymous counts (the member row
stays, nameless and without a Telegram id, so past meetings still add up). A member can ask
for their own erasure; the secretary or deputy confirms it (the party keeps records) or
declines it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_committee_over, require_leader, require_member
from bot.clock import Clock
from bot.errors import StaleAction
from bot.members.statuses import StatusInfo
from bot.views import CellInfo, MeetingInfo, MemberInfo, Membership
from storage.db import Database
from storage.enums import ErasureRequestStatus, Role
from storage.models import Member, MemberState
from storage.repositories.audit import AuditRepository
from storage.repositories.erasure_requests import ErasureRequestRepository
from storage.repositories.members import ChosenCellRepository, MemberRepository
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
class ErasurePreview:
    """What an erasure would keep (anonymous counts) and remove, as /cuatoi shows it."""

    answers_kept: int  # attendance rows, kept without a name
    present_kept: int  # of which "có mặt"
    reasons_removed: int  # absence reasons (free text or code)
    comments_removed: int
    requested_at: datetime | None  # a pending request of the member, if any


@dataclass(frozen=True)
class MyData:
    member: MemberInfo
    cell: CellInfo
    joined_at: datetime | None
    created_at: datetime
    answers: tuple[StoredAnswer, ...]
    comments: tuple[StoredComment, ...]
    erasure: ErasurePreview
    birth_year: int | None = None  # from the cell's roster
    admitted_on: date | None = None
    statuses: tuple[StatusInfo, ...] = ()
    # The member's own reminder choices (/nhacnho): lead times turned off, the pause's last day.
    reminder_off_leads: tuple[int, ...] = ()
    reminders_paused_until: date | None = None


@dataclass(frozen=True)
class Erased:
    member_id: int
    answers_kept: int
    comments_deleted: int


@dataclass(frozen=True)
class ErasureAsked:
    request_id: int
    member: MemberInfo
    cell: CellInfo
    preview: ErasurePreview
    reviewers: tuple[MemberInfo, ...]  # the committee but the member


@dataclass(frozen=True)
class ErasureDecided:
    confirmed: bool
    decided_by: MemberInfo
    member_name: str  # as it was before the decision
    member_telegram_id: int | None  # read before the erasure: to tell the member
    member_was_committee: bool  # their committee menu is to be taken away
    erased: Erased | None


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
            pending = await ErasureRequestRepository(session).pending_of(member.id)
            preview = ErasurePreview(
                len(answers),
                sum(1 for a in answers if a.present is True),
                sum(1 for a in answers if a.reason_code or a.reason_text),
                len(comments),
                pending.requested_at if pending else None,
            )
            return MyData(
                actor.member,
                actor.cell,
                member.joined_at,
                member.created_at,
                answers,
                comments,
                preview,
                member.birth_year,
                member.admitted_on,
                tuple(
                    StatusInfo.of(r)
                    for r in await StatusRepository(session).of_member(member.id, date.min)
                ),
                tuple(member.reminder_off_leads or ()),
                member.reminders_paused_until,
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
            actor = await require_committee_over(session, actor_telegram_id, member_id)
            require_leader(actor)
            member = await MemberRepository(session).get(member_id, for_update=True)
            if member is None or member.cell_id != actor.cell.id:
                raise StaleAction("member_gone")
            if member.state == MemberState.ACTIVE or member.state == MemberState.PENDING:
                raise StaleAction("still_member")
            stored = PrivacyRepository(session)
            if await stored.erasure(member.id) is not None:
                raise StaleAction("already_erased")
            return await self._erase(session, member, actor)

    async def _erase(self, session: AsyncSession, member: Member, actor: Membership) -> Erased:
        """Erase the (locked) member's personal data; a pending request of theirs is closed."""
        stored = PrivacyRepository(session)
        now = self.clock.now()
        pending = await ErasureRequestRepository(session).pending_of(member.id)
        if pending is not None:
            pending.status = ErasureRequestStatus.CONFIRMED
            pending.decided_by_member_id, pending.decided_at = actor.member.id, now
        telegram_id, name = member.telegram_id, member.full_name
        member.full_name = ERASED_NAME
        member.telegram_id = None
        member.can_dm = False
        member.birth_year = None
        member.admitted_on = None
        await StatusRepository(session).forget_reasons(member.id, ERASED_NAME)
        if member.state in (MemberState.ACTIVE, MemberState.PENDING):
            member.state = MemberState.INACTIVE  # the member asked: they leave the bot's roster
        kept = await stored.drop_reasons(member.id)
        deleted = await stored.delete_comments(member.id)
        await OutboxRepository(session).cancel(member_id=member.id)
        if telegram_id is not None:
            await stored.forget_pending_input(telegram_id)
            await ChosenCellRepository(session).forget(telegram_id, member.cell_id)
        await session.flush()
        await stored.scrub_cell(member.cell_id, name, telegram_id, ERASED_NAME)
        await stored.record_erasure(member.id, member.cell_id, actor.member.id, now)
        await AuditRepository(session).record(
            actor.cell.id,
            "member_erased",
            actor_member_id=actor.member.id,
            target_member_id=member.id,
        )
        return Erased(member.id, kept, deleted)

    async def request_erasure(self, telegram_id: int) -> ErasureAsked:
        """The member asks for their own erasure; the committee is to decide. One pending
        request a member; the secretary hands over the role first."""
        async with self.db.session() as session:
            actor = await require_member(session, telegram_id)
            member = await MemberRepository(session).get(actor.member.id, for_update=True)
            assert member is not None
            members = MemberRepository(session)
            if (
                member.role == Role.SECRETARY
                and await members.count_role(actor.cell.id, Role.SECRETARY) <= 1
            ):
                raise StaleAction("erasure_secretary")
            requests = ErasureRequestRepository(session)
            if await requests.pending_of(member.id) is not None:
                raise StaleAction("erasure_pending")
            request = await requests.add(actor.cell.id, member.id, self.clock.now())
            await AuditRepository(session).record(
                actor.cell.id,
                "erasure_requested",
                actor_member_id=member.id,
                target_member_id=member.id,
            )
            reviewers = tuple(
                MemberInfo.of(m)
                for m in await members.committee(actor.cell.id)
                if m.id != member.id
            )
            request_id = request.id
        preview = (await self.my_data(telegram_id)).erasure
        return ErasureAsked(request_id, actor.member, actor.cell, preview, reviewers)

    async def decide_erasure(
        self, actor_telegram_id: int, request_id: int, confirm: bool
    ) -> ErasureDecided:
        """The secretary or deputy confirms (erases) or declines a member's request."""
        async with self.db.session() as session:
            requests = ErasureRequestRepository(session)
            request = await requests.get(request_id)
            actor = await require_committee(
                session, actor_telegram_id, cell_id=request.cell_id if request else None
            )
            require_leader(actor)
            if request is None or request.cell_id != actor.cell.id:
                raise StaleAction("erasure_request_gone")
            if request.member_id == actor.member.id:
                raise StaleAction("erasure_own_request")
            member = await MemberRepository(session).get(request.member_id, for_update=True)
            request = await requests.get(request_id, for_update=True)
            if member is None or request is None:
                raise StaleAction("erasure_request_gone")
            if request.status != ErasureRequestStatus.PENDING:
                raise StaleAction("already_decided")
            telegram_id, name = member.telegram_id, member.full_name
            if not confirm:
                request.status = ErasureRequestStatus.DECLINED
                request.decided_by_member_id = actor.member.id
                request.decided_at = self.clock.now()
                await AuditRepository(session).record(
                    actor.cell.id,
                    "erasure_declined",
                    actor_member_id=actor.member.id,
                    target_member_id=member.id,
                )
                return ErasureDecided(False, actor.member, name, telegram_id, False, None)
            committee = Role(member.role).is_committee
            erased = await self._erase(session, member, actor)
            return ErasureDecided(True, actor.member, name, telegram_id, committee, erased)
