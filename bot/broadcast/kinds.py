"""The outbox rows of an agenda: their kinds, their dedupe keys, and how one is planned.

Every key starts ``agenda:<broadcast id>``, so the rows of one broadcast are easy to find and
planning the same copy twice is a no-op (the outbox ignores a ``dedupe_key`` it already has).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.models import AgendaBroadcast

AGENDA = "agenda"  # the agenda itself, to a member or the group
AGENDA_DOC = "agenda_doc"  # an attached document, sent to a member before the agenda
AGENDA_EDIT = "agenda_edit"  # a sent copy edited in place after a confirmed change
AGENDA_NOTE = "agenda_note"  # a short "what changed" message to a member
AGENDA_INVITE = "agenda_invite"  # one group message for members the bot could not write to
AGENDA_REPORT = "agenda_report"  # one edit of the secretary's live delivery report
CATCH_UP_PREFIX = "ct_"  # /start ct_<broadcast id>: the invite button's deep link


def agenda_key(broadcast_id: int, *parts: object) -> str:
    """``agenda:<id>:<part>:…``, the dedupe key of one planned row."""
    return ":".join(["agenda", str(broadcast_id), *(str(part) for part in parts)])


def agenda_row(
    broadcast: AgendaBroadcast,
    kind: str,
    key: str,
    chat_id: int,
    due_at: datetime,
    *,
    member_id: int | None = None,
    **payload: Any,
) -> dict[str, Any]:
    """An outbox row of this broadcast (for ``OutboxRepository.plan``); the payload names it."""
    return {
        "cell_id": broadcast.cell_id,
        "meeting_id": broadcast.meeting_id,
        "kind": kind,
        "dedupe_key": key,
        "chat_id": chat_id,
        "member_id": member_id,
        "payload": {"broadcast_id": broadcast.id, **payload},
        "due_at": due_at,
    }
