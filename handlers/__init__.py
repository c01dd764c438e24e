"""Telegram adapters: parse the update, call the domain (bot/), render the reply.

``register_all`` is called by the application wiring only (bot/app.py).
"""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    attendance,
    broadcast,
    comments,
    contact,
    exports,
    groups,
    meeting_settings,
    meeting_wizard,
    meetings,
    members,
    privacy,
    questions,
    roll,
    start,
    text,
)
from handlers.errors import on_error

FEATURES = (
    contact,
    start,
    members,
    groups,
    attendance,
    roll,
    comments,
    exports,
    privacy,
    meetings,
    meeting_wizard,
    meeting_settings,
    broadcast,
    questions,
)


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    for feature in FEATURES:
        feature.register(app)
    text.register(app)  # last: plain text and unknown commands
    app.add_error_handler(on_error)
