"""How a handler body is wrapped: private commands and button presses, their polite refusals."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update, User

from bot.delivery.callbacks import CallbackData, decode
from bot.texts import common as tc
from handlers.common import Context, domain_errors, is_private

PtbCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]
CommandBody = Callable[[Update, Context, Message, User], Awaitable[None]]
ButtonBody = Callable[[Update, Context, CallbackQuery, CallbackData], Awaitable[None]]


class UnknownButton(Exception):
    """Raised by a ``@button_handler`` body for button data it does not know (forged, or
    from an older version of the bot): the presser gets the polite "unknown button" answer."""


def private_command(body: CommandBody) -> PtbCallback:
    """A command used only in a private chat: in a group it answers PRIVATE_ONLY.

    The body gets the message and the user (never None) and runs under ``@domain_errors``.
    """

    @functools.wraps(body)
    async def wrapper(update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if not is_private(update):
            await message.reply_text(tc.fmt(tc.PRIVATE_ONLY))
            return
        await body(update, context, message, user)

    return domain_errors(wrapper)


def button_handler(body: ButtonBody) -> PtbCallback:
    """A button press: the body gets the query and its decoded data (never None).

    Data we did not produce, or a body raising ``UnknownButton``, gets UNKNOWN_BUTTON as an
    alert; domain errors are answered by ``@domain_errors``.
    """

    @functools.wraps(body)
    async def wrapper(update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        data = decode(query.data)
        try:
            if data is None:
                raise UnknownButton()
            await body(update, context, query, data)
        except UnknownButton:
            await query.answer(tc.UNKNOWN_BUTTON, show_alert=True)

    return domain_errors(wrapper)
