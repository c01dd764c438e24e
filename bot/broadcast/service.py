"""The agenda broadcast: compose, preview, send to every member once, edit in place, report.

Every copy is an outbox row (bot/delivery/outbox.py) rendered at send time from the stored
agenda, so
a change made before a copy leaves is simply included, and a change made after edits the sent
message (``agenda_edit``) and tells the member briefly what changed (``agenda_note``). The
delivery report is itself a chain of outbox rows (``agenda_report``) that edit one message of
the secretary's every few seconds until nothing is waiting. Members the bot cannot write to
are listed, and one message with a "start the bot" link is posted in the group
(``agenda_invite``) once the private copies are done.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_committee, require_leader
from bot.attendance.buttons import attendance_buttons
from bot.clock import Clock
from bot.delivery.outgoing import (
    Attachment,
    ButtonSpec,
    Defer,
    EditMessage,
    OutgoingMessage,
    Rendered,
    Renderer,
)
from bot.errors import InvalidInput, StaleAction
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo, Membership
from storage.db import Database
from storage.models import (
    AgendaBroadcast,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberState,
    OutboxMessage,
    OutboxStatus,
)
from storage.repositories.audit import AuditRepository
from storage.repositories.outbox import OutboxRepository

AGENDA_LIMIT = 3000
MAX_ATTACHMENTS = 5
REPORT_INTERVAL = timedelta(seconds=3)
INVITE_RECHECK = 15.0  # seconds between checks whether the private copies are done
EDIT_RETRY = 5.0
DOC_WAIT = 1.5
LATE_NOTICE = timedelta(days=1)  # HD 42: documents on the app at least 1 day before
REPORT_LIST_LIMIT = 30
CHANGE_LINES = 3

AGENDA = "agenda"
AGENDA_DOC = "agenda_doc"
AGENDA_EDIT = "agenda_edit"
AGENDA_NOTE = "agenda_note"
AGENDA_INVITE = "agenda_invite"
AGENDA_REPORT = "agenda_report"
OPEN = (OutboxStatus.PENDING, OutboxStatus.SENDING)
CATCH_UP_PREFIX = "ct_"  # /start ct_<broadcast id>: the invite button's deep link
_RANK = {
    OutboxStatus.FAILED: 0,
    OutboxStatus.CANCELLED: 0,
    OutboxStatus.UNCERTAIN: 1,
    OutboxStatus.PENDING: 2,
    OutboxStatus.SENDING: 2,
    OutboxStatus.SENT: 3,
}


# --- views ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Unreachable:
    name: str
    reason: str


@dataclass(frozen=True)
class DeliveryReport:
    broadcast_id: int
    meeting_id: int
    when: str
    total: int
    sent: int
    waiting: int
    failed: int
    uncertain: int
    group: str | None  # None: no group; else "sent", "waiting", "failed" or "uncertain"
    unreachable: tuple[Unreachable, ...]
    uncertain_names: tuple[str, ...]
    version: int
    edits_done: int
    edits_total: int
    invite_posted: bool
    invite_waiting: bool = False

    @property
    def done(self) -> bool:
        return (
            self.waiting == 0
            and self.group != "waiting"
            and self.edits_done >= self.edits_total
            and not self.invite_waiting
        )


# --- rendering (shared by the preview and the outbox renderers) --------------------------------


def agenda_message(
    cell: CellInfo,
    meeting: Meeting,
    text: str,
    *,
    attachments: int,
    version: int,
    edited_at: datetime | None,
    pin: bool = False,
) -> OutgoingMessage:
    tz = cell.tz
    lines = [
        tb.AGENDA_TITLE.format(cell=cell.name),
        tb.AGENDA_WHEN.format(
            kind=tc.KIND_NAMES.get(MeetingKind(meeting.kind), tc.KIND_NAMES[MeetingKind.REGULAR]),
            when=tc.when(meeting.starts_at, tz),
        ),
    ]
    if meeting.place:
        lines.append(tb.AGENDA_PLACE.format(place=meeting.place))
    if meeting.chair:
        lines.append(tb.AGENDA_CHAIR.format(chair=meeting.chair))
    lines += ["", text.strip(), ""]
    lines.append(tb.AGENDA_DOCS_ATTACHED if attachments else tb.AGENDA_DOCS_ON_APP)
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(tb.AGENDA_CANCELLED)
    else:
        lines.append(tb.AGENDA_ASK)
    if version > 1 and edited_at is not None:
        lines.append(tb.AGENDA_UPDATED.format(when=tb.short_when(edited_at, tz)))
    buttons = (
        ()
        if meeting.status == MeetingStatus.CANCELLED
        else attendance_buttons(meeting.id, with_comment=True)
    )
    return OutgoingMessage(text="\n".join(lines), buttons=buttons, pin=pin)


def summarize_changes(old: str, new: str) -> tuple[str, ...]:
    """A few "Thêm: …" / "Bỏ: …" lines, enough to tell members what changed."""
    old_lines = [line.strip() for line in old.splitlines() if line.strip()]
    new_lines = [line.strip() for line in new.splitlines() if line.strip()]
    changes: list[str] = []
    for line in difflib.ndiff(old_lines, new_lines):
        tag, body = line[:2], line[2:]
        short = body if len(body) <= 120 else body[:117] + "…"
        if tag == "+ ":
            changes.append(tb.CHANGE_ADDED.format(line=short))
        elif tag == "- ":
            changes.append(tb.CHANGE_REMOVED.format(line=short))
    if len(changes) > CHANGE_LINES:
        extra = len(changes) - CHANGE_LINES
        changes = [*changes[:CHANGE_LINES], tb.CHANGE_MORE.format(count=extra)]
    return tuple(changes)


def unreachable_reason(error: str | None) -> str:
    lowered = (error or "").lower()
    if "blocked" in lowered:
        return tb.REASON_BLOCKED
    if "deactivated" in lowered:
        return tb.REASON_DEACTIVATED
    if "initiate" in lowered or "chat not found" in lowered or "not started" in lowered:
        return tb.REASON_NEVER_STARTED
    return tb.REASON_OTHER


def report_text(report: DeliveryReport) -> str:
    uncertain = tb.REPORT_UNCERTAIN.format(count=report.uncertain) if report.uncertain else ""
    lines = [
        tb.REPORT_TITLE.format(when=report.when),
        tb.REPORT_COUNTS.format(
            sent=report.sent,
            total=report.total,
            waiting=report.waiting,
            failed=report.failed,
            uncertain=uncertain,
        ),
    ]
    if report.group == "sent":
        lines.append(tb.REPORT_GROUP_SENT)
    elif report.group == "waiting":
        lines.append(tb.REPORT_GROUP_WAITING)
    elif report.group == "uncertain":
        lines.append(tb.REPORT_GROUP_UNCERTAIN)
    elif report.group is not None:
        lines.append(tb.REPORT_GROUP_FAILED)
    if report.version > 1:
        lines.append(
            tb.REPORT_EDITS.format(
                version=report.version - 1, done=report.edits_done, total=report.edits_total
            )
        )
    if report.unreachable:
        lines += ["", tb.REPORT_UNREACHABLE.format(count=len(report.unreachable))]
        for person in report.unreachable[:REPORT_LIST_LIMIT]:
            lines.append(tb.REPORT_UNREACHABLE_LINE.format(name=person.name, reason=person.reason))
        if len(report.unreachable) > REPORT_LIST_LIMIT:
            lines.append(tb.REPORT_MORE.format(count=len(report.unreachable) - REPORT_LIST_LIMIT))
        if report.invite_posted:
            lines.append(tb.REPORT_INVITE_POSTED)
    if report.uncertain_names:
        lines += ["", tb.REPORT_UNCERTAIN_LIST.format(names=", ".join(report.uncertain_names))]
    lines += ["", tb.REPORT_DONE if report.done else tb.REPORT_IN_PROGRESS]
    return "\n".join(lines)


def report_buttons(report: DeliveryReport) -> tuple[tuple[ButtonSpec, ...], ...]:
    return (
        (
            ButtonSpec(tb.BTN_REFRESH, f"bc:{report.broadcast_id}:r"),
            ButtonSpec(tb.BTN_EDIT, f"ct:{report.broadcast_id}:e"),
        ),
    )


# --- queries ------------------------------------------------------------------------------------


async def _active_members(session: AsyncSession, cell_id: int) -> list[Member]:
    query = (
        select(Member)
        .where(Member.cell_id == cell_id, Member.state == MemberState.ACTIVE)
        .order_by(Member.full_name, Member.id)
    )
    return list(await session.scalars(query))


async def _open_count(session: AsyncSession, meeting_id: int, kinds: list[str]) -> int:
    query = select(func.count()).where(
        OutboxMessage.meeting_id == meeting_id,
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status.in_(OPEN),
    )
    return int(await session.scalar(query) or 0)


async def build_report(session: AsyncSession, broadcast: AgendaBroadcast) -> DeliveryReport:
    cell = await session.get(Cell, broadcast.cell_id)
    meeting = await session.get(Meeting, broadcast.meeting_id)
    assert cell is not None and meeting is not None
    info = CellInfo.of(cell)
    rows = (
        await session.execute(
            select(
                OutboxMessage.kind,
                OutboxMessage.status,
                OutboxMessage.member_id,
                OutboxMessage.error,
                OutboxMessage.dedupe_key,
            ).where(
                OutboxMessage.meeting_id == broadcast.meeting_id,
                OutboxMessage.kind.in_([AGENDA, AGENDA_EDIT, AGENDA_INVITE]),
            )
        )
    ).all()
    members = {m.id: m for m in await _active_members(session, broadcast.cell_id)}
    counts: Counter[str] = Counter()
    unreachable: list[Unreachable] = []
    uncertain_names: list[str] = []
    group: str | None = None
    edit_prefix = f"agenda:{broadcast.id}:v{broadcast.version}:edit:"
    edits_total = edits_done = 0
    invite_posted = invite_waiting = False
    per_member: dict[int, tuple[str, str | None]] = {}
    for kind, status, member_id, error, key in rows:
        if kind == AGENDA_INVITE:
            invite_posted = status == OutboxStatus.SENT
            invite_waiting = status in OPEN
            continue
        if kind == AGENDA_EDIT:
            if key.startswith(edit_prefix):
                edits_total += 1
                edits_done += status not in OPEN
            continue
        if member_id is None:
            group = {
                OutboxStatus.SENT: "sent",
                OutboxStatus.PENDING: "waiting",
                OutboxStatus.SENDING: "waiting",
                OutboxStatus.UNCERTAIN: "uncertain",
            }.get(OutboxStatus(status), "failed")
            continue
        # A member may have two rows (a failed first try, then a catch-up): keep the best.
        best = per_member.get(member_id)
        if best is None or _RANK[OutboxStatus(status)] > _RANK[OutboxStatus(best[0])]:
            per_member[member_id] = (status, error)
    for member_id, (best_status, error) in per_member.items():
        name = members[member_id].full_name if member_id in members else "?"
        status = OutboxStatus(best_status)
        if status == OutboxStatus.SENT:
            counts["sent"] += 1
        elif status in OPEN:
            counts["waiting"] += 1
        elif status == OutboxStatus.UNCERTAIN:
            counts["uncertain"] += 1
            uncertain_names.append(name)
        else:
            counts["failed"] += 1
            unreachable.append(Unreachable(name, unreachable_reason(error)))
    for member in members.values():
        if member.telegram_id is None:
            counts["failed"] += 1
            unreachable.append(Unreachable(member.full_name, tb.REASON_NO_TELEGRAM))
    total = sum(counts.values())
    return DeliveryReport(
        broadcast_id=broadcast.id,
        meeting_id=broadcast.meeting_id,
        when=tc.when(meeting.starts_at, info.tz),
        total=total,
        sent=counts["sent"],
        waiting=counts["waiting"],
        failed=counts["failed"],
        uncertain=counts["uncertain"],
        group=group,
        unreachable=tuple(unreachable),
        uncertain_names=tuple(uncertain_names),
        version=broadcast.version,
        edits_done=edits_done,
        edits_total=edits_total,
        invite_posted=invite_posted,
        invite_waiting=invite_waiting,
    )


# --- outbox renderers -------------------------------------------------------------------------


async def _load(
    session: AsyncSession, row: OutboxMessage
) -> tuple[AgendaBroadcast, Meeting, CellInfo] | None:
    broadcast = await session.get(AgendaBroadcast, int(row.payload["broadcast_id"]))
    if broadcast is None or not broadcast.text:
        return None
    meeting = await session.get(Meeting, broadcast.meeting_id)
    cell = await session.get(Cell, broadcast.cell_id)
    if meeting is None or cell is None:
        return None
    return broadcast, meeting, CellInfo.of(cell)


def _current_message(
    broadcast: AgendaBroadcast, meeting: Meeting, cell: CellInfo, *, pin: bool = False
) -> OutgoingMessage:
    assert broadcast.text is not None
    return agenda_message(
        cell,
        meeting,
        broadcast.text,
        attachments=len(broadcast.attachments or []),
        version=broadcast.version,
        edited_at=broadcast.edited_at,
        pin=pin,
    )


async def render_agenda(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    loaded = await _load(session, row)
    if loaded is None:
        return None
    broadcast, meeting, cell = loaded
    is_group = row.member_id is None
    if broadcast.attachments and not is_group and await _docs_open(session, row):
        raise Defer(DOC_WAIT)  # the documents go first, so the buttons end up last
    # Remember which version this copy carries, so a later edit knows whether it is needed.
    row.payload = {**row.payload, "rendered_version": broadcast.version}
    return _current_message(broadcast, meeting, cell, pin=is_group and broadcast.pin)


async def _docs_open(session: AsyncSession, row: OutboxMessage) -> bool:
    query = select(func.count()).where(
        OutboxMessage.meeting_id == row.meeting_id,
        OutboxMessage.member_id == row.member_id,
        OutboxMessage.kind == AGENDA_DOC,
        OutboxMessage.status.in_(OPEN),
    )
    return bool(await session.scalar(query))


def _carries(original: OutboxMessage, version: int) -> bool:
    return int(original.payload.get("rendered_version", 0)) >= version


async def render_doc(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    loaded = await _load(session, row)
    if loaded is None:
        return None
    broadcast = loaded[0]
    index = int(row.payload["index"])
    files = broadcast.attachments or []
    if index >= len(files):
        return None
    item = files[index]
    attachment = Attachment(
        filename=str(item.get("filename") or "tai-lieu"),
        content=b"",
        kind=str(item.get("kind") or "document"),
        file_id=str(item["file_id"]),
    )
    return OutgoingMessage(text="", attachments=(attachment,))


async def _original(session: AsyncSession, row: OutboxMessage) -> OutboxMessage | None:
    return await session.get(OutboxMessage, int(row.payload["original_id"]))


async def render_edit(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    original = await _original(session, row)
    if original is None or original.status in (OutboxStatus.PENDING,):
        return None  # not sent yet: it will carry the new text when it goes
    if original.status == OutboxStatus.SENDING:
        raise Defer(EDIT_RETRY)
    if original.status != OutboxStatus.SENT or original.telegram_message_id is None:
        return None
    if _carries(original, int(row.payload["version"])):
        return None  # it left after the change: it already says the new thing
    loaded = await _load(session, row)
    if loaded is None:
        return None
    broadcast, meeting, cell = loaded
    message = _current_message(broadcast, meeting, cell)
    return EditMessage(int(original.telegram_message_id), message)


async def render_note(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    original = await _original(session, row)
    if original is None or original.status != OutboxStatus.SENT:
        return None
    if _carries(original, int(row.payload["version"])):
        return None
    loaded = await _load(session, row)
    if loaded is None:
        return None
    _, meeting, cell = loaded
    lines = [tb.CHANGE_NOTE.format(when=tb.short_when(meeting.starts_at, cell.tz))]
    lines += [str(line) for line in row.payload.get("changes", [])]
    return OutgoingMessage(text="\n".join(lines))


async def render_invite(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    broadcast = await session.get(AgendaBroadcast, int(row.payload["broadcast_id"]))
    if broadcast is None or not broadcast.bot_username:
        return None
    private_open = await session.scalar(
        select(func.count()).where(
            OutboxMessage.meeting_id == broadcast.meeting_id,
            OutboxMessage.kind == AGENDA,
            OutboxMessage.member_id.is_not(None),
            OutboxMessage.status.in_(OPEN),
        )
    )
    if private_open:
        raise Defer(INVITE_RECHECK)
    report = await build_report(session, broadcast)
    names = [p.name for p in report.unreachable]
    if not names:
        return None
    link = f"https://t.me/{broadcast.bot_username}?start={CATCH_UP_PREFIX}{broadcast.id}"
    text = tb.INVITE_GROUP.format(count=len(names), names=", ".join(names))
    return OutgoingMessage(text=text, buttons=((ButtonSpec(tb.INVITE_BUTTON, url=link),),))


async def render_report(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    broadcast = await session.get(AgendaBroadcast, int(row.payload["broadcast_id"]))
    if broadcast is None or broadcast.report_message_id is None:
        return None
    if int(row.payload.get("version", 0)) != broadcast.version:
        return None  # a newer chain (after an edit) reports now
    report = await build_report(session, broadcast)
    if not report.done:
        seq = int(row.payload.get("seq", 0)) + 1
        await OutboxRepository(session).plan([_report_row(broadcast, seq, now + REPORT_INTERVAL)])
    message = OutgoingMessage(text=report_text(report), buttons=report_buttons(report))
    return EditMessage(int(broadcast.report_message_id), message)


def _report_row(broadcast: AgendaBroadcast, seq: int, due: datetime) -> dict[str, Any]:
    assert broadcast.report_chat_id is not None
    return {
        "cell_id": broadcast.cell_id,
        "kind": AGENDA_REPORT,
        "dedupe_key": f"agenda:{broadcast.id}:report:{broadcast.version}:{seq}",
        "chat_id": broadcast.report_chat_id,
        "meeting_id": broadcast.meeting_id,
        "payload": {"broadcast_id": broadcast.id, "seq": seq, "version": broadcast.version},
        "due_at": due,
    }


RENDERERS: dict[str, Renderer] = {
    AGENDA: render_agenda,
    AGENDA_DOC: render_doc,
    AGENDA_EDIT: render_edit,
    AGENDA_NOTE: render_note,
    AGENDA_INVITE: render_invite,
    AGENDA_REPORT: render_report,
}


# --- the service ----------------------------------------------------------------------------------


class BroadcastService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def upcoming(self, actor: int) -> tuple[CellInfo, list[MeetingChoice]]:
        """The cell's next scheduled meetings (and whether their agenda was sent)."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            since = self.clock.now() - timedelta(hours=12)
            query = (
                select(Meeting, AgendaBroadcast.version)
                .outerjoin(AgendaBroadcast, AgendaBroadcast.meeting_id == Meeting.id)
                .where(
                    Meeting.cell_id == membership.cell.id,
                    Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.starts_at >= since,
                )
                .order_by(Meeting.starts_at)
                .limit(8)
            )
            choices = [
                MeetingChoice(m.id, m.starts_at, MeetingKind(m.kind), bool(version))
                for m, version in (await session.execute(query)).all()
            ]
            return membership.cell, choices

    async def open(self, actor: int, meeting_id: int) -> AgendaDraft:
        """Start (or resume) composing the agenda of a meeting of the actor's cell."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.cell_id != membership.cell.id:
                raise StaleAction("meeting_gone")
            broadcast = await session.scalar(
                select(AgendaBroadcast).where(AgendaBroadcast.meeting_id == meeting_id)
            )
            if broadcast is None:
                broadcast = AgendaBroadcast(
                    cell_id=membership.cell.id,
                    meeting_id=meeting_id,
                    created_by_member_id=membership.member.id,
                    attachments=[],
                    pin=True,
                    version=0,
                )
                session.add(broadcast)
                await session.flush()
            return await self._draft(session, membership, broadcast)

    async def save_text(self, actor: int, broadcast_id: int, raw: str) -> AgendaDraft:
        text = raw.strip()
        if not text:
            raise InvalidInput("agenda_empty")
        if len(text) > AGENDA_LIMIT:
            raise InvalidInput("agenda_too_long")
        async with self.db.session() as session:
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                broadcast.text = text
            else:
                broadcast.draft_text = text
            return await self._draft(session, membership, broadcast)

    async def add_attachment(
        self, actor: int, broadcast_id: int, file_id: str, kind: str, filename: str | None
    ) -> int:
        async with self.db.session() as session:
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            cell = await session.get(Cell, membership.cell.id)
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
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version > 0:
                raise StaleAction("agenda_already_sent")
            broadcast.pin = not broadcast.pin
            return await self._draft(session, membership, broadcast)

    async def preview(self, actor: int, broadcast_id: int) -> AgendaDraft:
        async with self.db.session() as session:
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            return await self._draft(session, membership, broadcast)

    async def discard(self, actor: int, broadcast_id: int) -> bool:
        """Drop the unsent draft (or the unconfirmed change); True if it had been sent."""
        async with self.db.session() as session:
            _, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                broadcast.text, broadcast.attachments = None, []
                return False
            broadcast.draft_text = None
            return True

    async def attachments_allowed(self, actor: int) -> bool:
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            cell = await session.get(Cell, membership.cell.id)
            return bool(cell and cell.allow_attachments)

    async def set_allow_attachments(self, actor: int, allow: bool) -> None:
        """The cell setting; only the secretary or deputy should flip it (party-document care)."""
        async with self.db.session() as session:
            membership = await require_committee(session, actor)
            require_leader(membership)
            cell = await session.get(Cell, membership.cell.id)
            assert cell is not None
            cell.allow_attachments = allow
            await AuditRepository(session).record(
                cell.id,
                "attachments_allowed" if allow else "attachments_disallowed",
                actor_member_id=membership.member.id,
            )

    async def send(
        self,
        actor: int,
        broadcast_id: int,
        *,
        bot_username: str | None,
        report_chat_id: int,
        report_message_id: int | None,
    ) -> DeliveryReport:
        """Plan one copy per active member and one in the group; the outbox sends them."""
        now = self.clock.now()
        async with self.db.session() as session:
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version > 0:
                raise StaleAction("agenda_already_sent")
            if not broadcast.text:
                raise StaleAction("no_draft")
            broadcast.version = 1
            broadcast.sent_at = now
            broadcast.bot_username = bot_username
            broadcast.report_chat_id = report_chat_id
            broadcast.report_message_id = report_message_id
            rows = await self._copies(session, broadcast, membership.cell, now)
            if report_message_id is not None:
                rows.append(_report_row(broadcast, 0, now))
            await OutboxRepository(session).plan(rows)
            await AuditRepository(session).record(
                membership.cell.id,
                "agenda_sent",
                actor_member_id=membership.member.id,
                meeting_id=broadcast.meeting_id,
                details={"copies": len(rows)},
            )
            return await build_report(session, broadcast)

    async def apply_edit(
        self,
        actor: int,
        broadcast_id: int,
        *,
        report_chat_id: int,
        report_message_id: int | None,
    ) -> DeliveryReport:
        """Confirm the changed text: edit every sent copy and tell members what changed."""
        now = self.clock.now()
        async with self.db.session() as session:
            membership, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                raise StaleAction("agenda_not_sent")
            new_text = broadcast.draft_text
            if not new_text:
                raise StaleAction("no_draft")
            changes = summarize_changes(broadcast.text or "", new_text)
            broadcast.text, broadcast.draft_text = new_text, None
            broadcast.version += 1
            broadcast.edited_at = now
            broadcast.last_change = "\n".join(changes)
            broadcast.report_chat_id = report_chat_id
            broadcast.report_message_id = report_message_id
            originals = (
                await session.execute(
                    select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.member_id)
                    .where(
                        OutboxMessage.meeting_id == broadcast.meeting_id,
                        OutboxMessage.kind == AGENDA,
                        OutboxMessage.status.in_(
                            [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT]
                        ),
                    )
                    .order_by(OutboxMessage.id)
                )
            ).all()
            prefix = f"agenda:{broadcast.id}:v{broadcast.version}"
            rows: list[dict[str, Any]] = []
            for original_id, chat_id, member_id in originals:
                payload = {
                    "broadcast_id": broadcast.id,
                    "original_id": original_id,
                    "version": broadcast.version,
                }
                base = {
                    "cell_id": broadcast.cell_id,
                    "chat_id": chat_id,
                    "member_id": member_id,
                    "meeting_id": broadcast.meeting_id,
                    "due_at": now,
                }
                rows.append(
                    {
                        **base,
                        "kind": AGENDA_EDIT,
                        "dedupe_key": f"{prefix}:edit:{original_id}",
                        "payload": payload,
                    }
                )
                if member_id is not None:
                    rows.append(
                        {
                            **base,
                            "kind": AGENDA_NOTE,
                            "dedupe_key": f"{prefix}:note:{original_id}",
                            "payload": {**payload, "changes": list(changes)},
                        }
                    )
            if report_message_id is not None:
                rows.append(_report_row(broadcast, 0, now))
            await OutboxRepository(session).plan(rows)
            await AuditRepository(session).record(
                membership.cell.id,
                "agenda_edited",
                actor_member_id=membership.member.id,
                meeting_id=broadcast.meeting_id,
                details={"version": broadcast.version},
            )
            return await build_report(session, broadcast)

    async def catch_up(self, telegram_id: int, broadcast_id: int) -> bool:
        """A member the agenda could not reach pressed Start: send it to them now, once."""
        now = self.clock.now()
        async with self.db.session() as session:
            broadcast = await session.get(AgendaBroadcast, broadcast_id)
            if broadcast is None or broadcast.version == 0:
                return False
            member = await session.scalar(
                select(Member).where(
                    Member.cell_id == broadcast.cell_id,
                    Member.telegram_id == telegram_id,
                    Member.state == MemberState.ACTIVE,
                )
            )
            if member is None:
                return False
            key = f"agenda:{broadcast.id}:m:{member.id}"
            first = await session.scalar(
                select(OutboxMessage.status).where(OutboxMessage.dedupe_key == key)
            )
            if first is not None and first not in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
                return False  # it has it, will get it, or may have it (uncertain)
            row = {
                "cell_id": broadcast.cell_id,
                "kind": AGENDA,
                "dedupe_key": f"{key}:again",
                "chat_id": telegram_id,
                "member_id": member.id,
                "meeting_id": broadcast.meeting_id,
                "payload": {"broadcast_id": broadcast.id},
                "due_at": now,
            }
            return await OutboxRepository(session).plan([row]) > 0

    async def report(self, actor: int, broadcast_id: int) -> DeliveryReport:
        async with self.db.session() as session:
            _, broadcast = await self._broadcast(session, actor, broadcast_id)
            if broadcast.version == 0:
                raise StaleAction("agenda_not_sent")
            return await build_report(session, broadcast)

    # -- helpers ----------------------------------------------------------------------------

    async def _broadcast(
        self, session: AsyncSession, actor: int, broadcast_id: int
    ) -> tuple[Membership, AgendaBroadcast]:
        membership = await require_committee(session, actor)
        broadcast = await session.get(AgendaBroadcast, broadcast_id)
        if broadcast is None or broadcast.cell_id != membership.cell.id:
            raise StaleAction("meeting_gone")
        return membership, broadcast

    async def _draft(
        self, session: AsyncSession, membership: Membership, broadcast: AgendaBroadcast
    ) -> AgendaDraft:
        meeting = await session.get(Meeting, broadcast.meeting_id)
        cell = await session.get(Cell, broadcast.cell_id)
        if meeting is None or cell is None:
            raise StaleAction("meeting_gone")
        info = CellInfo.of(cell)
        text = broadcast.draft_text if broadcast.version and broadcast.draft_text else None
        shown = text or broadcast.text or ""
        version = broadcast.version + (1 if text else 0)
        message = agenda_message(
            info,
            meeting,
            shown,
            attachments=len(broadcast.attachments or []),
            version=version,
            edited_at=self.clock.now() if text else broadcast.edited_at,
        )
        members = await _active_members(session, broadcast.cell_id)
        now = self.clock.now()
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
            changes=summarize_changes(broadcast.text or "", text) if text else (),
        )

    async def _copies(
        self, session: AsyncSession, broadcast: AgendaBroadcast, cell: CellInfo, now: datetime
    ) -> list[dict[str, Any]]:
        base = {"cell_id": broadcast.cell_id, "meeting_id": broadcast.meeting_id, "due_at": now}
        payload = {"broadcast_id": broadcast.id}
        key = f"agenda:{broadcast.id}"
        rows: list[dict[str, Any]] = []
        if cell.group_chat_id is not None:
            rows.append(
                {
                    **base,
                    "kind": AGENDA,
                    "dedupe_key": f"{key}:group",
                    "chat_id": cell.group_chat_id,
                    "payload": payload,
                }
            )
        files = len(broadcast.attachments or [])
        for member in await _active_members(session, broadcast.cell_id):
            if member.telegram_id is None:
                continue
            person = {**base, "chat_id": member.telegram_id, "member_id": member.id}
            for index in range(files):
                rows.append(
                    {
                        **person,
                        "kind": AGENDA_DOC,
                        "dedupe_key": f"{key}:doc:{index}:{member.id}",
                        "payload": {**payload, "index": index},
                    }
                )
            rows.append(
                {**person, "kind": AGENDA, "dedupe_key": f"{key}:m:{member.id}", "payload": payload}
            )
        if cell.group_chat_id is not None and broadcast.bot_username:
            rows.append(
                {
                    **base,
                    "kind": AGENDA_INVITE,
                    "dedupe_key": f"{key}:invite",
                    "chat_id": cell.group_chat_id,
                    "payload": payload,
                }
            )
        return rows
