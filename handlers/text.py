"""What no feature handled: plain private text (an awaited answer, or a question),
unknown commands, and unknown buttons.

Features register what they expect (``register_pending``) and a fallback for free questions
(``set_fallback``, the rules Q&A); without one the bot shows the help.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.texts import common as tc
from handlers.common import Context, domain_errors, services
from handlers.context import ChiboApp

PendingHandler = Callable[[Update, Context, dict[str, Any]], Awaitable[None]]
FallbackHandler = Callable[[Update, Context], Awaitable[None]]

_PENDING: dict[str, PendingHandler] = {}
_FALLBACK: list[FallbackHandler] = []
MAX_INPUT = 4000


def register_pending(kind: str, handler: PendingHandler) -> None:
    _PENDING[kind] = handler


def set_fallback(handler: FallbackHandler) -> None:
    _FALLBACK[:] = [handler]


@domain_errors
async def on_private_text(update: Update, context: Context) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    svc = services(context)
    expected = await svc.conversations.expected(user.id, message.chat_id)
    if expected is not None and expected.kind in _PENDING:
        if len(message.text) > MAX_INPUT:
            await message.reply_text(tc.fmt(tc.TEXT_TOO_LONG, limit=MAX_INPUT))
            return
        await _PENDING[expected.kind](update, context, expected.data)
        return
    if _FALLBACK:
        await _FALLBACK[0](update, context)
        return
    from handlers.start import help_text

    await message.reply_text(await help_text(update, context))


@domain_errors
async def on_unknown_command(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(tc.fmt(tc.UNKNOWN_COMMAND))


async def on_unknown_button(update: Update, context: Context) -> None:
    """Button data no feature recognises (forged, or from an old version): say so only."""
    if update.callback_query is not None:
        await update.callback_query.answer(tc.UNKNOWN_BUTTON, show_alert=True)


def register(app: ChiboApp) -> None:
    """Registered last in the default group: only what no feature handled reaches these."""
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(private_text, on_private_text))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, on_unknown_command))
    app.add_handler(CallbackQueryHandler(on_unknown_button))
