"""The agenda message exactly as members get it, shared by the preview and the outbox.

It is one message, always: a sent copy is later edited in place (one message id per copy),
and a message split in parts could not be edited consistently when a new version needs a
different number of parts. So it fits by construction instead: the header fields are capped
at their column lengths as Telegram counts them, which leaves room for an agenda of
``AGENDA_LIMIT`` (bot/broadcast/drafts.py); a longer stored text is cut with a note.
"""

from __future__ import annotations

import difflib
from datetime import datetime

from bot.attendance.buttons import attendance_buttons
from bot.delivery.limits import MAX_TEXT, shorten, telegram_length
from bot.delivery.outgoing import OutgoingMessage
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo, MeetingInfo
from storage.models import AgendaBroadcast, Meeting, MeetingKind, MeetingStatus

CHANGE_LINES = 3  # "Thêm: …" / "Bỏ: …" lines shown before "and N more"
CHANGE_LINE_LIMIT = 120  # of one changed line, as Telegram counts
# The header fields, capped at their columns' lengths (cells.name, meetings.place, .chair).
CELL_NAME_ROOM, PLACE_ROOM, CHAIR_ROOM = 200, 255, 120


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
        tb.AGENDA_TITLE.format(cell=shorten(cell.name, CELL_NAME_ROOM)),
        tb.AGENDA_WHEN.format(
            kind=tc.KIND_NAMES.get(MeetingKind(meeting.kind), tc.KIND_NAMES[MeetingKind.REGULAR]),
            when=tc.when(meeting.starts_at, tz),
        ),
    ]
    if meeting.place:
        lines.append(tb.AGENDA_PLACE.format(place=shorten(meeting.place, PLACE_ROOM)))
    if meeting.chair:
        lines.append(tb.AGENDA_CHAIR.format(chair=shorten(meeting.chair, CHAIR_ROOM)))
    agenda_at = len(lines) + 1  # the agenda goes between two blank lines, in the room left
    lines += ["", "", ""]
    lines.append(tb.AGENDA_DOCS_ATTACHED if attachments else tb.AGENDA_DOCS_ON_APP)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    lines.append(tb.AGENDA_CANCELLED if cancelled else tb.AGENDA_ASK)
    if version > 1 and edited_at is not None:
        lines.append(tb.AGENDA_UPDATED.format(when=tb.short_when(edited_at, tz)))
    room = MAX_TEXT - telegram_length("\n".join(lines))
    lines[agenda_at] = shorten(text.strip(), room, pointer=tb.AGENDA_SHORTENED)
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
        short = shorten(body, CHANGE_LINE_LIMIT)
        if tag == "+ ":
            changes.append(tb.CHANGE_ADDED.format(line=short))
        elif tag == "- ":
            changes.append(tb.CHANGE_REMOVED.format(line=short))
    if len(changes) > CHANGE_LINES:
        extra = len(changes) - CHANGE_LINES
        changes = [*changes[:CHANGE_LINES], tb.CHANGE_MORE.format(count=extra)]
    return tuple(changes)


def plain_copy(cell: CellInfo, meeting: MeetingInfo, agenda: str | None) -> str:
    """The notice and the agenda as plain text (no HTML, no buttons, nothing Telegram-only),
    to paste into another messenger. ``agenda`` is the text sent to members, if any. The
    caller splits it to Telegram's size (an agenda may be long)."""
    tz = cell.tz
    kind = tc.KIND_NAMES[meeting.kind]
    lines = [tb.PLAIN_TITLE.format(cell=cell.name.upper())]
    if meeting.cancelled:
        when = tc.when(meeting.starts_at, tz)
        lines.append(tb.PLAIN_CANCELLED.format(kind=kind.lower(), when=when))
        return "\n".join(lines)
    lines.append(tb.AGENDA_WHEN.format(kind=kind, when=tc.when(meeting.starts_at, tz)))
    if meeting.place:
        lines.append(tb.AGENDA_PLACE.format(place=meeting.place))
    if meeting.chair:
        lines.append(tb.AGENDA_CHAIR.format(chair=meeting.chair))
    content = (agenda or meeting.agenda or meeting.topic or "").strip()
    if content:
        lines += ["", tb.PLAIN_AGENDA, content]
    lines += ["", tb.PLAIN_DOCS, tb.PLAIN_ASK]
    return "\n".join(lines)
