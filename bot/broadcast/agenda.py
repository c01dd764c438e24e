"""The agenda message exactly as members get it, shared by the preview and the outbox."""

from __future__ import annotations

import difflib
from datetime import datetime

from bot.attendance.buttons import attendance_buttons
from bot.delivery.outgoing import OutgoingMessage
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo
from storage.models import AgendaBroadcast, Meeting, MeetingKind, MeetingStatus

CHANGE_LINES = 3  # "Thêm: …" / "Bỏ: …" lines shown before "and N more"
CHANGE_LINE_LIMIT = 120  # characters of one changed line


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
    cancelled = meeting.status == MeetingStatus.CANCELLED
    lines.append(tb.AGENDA_CANCELLED if cancelled else tb.AGENDA_ASK)
    if version > 1 and edited_at is not None:
        lines.append(tb.AGENDA_UPDATED.format(when=tb.short_when(edited_at, tz)))
    buttons = () if cancelled else attendance_buttons(meeting.id, with_comment=True)
    return OutgoingMessage(text="\n".join(lines), buttons=buttons, pin=pin)


def sent_agenda(
    broadcast: AgendaBroadcast, meeting: Meeting, cell: CellInfo, *, pin: bool = False
) -> OutgoingMessage:
    """The confirmed agenda (``text``, not an unconfirmed draft) as a copy carries it now."""
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


def summarize_changes(old: str, new: str) -> tuple[str, ...]:
    """A few "Thêm: …" / "Bỏ: …" lines, enough to tell members what changed."""
    old_lines = [line.strip() for line in old.splitlines() if line.strip()]
    new_lines = [line.strip() for line in new.splitlines() if line.strip()]
    changes: list[str] = []
    for line in difflib.ndiff(old_lines, new_lines):
        tag, body = line[:2], line[2:]
        short = body if len(body) <= CHANGE_LINE_LIMIT else body[: CHANGE_LINE_LIMIT - 3] + "…"
        if tag == "+ ":
            changes.append(tb.CHANGE_ADDED.format(line=short))
        elif tag == "- ":
            changes.append(tb.CHANGE_REMOVED.format(line=short))
    if len(changes) > CHANGE_LINES:
        extra = len(changes) - CHANGE_LINES
        changes = [*changes[:CHANGE_LINES], tb.CHANGE_MORE.format(count=extra)]
    return tuple(changes)
