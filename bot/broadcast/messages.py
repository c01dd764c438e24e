"""The outbox renderers of the agenda: each builds its message from the stored agenda at send
time, so a change made before a copy leaves is simply included.

``RENDERERS`` is assembled with the other features' tables in ``bot.services.outbox_renderers``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.agenda import sent_agenda
from bot.broadcast.kinds import (
    AGENDA,
    AGENDA_DOC,
    AGENDA_EDIT,
    AGENDA_INVITE,
    AGENDA_NOTE,
    AGENDA_REPORT,
    CATCH_UP_PREFIX,
)
from bot.broadcast.report import (
    REPORT_INTERVAL,
    build_report,
    report_buttons,
    report_row,
    report_text,
)
from bot.delivery.limits import MAX_TEXT, listed, telegram_length
from bot.delivery.outgoing import (
    Attachment,
    ButtonSpec,
    Defer,
    EditMessage,
    OutgoingMessage,
    Rendered,
    Renderer,
)
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo
from storage.models import AgendaBroadcast, Meeting, OutboxMessage, OutboxStatus
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.outbox import OutboxRepository

INVITE_RECHECK = 15.0  # seconds between checks whether the private copies are done
EDIT_RETRY = 5.0  # seconds to wait while the copy to edit is being sent
DOC_WAIT = 1.5  # seconds to wait for a member's documents, so the agenda's buttons come last


async def _load(
    repo: BroadcastRepository, row: OutboxMessage
) -> tuple[AgendaBroadcast, Meeting, CellInfo] | None:
    broadcast = await repo.get(int(row.payload["broadcast_id"]))
    if broadcast is None or not broadcast.text:
        return None
    meeting, cell = await repo.with_meeting(broadcast)
    if meeting is None or cell is None:
        return None
    return broadcast, meeting, CellInfo.of(cell)


async def render_agenda(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    repo = BroadcastRepository(session)
    loaded = await _load(repo, row)
    if loaded is None:
        return None
    broadcast, meeting, cell = loaded
    member_id = row.member_id
    if broadcast.attachments and member_id is not None:
        docs = await repo.count_open_private(broadcast.meeting_id, AGENDA_DOC, member_id=member_id)
        if docs:
            raise Defer(DOC_WAIT)  # the documents go first, so the buttons end up last
    # Remember which version this copy carries, so a later edit knows whether it is needed.
    row.payload = {**row.payload, "rendered_version": broadcast.version}
    return sent_agenda(broadcast, meeting, cell, pin=member_id is None and broadcast.pin)


async def render_doc(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    loaded = await _load(BroadcastRepository(session), row)
    if loaded is None:
        return None
    index = int(row.payload["index"])
    files = loaded[0].attachments or []
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


async def _original(repo: BroadcastRepository, row: OutboxMessage) -> OutboxMessage | None:
    """The copy an edit or a change note is about."""
    return await repo.outbox_row(int(row.payload["original_id"]))


def _says_old(original: OutboxMessage, row: OutboxMessage) -> bool:
    """The copy went out before the change this row is about (so it still says the old thing)."""
    carried = int(original.payload.get("rendered_version", 0))
    return original.status == OutboxStatus.SENT and carried < int(row.payload["version"])


async def render_edit(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    repo = BroadcastRepository(session)
    original = await _original(repo, row)
    if original is not None and original.status == OutboxStatus.SENDING:
        raise Defer(EDIT_RETRY)
    # Not sent yet (it will carry the new text when it goes), given up, or already new.
    if original is None or not _says_old(original, row) or original.telegram_message_id is None:
        return None
    loaded = await _load(repo, row)
    if loaded is None:
        return None
    return EditMessage(int(original.telegram_message_id), sent_agenda(*loaded))


async def render_note(session: AsyncSession, row: OutboxMessage, now: datetime) -> Rendered | None:
    repo = BroadcastRepository(session)
    original = await _original(repo, row)
    if original is None or not _says_old(original, row):
        return None
    loaded = await _load(repo, row)
    if loaded is None:
        return None
    _, meeting, cell = loaded
    return note_message(meeting, cell, [str(line) for line in row.payload.get("changes", [])])


def note_message(meeting: Meeting, cell: CellInfo, changes: list[str]) -> OutgoingMessage:
    """The short "what changed" note; ``changes`` come from ``summarize_changes`` (bounded)."""
    lines = [tb.CHANGE_NOTE.format(when=tb.short_when(meeting.starts_at, cell.tz)), *changes]
    return OutgoingMessage(text="\n".join(lines))


async def render_invite(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    repo = BroadcastRepository(session)
    broadcast = await repo.get(int(row.payload["broadcast_id"]))
    if broadcast is None or not broadcast.bot_username:
        return None
    if await repo.count_open_private(broadcast.meeting_id, AGENDA):
        raise Defer(INVITE_RECHECK)
    report = await build_report(session, broadcast)
    names = [p.name for p in report.unreachable]
    if not names:
        return None
    link = f"https://t.me/{broadcast.bot_username}?start={CATCH_UP_PREFIX}{broadcast.id}"
    return invite_message(names, link)


def invite_message(names: list[str], link: str) -> OutgoingMessage:
    """The group's one "start the bot" message for the members named (as many as fit)."""
    room = MAX_TEXT - telegram_length(tb.INVITE_GROUP.format(count=len(names), names=""))
    text = tb.INVITE_GROUP.format(
        count=len(names), names=listed(names, room, sep=", ", more=tc.MORE_NAMES)
    )
    return OutgoingMessage(text=text, buttons=((ButtonSpec(tb.INVITE_BUTTON, url=link),),))


async def render_report(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    broadcast = await BroadcastRepository(session).get(int(row.payload["broadcast_id"]))
    if broadcast is None or broadcast.report_message_id is None:
        return None
    if int(row.payload.get("version", 0)) != broadcast.version:
        return None  # a newer chain (after an edit) reports now
    report = await build_report(session, broadcast)
    if not report.done:
        seq = int(row.payload.get("seq", 0)) + 1
        await OutboxRepository(session).plan([report_row(broadcast, seq, now + REPORT_INTERVAL)])
    message = OutgoingMessage(text=report_text(report), buttons=report_buttons(report))
    return EditMessage(int(broadcast.report_message_id), message)


RENDERERS: dict[str, Renderer] = {
    AGENDA: render_agenda,
    AGENDA_DOC: render_doc,
    AGENDA_EDIT: render_edit,
    AGENDA_NOTE: render_note,
    AGENDA_INVITE: render_invite,
    AGENDA_REPORT: render_report,
}
