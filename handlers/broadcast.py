"""/chuongtrinh: compose a meeting's agenda, preview it, send it, edit it; the delivery report.

The composing state lives in the database (the draft in ``agenda_broadcasts``, the expected
text in ConversationService), so a restart in the middle loses nothing. Routes:
``ct:<meeting_id>:p`` pick a meeting, ``ct:<cell_id>:att`` the attachments setting,
``ct:<broadcast_id>:v|s|pin|w|x|e|u`` preview, send, pin, rewrite, cancel, edit, update;
``bc:<broadcast_id>:r`` refresh the report.

A press is answered only after the service has checked it (who may, and whether the button
still means something), so a refusal is the callback answer the presser sees.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.broadcast.drafts import AGENDA_LIMIT, MAX_ATTACHMENTS, AgendaDraft
from bot.broadcast.kinds import CATCH_UP_PREFIX
from bot.broadcast.report import DeliveryReport, ReportMessage, report_buttons, report_text
from bot.delivery.limits import shorten
from bot.texts import broadcast as tb
from bot.texts import common as tc
from handlers.common import Context, domain_errors, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, button, keyboard, markup
from handlers.start import help_text, register_payload
from handlers.text import register_pending

PENDING_TEXT = "ct_text"
FILE_NAME_ROOM = 100  # of a sent file's name, in the reply that it was received


# --- rendering --------------------------------------------------------------------------------


def _controls(draft: AgendaDraft) -> tuple[str, InlineKeyboardMarkup]:
    bid = draft.broadcast_id
    if draft.sent:
        text = tb.PREVIEW_CONTROLS_EDIT.format(changes="\n".join(draft.changes))
        return text, keyboard(
            [button(tb.BTN_UPDATE, "ct", bid, "u"), button(tb.BTN_CANCEL, "ct", bid, "x")]
        )
    warning = tb.WARN_PAST if draft.past else tb.WARN_LATE if draft.too_late else ""
    text = tb.PREVIEW_CONTROLS.format(
        members=draft.recipients,
        group=tb.PREVIEW_GROUP if draft.has_group else tb.PREVIEW_NO_GROUP,
        pin=(tb.PREVIEW_PIN_ON if draft.pin else tb.PREVIEW_PIN_OFF) if draft.has_group else "",
        warning=warning,
    )
    if draft.attachments:
        text = tb.PREVIEW_ATTACHMENTS.format(count=draft.attachments) + "\n" + text
    first_row = [button(tb.BTN_SEND, "ct", bid, "s")]
    if draft.has_group:  # pinning only means something in the group
        first_row.append(button(tb.BTN_PIN_ON if draft.pin else tb.BTN_PIN_OFF, "ct", bid, "pin"))
    return text, keyboard(
        first_row,
        [button(tb.BTN_REWRITE, "ct", bid, "w"), button(tb.BTN_CANCEL, "ct", bid, "x")],
    )


async def _show_preview(message: Message, draft: AgendaDraft) -> None:
    """The header, then exactly the message members will get, then the controls."""
    await message.reply_text(tb.PREVIEW_HEADER_EDIT if draft.sent else tb.PREVIEW_HEADER)
    await message.reply_text(draft.message.text, reply_markup=markup(draft.message.buttons))
    text, controls = _controls(draft)
    await message.reply_text(text, reply_markup=controls)


def _report_markup(report: DeliveryReport) -> InlineKeyboardMarkup | None:
    return markup(report_buttons(report))


async def _show_report(message: Message, report: DeliveryReport) -> None:
    await edit_quietly(message.edit_text(report_text(report), reply_markup=_report_markup(report)))


# --- /chuongtrinh -----------------------------------------------------------------------------


@private_command
async def command(update: Update, context: Context, message: Message, user: User) -> None:
    svc = services(context)
    cell, choices = await svc.broadcasts.upcoming(user.id)
    allowed = await svc.broadcasts.attachments_allowed(user.id)
    setting = button(tb.BTN_ATTACH_ON if allowed else tb.BTN_ATTACH_OFF, "ct", cell.id, "att")
    if not choices:
        await message.reply_text(tb.NO_MEETINGS, reply_markup=keyboard([setting]))
        return
    rows = [
        [button(("✅ " if c.sent else "📅 ") + tc.when(c.starts_at, cell.tz), "ct", c.id, "p")]
        for c in choices
    ]
    await message.reply_text(tb.PICK_MEETING, reply_markup=keyboard(*rows, [setting]))


async def _ask_text(update: Update, context: Context, draft: AgendaDraft) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    svc = services(context)
    await svc.conversations.expect(
        user.id, message.chat_id, PENDING_TEXT, {"broadcast_id": draft.broadcast_id}
    )
    if draft.sent:
        await message.reply_text(tb.ASK_EDIT_TEXT)
        return
    text = tb.ASK_TEXT.format(when=tc.when(draft.starts_at, draft.cell.tz), limit=AGENDA_LIMIT)
    if draft.allow_attachments:
        text += "\n" + tb.ASK_TEXT_ATTACH.format(limit=MAX_ATTACHMENTS)
    else:
        text += "\n\n" + tb.ATTACHMENTS_OFF
    await message.reply_text(text)


async def on_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    svc = services(context)
    draft = await svc.broadcasts.save_text(user.id, int(data["broadcast_id"]), message.text)
    if draft.sent and not draft.changes:
        await svc.broadcasts.discard(user.id, draft.broadcast_id)
        await svc.conversations.clear(user.id, message.chat_id)
        await message.reply_text(tb.NOTHING_CHANGED)
        return
    if draft.allow_attachments and not draft.sent:
        preview = keyboard([button(tb.BTN_PREVIEW, "ct", draft.broadcast_id, "v")])
        await message.reply_text(tb.TEXT_SAVED_ATTACH, reply_markup=preview)
        return
    await svc.conversations.clear(user.id, message.chat_id)
    await _show_preview(message, draft)


@domain_errors
async def on_file(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    expected = await svc.conversations.expected(user.id, message.chat_id)
    if expected is None or expected.kind != PENDING_TEXT:
        return
    if message.document is not None:
        file_id, kind, name = (
            message.document.file_id,
            "document",
            message.document.file_name or "tai-lieu",
        )
    elif message.photo:
        file_id, kind, name = message.photo[-1].file_id, "photo", "ảnh"
    else:
        return
    bid = int(expected.data["broadcast_id"])
    count = await svc.broadcasts.add_attachment(user.id, bid, file_id, kind, name)
    await message.reply_text(
        tb.ATTACHMENT_ADDED.format(
            name=shorten(name, FILE_NAME_ROOM), count=count, limit=MAX_ATTACHMENTS
        ),
        reply_markup=keyboard([button(tb.BTN_PREVIEW, "ct", bid, "v")]),
    )


# --- buttons ------------------------------------------------------------------------------------


def _pressed(update: Update, query: CallbackQuery) -> tuple[int, Message]:
    """Who pressed, and the message the button is on (a button on nothing we know is unknown)."""
    user, message = update.effective_user, query.message
    if user is None or not isinstance(message, Message):
        raise UnknownButton()
    return user.id, message


@button_handler
async def on_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    actor, message = _pressed(update, query)
    if data.route != "ct":
        raise UnknownButton()
    svc = services(context)
    target, action = data.id, data.arg
    if action == "p":
        draft = await svc.broadcasts.open(actor, target)
        await query.answer()
        if draft.sent:
            when = tc.when(draft.starts_at, draft.cell.tz)
            await message.reply_text(
                tb.ALREADY_SENT_MENU.format(when=when),
                reply_markup=keyboard(
                    [
                        button(tb.BTN_EDIT, "ct", draft.broadcast_id, "e"),
                        button(tb.BTN_REPORT, "bc", draft.broadcast_id, "r"),
                    ]
                ),
            )
        elif draft.has_text:
            await _show_preview(message, draft)
        else:
            await _ask_text(update, context, draft)
    elif action == "att":
        if (await svc.meetings.committee_member(actor)).cell.id != target:
            raise UnknownButton()  # another cell's setting button: never the actor's own cell
        allowed = not await svc.broadcasts.attachments_allowed(actor)
        await svc.broadcasts.set_allow_attachments(actor, allowed)
        await query.answer()
        state = tb.ATTACH_STATE_ON if allowed else tb.ATTACH_STATE_OFF
        await message.reply_text(tb.ATTACH_SETTING.format(state=state))
    elif action == "v":
        draft = await svc.broadcasts.preview(actor, target)
        await query.answer()
        await svc.conversations.clear(actor, message.chat_id)
        await _show_preview(message, draft)
    elif action == "pin":
        draft = await svc.broadcasts.toggle_pin(actor, target)
        await query.answer()
        text, controls = _controls(draft)
        await message.edit_text(text, reply_markup=controls)
    elif action == "w":
        draft = await svc.broadcasts.preview(actor, target)
        await query.answer()
        await _ask_text(update, context, draft)
    elif action == "e":
        await svc.broadcasts.report(actor, target)  # checks it was sent
        draft = await svc.broadcasts.preview(actor, target)
        await query.answer()
        await _ask_text(update, context, draft)
    elif action == "x":
        was_sent = await svc.broadcasts.discard(actor, target)
        await svc.conversations.clear(actor, message.chat_id)
        await query.answer()
        await message.edit_text(tb.EDIT_CANCELLED if was_sent else tb.CANCELLED)
    elif action in ("s", "u"):
        await _send(context, query, actor, message, target, edit=action == "u")
    else:
        raise UnknownButton()


async def _send(
    context: Context,
    query: CallbackQuery,
    actor: int,
    message: Message,
    broadcast_id: int,
    *,
    edit: bool,
) -> None:
    svc = services(context)
    at = ReportMessage(message.chat_id, message.message_id)
    if edit:
        report = await svc.broadcasts.apply_edit(actor, broadcast_id, at)
    else:
        report = await svc.broadcasts.send(
            actor, broadcast_id, at, bot_username=context.bot.username
        )
    svc.wake_outbox()
    await query.answer(tb.SENDING_STARTED)
    # The controls message becomes the live report, which the outbox keeps up to date.
    await _show_report(message, report)


@button_handler
async def on_report(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    actor, message = _pressed(update, query)
    if data.arg != "r":
        raise UnknownButton()
    report = await services(context).broadcasts.report(actor, data.id)
    await query.answer()
    if message.text and message.text.startswith(tb.REPORT_TITLE.split("{")[0]):
        await _show_report(message, report)
    else:
        await message.reply_text(report_text(report), reply_markup=_report_markup(report))


async def on_catch_up_link(update: Update, context: Context, payload: str) -> None:
    """``/start ct_<id>`` from the group's invite: send the agenda this member missed."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    if payload.isdigit() and await svc.broadcasts.catch_up(user.id, int(payload)):
        svc.wake_outbox()
        await message.reply_text(tb.CATCH_UP)
        return
    await message.reply_text(await help_text(update, context))


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("chuongtrinh", command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ct:"))
    app.add_handler(CallbackQueryHandler(on_report, pattern=r"^bc:"))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & (filters.Document.ALL | filters.PHOTO), on_file)
    )
    register_pending(PENDING_TEXT, on_text)
    register_payload(CATCH_UP_PREFIX, on_catch_up_link)
