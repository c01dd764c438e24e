"""The last line of defence: log the error, tell the user politely, lose nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.texts import common as tc
from handlers.common import Context

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """What the update was, for the log: button data or a command name, never free text
    (it may hold personal data)."""
    if not isinstance(update, Update):
        return "a job"
    if update.callback_query is not None:
        return f"button {update.callback_query.data!r}"
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        return f"command {message.text.split()[0][:40]!r}"
    return f"update {update.update_id}"


def _query_already_answered(update: object, error: object) -> bool:
    """A button's update handled twice (Telegram posted it again after an unanswered webhook
    POST): the first handling answered the query, so Telegram refuses the second answer."""
    return (
        isinstance(update, Update)
        and update.callback_query is not None
        and isinstance(error, BadRequest)
        and "query is too old" in error.message.lower()
    )


async def on_error(update: object, context: Context) -> None:
    if _query_already_answered(update, context.error):
        log.info("%s: its query was answered already (a redelivered update)", describe(update))
        return
    log.error("error while handling %s", describe(update), exc_info=context.error)
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
