"""Attendance taps (✅ / ❌ / ❔) wherever they are pressed, absence reasons, self check-in,
and the job that keeps each meeting's group panel up to date (debounced, edited in place)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.attendance.buttons import ANSWER_CODES, ATTEND_ROUTE, REASON_ROUTE
from bot.attendance.panel import PanelService, PanelUpdate
from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.delivery.outgoing import SendResult, SendStatus
from bot.periodic import once_per_interval
from bot.texts import attendance as ta
from bot.texts.common import fmt
from handlers.adapters.sender import classify
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, markup
from handlers.text import register_pending
from storage.enums import AttendanceAnswer

log = logging.getLogger(__name__)

CHECKIN_ROUTE = "ci"
PENDING_REASON = "absence_reason"
PANEL_JOB = "attendance-panels"
PANEL_JOB_INTERVAL = 1.0


@button_handler
async def on_answer(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """The tap is answered as soon as it is stored; the private confirmation goes through the
    outbox (coalesced, spaced to the chat's limit), so a tap never waits for other sends."""
    if data.route != ATTEND_ROUTE or data.arg not in ANSWER_CODES:
        raise UnknownButton()
    answer = AttendanceAnswer(ANSWER_CODES[data.arg])
    svc = services(context)
    chat = query.message.chat if query.message is not None else None
    in_private = chat is not None and chat.type == ChatType.PRIVATE
    result = await svc.attendance.answer(
        query.from_user.id, data.id, answer, update_id=update.update_id, in_private=in_private
    )
    name = ta.ANSWER_NAMES[answer]
    if not result.changed:
        await query.answer(fmt(ta.CALLBACK_SAME, answer=name))
        return
    if in_private:
        await query.answer(fmt(ta.CALLBACK_SAVED, answer=name))
    else:
        template = ta.CALLBACK_SAVED_SEE_PRIVATE if result.confirming else ta.CALLBACK_SAVED_NO_DM
        await query.answer(
            shorten(fmt(template, answer=name), MAX_CALLBACK_ANSWER),
            show_alert=not result.confirming,
        )
    svc.wake_outbox()  # the group panel follows within a second (the panel job)


def _reason_arg(arg: str | None) -> tuple[str, int]:
    """``<code>_<revision>`` (a reason button), or the bare code of a button sent before
    reason buttons carried the revision of their answer (revision -1)."""
    code, _, digits = (arg or "").partition("_")
    revision = bounded_int(digits) if digits else -1
    if code not in ta.REASON_NAMES or revision is None:
        raise UnknownButton()
    return code, revision


@button_handler
async def on_reason(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    code, revision = _reason_arg(data.arg)
    svc = services(context)
    user_id = query.from_user.id
    result = await svc.attendance.set_reason(
        user_id, data.id, code, revision=revision, update_id=update.update_id
    )
    chat_id = query.message.chat.id if query.message is not None else user_id
    if code == "khac":
        await svc.conversations.expect(
            user_id, chat_id, PENDING_REASON, {"meeting_id": data.id, "revision": revision}
        )
        await query.answer()
        await context.bot.send_message(chat_id, fmt(ta.ASK_REASON_TEXT, limit=ta.REASON_LIMIT))
    else:
        await query.answer(
            shorten(fmt(ta.CONFIRM_REASON, reason=ta.REASON_NAMES[code]), MAX_CALLBACK_ANSWER)
        )
        await edit_quietly(
            query.edit_message_text(
                fmt(ta.CONFIRM_REASON, reason=ta.reason_label(result.reason_code, None))
            )
        )
    if result.changed:
        await flush_panels(context)


async def on_reason_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    revision = data.get("revision")
    result = await svc.attendance.set_reason(
        user.id,
        int(data.get("meeting_id", 0)),
        "khac",
        message.text,
        revision=revision if isinstance(revision, int) else -1,
        update_id=update.update_id,
    )
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(
        fmt(ta.CONFIRM_REASON, reason=ta.reason_label(result.reason_code, result.reason_text))
    )


@button_handler
async def on_check_in(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    new = await services(context).attendance.check_in(query.from_user.id, data.id)
    await query.answer(ta.CALLBACK_CHECKED_IN if new else ta.CALLBACK_ALREADY_CHECKED_IN)


# --- the group panel -------------------------------------------------------------------------
async def _apply(context: Context, update: PanelUpdate) -> None:
    """Send or edit one panel; Telegram's errors are read by the one classifier (the sender)."""
    panels = services(context).panels
    keyboard = markup(update.message.buttons)
    try:
        if update.message_id is None:
            sent = await context.bot.send_message(
                update.chat_id, update.message.text, reply_markup=keyboard
            )
            await panels.done(update, sent.message_id)
            return
        await context.bot.edit_message_text(
            update.message.text,
            chat_id=update.chat_id,
            message_id=update.message_id,
            reply_markup=keyboard,
        )
        await panels.done(update, update.message_id)
    except TelegramError as exc:
        await _after_error(panels, update, classify(exc))


async def _after_error(panels: PanelService, update: PanelUpdate, result: SendResult) -> None:
    error = (result.error or "").lower()
    if result.status is SendStatus.FAILED and ("not found" in error or "can't be edited" in error):
        await panels.failed(update, message_lost=True)  # deleted by hand: post a new one
    elif result.status is SendStatus.FAILED:
        log.warning("panel of meeting %s: %s", update.meeting_id, result.error)
        await panels.done(update, update.message_id)
    elif result.status in (SendStatus.SENT, SendStatus.UNREACHABLE):
        # "not modified", or the bot left the group: nothing to update there
        await panels.done(update, update.message_id)
    else:  # network, flood control, a migrated group: try again on the next round
        log.info("panel of meeting %s postponed: %s", update.meeting_id, result.error)
        await panels.failed(update, message_lost=False)


async def flush_panels(context: Context) -> None:
    """Send or edit every group panel that is due; safe to call from anywhere, any time."""
    for update in await services(context).panels.claim_due():
        await _apply(context, update)


def register(app: ChiboApp) -> None:
    register_pending(PENDING_REASON, on_reason_text)
    app.add_handler(CallbackQueryHandler(on_answer, pattern=rf"^{ATTEND_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_reason, pattern=rf"^{REASON_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_check_in, pattern=rf"^{CHECKIN_ROUTE}:"))
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            once_per_interval(PANEL_JOB, timedelta(seconds=PANEL_JOB_INTERVAL), flush_panels),
            interval=PANEL_JOB_INTERVAL,
            first=PANEL_JOB_INTERVAL,
            name=PANEL_JOB,
        )
