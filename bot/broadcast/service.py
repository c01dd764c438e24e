"""The agenda broadcast: compose, preview, send to every member once, edit in place, report.

Every copy is an outbox row (bot/delivery/outbox.py) rendered at send time from the stored
agenda (bot/broadcast/messages.py), so a change made before a copy leaves is simply included,
and a change made after edits the sent message (``agenda_edit``) and tells the member briefly
what changed (``agenda_note``). The delivery report (bot/broadcast/report.py) is itself a chain
of outbox rows (``agenda_report``) that edit one message of the secretary's every few seconds
until nothing is waiting. Members the bot cannot write to are listed, and one message with a
"start the bot" link is posted in the group (``agenda_invite``) once the private copies are
done.
"""

from __future__ import annotations

from bot.broadcast.drafts import AgendaDrafts
from bot.broadcast.sending import AgendaSending
from bot.clock import Clock
from storage.db import Database


class BroadcastService(AgendaDrafts, AgendaSending):
    """Composing (bot/broadcast/drafts.py) and sending (bot/broadcast/sending.py) an agenda."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
