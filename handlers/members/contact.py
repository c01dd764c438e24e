"""Remember that a user wrote to the bot privately, so reminders may reach them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from handlers.common import Context, services
from handlers.context import ChiboApp


async def on_private_message(update: Update, context: Context) -> None:
    if update.effective_user is not None:
        await services(context).members.record_private_contact(update.effective_user.id)


def register(app: ChiboApp) -> None:
    # Group -1 runs before the feature handlers and does not stop them.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE, on_private_message), group=-1)
