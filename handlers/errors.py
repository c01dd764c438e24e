"""The last line of defence: log the error, tell the user politely, lose nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.texts import common as tc
from handlers.common import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(
                shorten(tc.fmt(tc.INTERNAL_ERROR), MAX_CALLBACK_ANSWER), show_alert=True
            )
        elif update.effective_message is not None and update.effective_chat is not None:
            await update.effective_message.reply_text(tc.fmt(tc.INTERNAL_ERROR))
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)
