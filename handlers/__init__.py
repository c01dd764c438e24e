"""Telegram adapters: parse the update, call the domain (bot/), render the reply.

``register_all`` is called by the application wiring only (bot/app.py).
"""

from __future__ import annotations

from handlers import auditlog, broadcast, comments, exports, knowledge, orgs, start, text
from handlers.attendance import answers as attendance
from handlers.attendance import roll
from handlers.context import ChiboApp
from handlers.errors import on_error
from handlers.meetings import commands as meetings
from handlers.meetings import settings as meeting_settings
from handlers.meetings import wizard as meeting_wizard
from handlers.members import cells, contact, groups, privacy, reminder_prefs, transfers
from handlers.members import roster as members

FEATURES = (
    contact,
    start,
    cells,
    members,
    transfers,
    groups,
    attendance,
    roll,
    comments,
    exports,
    privacy,
    reminder_prefs,
    meetings,
    meeting_wizard,
    meeting_settings,
    broadcast,
    knowledge,
    orgs,
    auditlog,
)


def register_all(app: ChiboApp) -> None:
    for feature in FEATURES:
        feature.register(app)
    text.register(app)  # last: plain text and unknown commands
    app.add_error_handler(on_error)
