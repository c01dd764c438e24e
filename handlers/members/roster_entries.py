"""Members without Telegram: the committee types them in (from /thanhvien) or sends a roster
file (.csv, .xlsx) in a private chat."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.delivery.limits import MAX_TEXT, shorten
from bot.members.roster import ImportSummary
from bot.members.roster_file import MAX_FILE_BYTES, RosterFileError
from bot.texts import common as tc
from bot.texts import members as tm
from bot.texts import roster as tr
from handlers.common import Context, domain_errors, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, button, keyboard
from handlers.text import register_pending

PENDING_ROSTER_ADD = "roster_add"
ADD_ROUTE = "ra"  # ra:0 ask for members to add; ra:0:x stop asking
ADD_TTL = timedelta(minutes=30)
SHOWN_PROBLEMS = 20
SHOWN_NAMES = 20
NAME_ROOM = 60


def summary_text(summary: ImportSummary) -> str:
    text = tc.fmt(
        tr.ROSTER_IMPORTED,
        cell=shorten(summary.cell.name, NAME_ROOM),
        added=len(summary.added),
        matched=len(summary.matched),
    )
    if summary.added:
        names = ", ".join(shorten(m.full_name, NAME_ROOM) for m in summary.added[:SHOWN_NAMES])
        if len(summary.added) > SHOWN_NAMES:
            names += f", … (+{len(summary.added) - SHOWN_NAMES})"
        text += "\n" + tc.fmt(tr.ROSTER_IMPORTED_NAMES, names=names)
    return shorten(text, MAX_TEXT)


def problems_text(error: RosterFileError) -> str:
    lines = [tr.ROSTER_IMPORT_REFUSED]
    lines += [f"• {shorten(p, 200)}" for p in error.problems[:SHOWN_PROBLEMS]]
    if len(error.problems) > SHOWN_PROBLEMS:
        lines.append(tc.fmt(tr.ROSTER_PROBLEMS_MORE, count=len(error.problems) - SHOWN_PROBLEMS))
    return shorten("\n".join(lines), MAX_TEXT)


@button_handler
async def on_add_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    user_id = query.from_user.id
    chat_id = query.message.chat.id if query.message is not None else user_id
    if data.arg == "x":
        await svc.conversations.clear(user_id, chat_id)
        await query.answer(tm.ROSTER_ADD_CANCELLED)
        return
    if data.arg is not None:
        raise UnknownButton()
    await svc.members.roster_entries.check_committee(user_id)
    await svc.conversations.expect(user_id, chat_id, PENDING_ROSTER_ADD, ttl=ADD_TTL)
    await query.answer()
    await send_private(
        context,
        user_id,
        tc.fmt(tm.ROSTER_ADD_PROMPT),
        reply_markup=keyboard([button(tm.BUTTON_CANCEL, ADD_ROUTE, 0, "x")]),
    )


async def on_typed_members(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    try:
        summary = await svc.members.roster_entries.add_typed(user.id, message.text)
    except RosterFileError as exc:
        await message.reply_text(problems_text(exc))
        return
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(summary_text(summary))


async def _file_bytes(context: Context, message: Message) -> bytes | None:
    document = message.document
    assert document is not None
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        return None
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    return data if len(data) <= MAX_FILE_BYTES else None


@domain_errors
async def on_roster_file(update: Update, context: Context) -> None:
    """A .csv or .xlsx in a private chat: a roster, unless the user is composing something
    else that takes files (the agenda's attachments)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    svc = services(context)
    expected = await svc.conversations.expected(user.id, message.chat_id)
    if expected is not None and expected.kind != PENDING_ROSTER_ADD:
        return
    await svc.members.roster_entries.check_committee(user.id)
    data = await _file_bytes(context, message)
    if data is None:
        await message.reply_text(tc.fmt(tm.ROSTER_FILE_TOO_BIG, limit=MAX_FILE_BYTES // 1000))
        return
    filename = message.document.file_name or ""
    try:
        summary = await svc.members.roster_entries.import_file(user.id, data, filename)
    except RosterFileError as exc:
        await message.reply_text(problems_text(exc))
        return
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(summary_text(summary))


def register(app: ChiboApp) -> None:
    register_pending(PENDING_ROSTER_ADD, on_typed_members)
    app.add_handler(CallbackQueryHandler(on_add_button, pattern=rf"^{ADD_ROUTE}:"))
    roster_file = filters.Document.FileExtension("csv") | filters.Document.FileExtension("xlsx")
    # Group 1: the agenda's attachment handler (group 0) sees every file as well.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & roster_file, on_roster_file), 1)
