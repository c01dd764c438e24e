"""Composing an agenda: pick a meeting, write the text, attach documents, preview.

The draft lives in ``agenda_broadcasts`` (``text`` before the first send, ``draft_text`` for
an unconfirmed change after it), so a restart in the middle of composing loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_leader
from bot.broadcast.agenda import agenda_message, summarize_changes
from bot.clock import Clock
from bot.delivery.limits import telegram_length
from bot.delivery.outgoing import OutgoingMessage
from bot.errors import InvalidInput, StaleAction
from bot.text_input import clean_text
from bot.views import CellInfo, Membership
from storage.db import Database
from storage.models import AgendaBroadcast, Cell, Meeting, MeetingKind, MeetingStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository

AGENDA_LIMIT = 3000  # as Telegram counts (bot/delivery/limits.py); the header leaves room
MAX_ATTACHMENTS = 5
LATE_NOTICE = timedelta(days=1)  # HD 42: documents on the app at least 1 day before
CHOICE_WINDOW = timedelta(hours=12)  # a meeting that started this long ago can still be picked
CHOICE_LIMIT = 8


@dataclass(frozen=True)
class MeetingChoice:
    id: int
    starts_at: datetime
    kind: MeetingKind
    sent: bool


@dataclass(frozen=True)
class AgendaDraft:
    """What the composer shows: the exact message members will get, and the warnings."""

    broadcast_id: int
    meeting_id: int
    cell: CellInfo
    starts_at: datetime
    message: OutgoingMessage
    attachments: int
    allow_attachments: bool
    pin: bool
    version: int
    recipients: int
    has_group: bool
    too_late: bool
    past: bool
    has_text: bool
    changes: tuple[str, ...] = ()

    @property
    def sent(self) -> bool:
        return self.version > 0


async def committee_broadcast(
    session: AsyncSession, actor: int, broadcast_id: int
) -> tuple[Membership, AgendaBroadcast]:
    """The broadcast, if the actor is on the committee of its cell."""
    membership = await require_committee(session, actor)
    broadcast = await BroadcastRepository(session).get(broadcast_id)
    if broadcast is None or broadcast.cell_id != membership.cell.id:
        raise StaleAction("meeting_gone")
    return membership, broadcast


async def live_meeting(session: AsyncSession, broadcast: AgendaBroadcast) -> tuple[Meeting, Cell]:
    """The broadcast's meeting and cell, while the meeting still takes place: an agenda of a
    cancelled meeting is neither composed nor sent (the cancel itself tells members)."""
    meeting, cell = await BroadcastRepository(session).with_meeting(broadcast)
    if meeting is None or cell is None:
        raise StaleAction("meeting_gone")
    if meeting.status == MeetingStatus.CANCELLED:
        raise StaleAction("agenda_meeting_cancelled")
    return meeting, cell


def agenda_text(raw: str) -> str:
    """The agenda as typed, cleaned like every free text (no control characters such as NUL);
    refused if empty or longer than ``AGENDA_LIMIT`` as Telegram counts."""
    text = clean_text(raw, limit=AGENDA_LIMIT, empty_key="agenda_empty", long_key="agenda_too_long")
    if telegram_length(text) > AGENDA_LIMIT:
        raise InvalidInput("agenda_too_long")
    return text


class AgendaDrafts:
    """The composing half of ``BroadcastService``."""

    db: Database
    clock: Clock

    async def upcoming(self, actor: int) -> tuple[CellInfo, list[MeetingChoice]]:
        """The cell's next scheduled meetings (and whether their agenda was sent)."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            meetings = await BroadcastRepository(session).upcoming_meetings(
                membership.cell.id, self.clock.now() - CHOICE_WINDOW, CHOICE_LIMIT
            )
            choices = [
                MeetingChoice(m.id, m.starts_at, MeetingKind(m.kind), bool(version))
                for m, version in meetings
            ]
            return membership.cell, choices

    async def open(self, actor: int, meeting_id: int) -> AgendaDraft:
        """Start (or resume) composing the agenda of a meeting of the actor's cell."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            repo = BroadcastRepository(session)
            meeting = await repo.meeting_of_cell(meeting_id, membership.cell.id)
            if meeting is None:
                raise StaleAction("meeting_gone")
            if meeting.status == MeetingStatus.CANCELLED:
                raise StaleAction("agenda_meeting_cancelled")
            broadcast = await repo.for_meeting(meeting_id) or await repo.add(
                AgendaBroadcast(
                    cell_id=membership.cell.id,
                    meeting_id=meeting_id,
                    created_by_member_id=membership.member.id,
                    attachments=[],
                    pin=True,
                    version=0,
                )
            )
            return await self._draft(session, broadcast)

    async def save_text(self, actor: int, broadcast_id: int, raw: str) -> AgendaDraft:
        text = agenda_text(raw)
        async with self.db.session() as session:
            _, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                broadcast.text = text
            else:
                broadcast.draft_text = text
            return await self._draft(session, broadcast)

    async def add_attachment(
        self, actor: int, broadcast_id: int, file_id: str, kind: str, filename: str | None
    ) -> int:
        async with self.db.session() as session:
            membership, broadcast = await committee_broadcast(session, actor, broadcast_id)
            cell = await CellRepository(session).get(membership.cell.id)
            if cell is None or not cell.allow_attachments:
                raise InvalidInput("attachments_off")
            if broadcast.version > 0:
                raise InvalidInput("attachments_locked")
            files = list(broadcast.attachments or [])
            if len(files) >= MAX_ATTACHMENTS:
                raise InvalidInput("too_many_attachments")
            files.append({"file_id": file_id, "kind": kind, "filename": filename})
            broadcast.attachments = files
            return len(files)

    async def toggle_pin(self, actor: int, broadcast_id: int) -> AgendaDraft:
        async with self.db.session() as session:
            _, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version > 0:
                raise StaleAction("agenda_already_sent")
            broadcast.pin = not broadcast.pin
            return await self._draft(session, broadcast)

    async def preview(self, actor: int, broadcast_id: int) -> AgendaDraft:
        async with self.db.session() as session:
            _, broadcast = await committee_broadcast(session, actor, broadcast_id)
            return await self._draft(session, broadcast)

    async def discard(self, actor: int, broadcast_id: int) -> bool:
        """Drop the unsent draft (or the unconfirmed change); True if it had been sent."""
        async with self.db.session() as session:
            _, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                broadcast.text, broadcast.attachments = None, []
                return False
            broadcast.draft_text = None
            return True

    async def attachments_allowed(self, actor: int) -> bool:
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            cell = await CellRepository(session).get(membership.cell.id)
            return bool(cell and cell.allow_attachments)

    async def set_allow_attachments(self, actor: int, allow: bool) -> None:
        """The cell setting; only the secretary or deputy should flip it (party-document care)."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            require_leader(membership)
            cell = await CellRepository(session).get(membership.cell.id)
            assert cell is not None
            cell.allow_attachments = allow
            await AuditRepository(session).record(
                cell.id,
                "attachments_allowed" if allow else "attachments_disallowed",
                actor_member_id=membership.member.id,
            )

    async def _draft(self, session: AsyncSession, broadcast: AgendaBroadcast) -> AgendaDraft:
        meeting, cell = await live_meeting(session, broadcast)
        info = CellInfo.of(cell)
        now = self.clock.now()
        change = broadcast.draft_text if broadcast.version and broadcast.draft_text else None
        message = agenda_message(
            info,
            meeting,
            change or broadcast.text or "",
            attachments=len(broadcast.attachments or []),
            version=broadcast.version + (1 if change else 0),
            edited_at=now if change else broadcast.edited_at,
        )
        members = await MemberRepository(session).in_states(broadcast.cell_id)
        return AgendaDraft(
            broadcast_id=broadcast.id,
            meeting_id=meeting.id,
            cell=info,
            starts_at=meeting.starts_at,
            message=message,
            attachments=len(broadcast.attachments or []),
            allow_attachments=cell.allow_attachments,
            pin=broadcast.pin,
            version=broadcast.version,
            recipients=len(members),
            has_group=cell.group_chat_id is not None,
            too_late=meeting.starts_at - now < LATE_NOTICE,
            past=meeting.starts_at <= now,
            has_text=bool(broadcast.text),
            changes=summarize_changes(broadcast.text or "", change) if change else (),
        )
