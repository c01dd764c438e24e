"""Sending an agenda: one copy per active member and one in the group, edits, catch-up.

Nothing is sent here: every copy is an outbox row (bot/delivery/outbox.py) that
bot/broadcast/messages.py renders when it is due.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.agenda import summarize_changes
from bot.broadcast.drafts import committee_broadcast, live_meeting
from bot.broadcast.kinds import (
    AGENDA,
    AGENDA_DOC,
    AGENDA_EDIT,
    AGENDA_INVITE,
    AGENDA_NOTE,
    agenda_key,
    agenda_row,
)
from bot.broadcast.report import DeliveryReport, ReportMessage, build_report, report_row
from bot.clock import Clock
from bot.errors import StaleAction
from bot.views import CellInfo, Membership
from storage.db import Database
from storage.models import AgendaBroadcast, MemberState, OutboxStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository


async def _copies(
    session: AsyncSession, broadcast: AgendaBroadcast, cell: CellInfo, now: datetime
) -> list[dict[str, Any]]:
    """The group copy, each member's documents then agenda, and the group invite."""
    rows: list[dict[str, Any]] = []
    group = cell.group_chat_id
    if group is not None:
        rows.append(agenda_row(broadcast, AGENDA, agenda_key(broadcast.id, "group"), group, now))
    files = len(broadcast.attachments or [])
    for member in await MemberRepository(session).in_states(broadcast.cell_id):
        if member.telegram_id is None:
            continue
        for index in range(files):
            key = agenda_key(broadcast.id, "doc", index, member.id)
            rows.append(
                agenda_row(
                    broadcast,
                    AGENDA_DOC,
                    key,
                    member.telegram_id,
                    now,
                    member_id=member.id,
                    index=index,
                )
            )
        key = agenda_key(broadcast.id, "m", member.id)
        rows.append(
            agenda_row(broadcast, AGENDA, key, member.telegram_id, now, member_id=member.id)
        )
    if group is not None and broadcast.bot_username:
        rows.append(
            agenda_row(broadcast, AGENDA_INVITE, agenda_key(broadcast.id, "invite"), group, now)
        )
    return rows


async def _edits(
    session: AsyncSession, broadcast: AgendaBroadcast, changes: tuple[str, ...], now: datetime
) -> list[dict[str, Any]]:
    """An edit of every copy already planned, and a change note to every member."""
    rows: list[dict[str, Any]] = []
    version = broadcast.version
    copies = await BroadcastRepository(session).sent_copies(broadcast.meeting_id, AGENDA)
    for copy in copies:
        about = {"original_id": copy.outbox_id, "version": version}
        key = agenda_key(broadcast.id, f"v{version}", "edit", copy.outbox_id)
        edit = agenda_row(
            broadcast, AGENDA_EDIT, key, copy.chat_id, now, member_id=copy.member_id, **about
        )
        rows.append(edit)
        if copy.member_id is not None:
            key = agenda_key(broadcast.id, f"v{version}", "note", copy.outbox_id)
            note = agenda_row(
                broadcast,
                AGENDA_NOTE,
                key,
                copy.chat_id,
                now,
                member_id=copy.member_id,
                changes=list(changes),
                **about,
            )
            rows.append(note)
    return rows


class AgendaSending:
    """The sending half of ``BroadcastService``."""

    db: Database
    clock: Clock

    async def send(
        self,
        actor: int,
        broadcast_id: int,
        report_at: ReportMessage,
        *,
        bot_username: str | None,
    ) -> DeliveryReport:
        """Plan one copy per active member and one in the group; the outbox sends them."""
        now = self.clock.now()
        async with self.db.session() as session:
            membership, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version > 0:
                raise StaleAction("agenda_already_sent")
            if not broadcast.text:
                raise StaleAction("no_draft")
            await live_meeting(session, broadcast)
            broadcast.version = 1
            broadcast.sent_at = now
            broadcast.bot_username = bot_username
            rows = await _copies(session, broadcast, membership.cell, now)
            return await self._plan(session, membership, broadcast, rows, report_at, now)

    async def apply_edit(
        self, actor: int, broadcast_id: int, report_at: ReportMessage
    ) -> DeliveryReport:
        """Confirm the changed text: edit every sent copy and tell members what changed."""
        now = self.clock.now()
        async with self.db.session() as session:
            membership, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                raise StaleAction("agenda_not_sent")
            new_text = broadcast.draft_text
            if not new_text:
                raise StaleAction("no_draft")
            await live_meeting(session, broadcast)
            changes = summarize_changes(broadcast.text or "", new_text)
            broadcast.text, broadcast.draft_text = new_text, None
            broadcast.version += 1
            broadcast.edited_at = now
            broadcast.last_change = "\n".join(changes)
            rows = await _edits(session, broadcast, changes, now)
            return await self._plan(session, membership, broadcast, rows, report_at, now)

    async def catch_up(self, telegram_id: int, broadcast_id: int) -> bool:
        """A member the agenda could not reach pressed Start: send it to them now, once."""
        now = self.clock.now()
        async with self.db.session() as session:
            repo = BroadcastRepository(session)
            broadcast = await repo.get(broadcast_id)
            if broadcast is None or broadcast.version == 0:
                return False
            member = await MemberRepository(session).in_cell(broadcast.cell_id, telegram_id)
            if member is None or member.state != MemberState.ACTIVE:
                return False
            key = agenda_key(broadcast.id, "m", member.id)
            first = await repo.status_of(key)
            if first is not None and first not in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
                return False  # it has it, will get it, or may have it (uncertain)
            again = agenda_row(
                broadcast, AGENDA, f"{key}:again", telegram_id, now, member_id=member.id
            )
            return await OutboxRepository(session).plan([again]) > 0

    async def report(self, actor: int, broadcast_id: int) -> DeliveryReport:
        async with self.db.session() as session:
            _, broadcast = await committee_broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                raise StaleAction("agenda_not_sent")
            return await build_report(session, broadcast)

    async def _plan(
        self,
        session: AsyncSession,
        membership: Membership,
        broadcast: AgendaBroadcast,
        rows: list[dict[str, Any]],
        report_at: ReportMessage,
        now: datetime,
    ) -> DeliveryReport:
        """Plan the rows and the first refresh of the report message; audit; the report."""
        broadcast.report_chat_id = report_at.chat_id
        broadcast.report_message_id = report_at.message_id
        if broadcast.report_message_id is not None:
            rows = [*rows, report_row(broadcast, 0, now)]
        await OutboxRepository(session).plan(rows)
        first_send = broadcast.version == 1
        await AuditRepository(session).record(
            membership.cell.id,
            "agenda_sent" if first_send else "agenda_edited",
            actor_member_id=membership.member.id,
            meeting_id=broadcast.meeting_id,
            details={"copies": len(rows)} if first_send else {"version": broadcast.version},
        )
        return await build_report(session, broadcast)
