"""Helpers every handler uses: services, error replies, safe sending."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from telegram import CallbackQuery, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.delivery.outgoing import SendStatus
from bot.errors import ChooseCell, DomainError, InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.members.chosen_cell import CHOOSE_ROUTE
from bot.members.names import MAX_NAME_LENGTH
from bot.services import Services
from bot.texts import cells as tcl
from bot.texts import common as tc
from bot.texts import errors as te
from bot.views import CellInfo
from handlers.adapters.sender import classify
from handlers.context import ChiboContext
from handlers.keyboards import button

log = logging.getLogger(__name__)

Context = ChiboContext
Handler = Callable[[Update, Context], Awaitable[None]]
H = TypeVar("H", bound=Handler)


def services(context: Context) -> Services:
    return context.bot_data.services


def error_text(exc: DomainError, **values: object) -> str:
    """The text for a domain error. ``InvalidInput(key, {"limit": 255})`` fills the
    template's own placeholders; a placeholder left unfilled never turns into a crash."""
    key = str(exc.args[0]) if exc.args else ""
    if len(exc.args) > 1 and isinstance(exc.args[1], dict):
        values = {**values, **exc.args[1]}
    if isinstance(exc, NotAMember):
        return tc.fmt(tc.NOT_MEMBER)
    if isinstance(exc, NotAllowed):
        return tc.fmt(tc.NOT_ALLOWED)
    if isinstance(exc, InvalidInput):
        template, fallback = te.INPUT_ERRORS.get(key, tc.INTERNAL_ERROR), tc.INTERNAL_ERROR
    elif isinstance(exc, StaleAction):
        template, fallback = te.STALE_ERRORS.get(key, tc.STALE_BUTTON), tc.STALE_BUTTON
    else:
        return tc.fmt(tc.INTERNAL_ERROR)
    try:
        return tc.fmt(template, **values)
    except (KeyError, IndexError):
        log.warning("error text %r needs values it was not given", key)
        return tc.fmt(fallback)


def domain_errors(handler: H) -> H:
    """Turn a domain error into a polite answer: a callback answer or a reply."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context) -> None:
        try:
            await handler(update, context)
        except ChooseCell as exc:
            await _ask_to_choose(context, update, exc.cells)
        except DomainError as exc:
            text = error_text(exc, cell="chi bộ")
            if update.callback_query is not None:
                await _refuse_press(context, update.callback_query, text)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)

    return cast(H, wrapper)


CELL_BUTTON_ROOM = 60


def cell_choice(cells: tuple[CellInfo, ...], current: int | None = None) -> InlineKeyboardMarkup:
    """One button a cell (the current one ticked); pressing it sends ``cb:<cell>``."""
    rows = []
    for cell in cells:
        template = tcl.BUTTON_CELL_CURRENT if cell.id == current else tcl.BUTTON_CELL
        label = template.format(cell=shorten(cell.name, CELL_BUTTON_ROOM))
        rows.append([button(label, CHOOSE_ROUTE, cell.id)])
    return InlineKeyboardMarkup(rows)


async def _ask_to_choose(context: Context, update: Update, cells: tuple[CellInfo, ...]) -> None:
    """A person in several cells acted before choosing one: ask, with a button a cell (a press
    is answered briefly, and the question comes as a message of its own)."""
    text = tc.fmt(tcl.CHOOSE_PROMPT, count=len(cells))
    if update.callback_query is not None:
        await update.callback_query.answer(tcl.CHOSEN_BUTTON, show_alert=True)
        chat_id = update.callback_query.from_user.id
        await context.bot.send_message(chat_id, text, reply_markup=cell_choice(cells))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=cell_choice(cells))


async def _refuse_press(context: Context, query: CallbackQuery, text: str) -> None:
    """Answer a press with the refusal; if the handler already answered it (Telegram takes
    one answer a query), the refusal goes to the presser privately instead of being lost."""
    try:
        await query.answer(shorten(text, MAX_CALLBACK_ANSWER), show_alert=True)
    except BadRequest as exc:
        if "query" not in str(exc).lower():
            raise
        log.warning("press %r answered before its refusal", query.data)
        await send_private(context, query.from_user.id, text)


# Telegram's answers to an edit of a message that cannot take it: the press came on a message
# without text (a document, a forged press) or on one deleted since. The press is answered.
_UNEDITABLE = (
    "there is no text in the message to edit",
    "message to edit not found",
    "message can't be edited",
)


async def edit_quietly(edit: Awaitable[object]) -> None:
    """Await an edit, ignoring Telegram's "message is not modified" (a double tap) and the
    refusals of a message that cannot be edited (logged)."""
    try:
        await edit
    except BadRequest as exc:
        error = str(exc).lower()
        if "not modified" in error:
            return
        if not any(reason in error for reason in _UNEDITABLE):
            raise
        log.warning("edit refused: %s", exc)


def display_name(user: User) -> str:
    """The name Telegram shows, cut to what the roster stores (members.full_name holds 120)."""
    name = " ".join(part for part in (user.last_name, user.first_name) if part) or "Đồng chí"
    return shorten(name, MAX_NAME_LENGTH)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def group_id(update: Update) -> int | None:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return None
    return chat.id


async def send_private(context: Context, telegram_id: int, text: str, **kwargs: Any) -> bool:
    """Message a user privately; remember when they can't be reached. True if sent.

    "Unreachable" is decided by the outbox's own classifier, so both paths agree."""
    try:
        await context.bot.send_message(telegram_id, text, **kwargs)
    except (Forbidden, BadRequest) as exc:
        if classify(exc).status is not SendStatus.UNREACHABLE:
            raise
        await services(context).members.record_unreachable(telegram_id)
        return False
    return True
