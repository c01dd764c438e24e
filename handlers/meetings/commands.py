"""/lich, /chuyende, the .ics file, and the committee's edit / cancel buttons on a meeting.

Routes: ``lm:<meeting>:ics`` calendar file, ``lm:<meeting>:e`` edit menu, ``lm:<meeting>:f_<field>``
edit one field (then the new value is typed), ``lm:<meeting>:c`` / ``cy`` / ``cn`` cancel.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.attendance.buttons import attendance_buttons
from bot.delivery.limits import split_text
from bot.meetings.drafts import EDITABLE
from bot.meetings.ics import filename, meeting_ics
from bot.meetings.reminders import documents_deadline
from bot.meetings.views import MeetingChange
from bot.periodic import once_per_interval
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.views import MIN_MINUTES
from handlers.common import Context, domain_errors, edit_quietly, group_id, is_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, Row, button, markup
from handlers.text import register_pending

log = logging.getLogger(__name__)
ROUTE = "lm"
PENDING_EDIT = "meeting_edit"


def warnings_text(change: MeetingChange) -> str:
    if "short" in change.warnings:
        minimum = MIN_MINUTES[change.meeting.kind]
        return "\n\n" + tx.WARN_SHORT.format(
            minutes=change.meeting.duration_minutes, minimum=minimum
        )
    return ""


# --- /lich ----------------------------------------------------------------------------------
@domain_errors
async def lich(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    who, mine = await services(context).meetings.upcoming(user.id, group_chat_id=group_id(update))
    committee = who.member.is_committee and is_private(update)
    if not mine:
        text = tc.fmt(tx.LICH_EMPTY, cell=who.cell.name)
        await message.reply_text(text + (tx.LICH_EMPTY_COMMITTEE if committee else ""))
        return
    lines = [tx.LICH_HEADER.format(cell=who.cell.name)]
    rows: list[Row] = []
    for n, item in enumerate(mine, start=1):
        meeting = item.meeting
        lines.append(
            tx.LICH_ITEM.format(
                n=n,
                kind=tc.KIND_NAMES[meeting.kind],
                when=tc.when(meeting.starts_at, who.cell.tz),
                place=meeting.place or tx.NO_PLACE,
                answer=tx.ANSWER_NAMES[item.answer] if is_private(update) else "",
            ).rstrip()
        )
        answer_rows = markup(attendance_buttons(meeting.id, numbered=n))
        rows += [list(r) for r in (answer_rows.inline_keyboard if answer_rows else ())]
        row = [button(tx.BUTTON_ICS.format(n=n), ROUTE, meeting.id, "ics")]
        if committee:
            row += [
                button(tx.BUTTON_EDIT.format(n=n), ROUTE, meeting.id, "e"),
                button(tx.BUTTON_CANCEL.format(n=n), ROUTE, meeting.id, "c"),
            ]
        rows.append(row)
    await message.reply_text("\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


# --- /chuyende ------------------------------------------------------------------------------
@domain_errors
async def chuyende(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    who, meeting = await services(context).meetings.next_thematic(
        user.id, group_chat_id=group_id(update)
    )
    if meeting is None:
        text = tc.fmt(tx.CHUYENDE_NONE, cell=who.cell.name)
        await message.reply_text(text + "\n\n" + tx.CHUYENDE_RULES)
        return
    tz = who.cell.tz
    parts = [tx.CHUYENDE_HEADER + tx.card(meeting, tz, budget=None)]  # here: the whole text
    if not meeting.topic:
        parts.append(tx.CHUYENDE_NO_TOPIC)
    deadline = tc.when(documents_deadline(meeting.starts_at), tz)
    parts.append(tx.CHUYENDE_READ_BY.format(deadline=deadline) + " " + tx.CHUYENDE_DOCS_APP)
    parts.append(tx.CHUYENDE_RULES)
    markup = InlineKeyboardMarkup([[button(tx.BUTTON_ICS.format(n=1), ROUTE, meeting.id, "ics")]])
    *first, last = split_text("\n\n".join(parts))
    for part in first:
        await message.reply_text(part)
    await message.reply_text(last, reply_markup=markup)


# --- buttons on a meeting -------------------------------------------------------------------
def _edit_menu(meeting_id: int, thematic: bool) -> InlineKeyboardMarkup:
    fields = [
        f
        for f in EDITABLE
        if thematic or f not in ("topic", "presenters", "materials", "preparation")
    ]
    buttons = [button(tx.EDIT_FIELDS[f], ROUTE, meeting_id, f"f_{f}") for f in fields]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@button_handler
async def on_meeting_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg is None:
        raise UnknownButton()
    svc = services(context)
    user_id = query.from_user.id
    who, meeting = await svc.meetings.get(user_id, data.id)
    tz = who.cell.tz
    if data.arg == "ics":
        await query.answer()
        chat_id = query.message.chat.id if query.message else user_id
        leads = await svc.meetings.reminder_leads(user_id)
        content = meeting_ics(meeting, who.cell.name, svc.clock.now(), leads=leads)
        await context.bot.send_document(
            chat_id, InputFile(content, filename=filename(meeting, tz)), caption=tx.ICS_CAPTION
        )
        return
    await svc.meetings.committee_member(user_id)  # the rest is for the committee only
    card = tx.card(meeting, tz)
    if data.arg == "e":
        await query.answer()
        await edit_quietly(
            query.edit_message_text(
                tx.EDIT_MENU.format(card=card),
                reply_markup=_edit_menu(meeting.id, meeting.is_thematic),
            )
        )
    elif data.arg.startswith("f_") and data.arg[2:] in EDITABLE:
        field = data.arg[2:]
        chat_id = query.message.chat.id if query.message else user_id
        await svc.conversations.expect(
            user_id, chat_id, PENDING_EDIT, {"meeting_id": meeting.id, "field": field}
        )
        await query.answer()
        await context.bot.send_message(chat_id, tx.EDIT_ASK[field])
    elif data.arg == "c":
        await query.answer()
        markup = InlineKeyboardMarkup(
            [
                [
                    button(tx.BUTTON_CANCEL_YES, ROUTE, meeting.id, "cy"),
                    button(tx.BUTTON_CANCEL_NO, ROUTE, meeting.id, "cn"),
                ]
            ]
        )
        await edit_quietly(
            query.edit_message_text(tx.CANCEL_CONFIRM.format(card=card), reply_markup=markup)
        )
    elif data.arg == "cy":
        change = await svc.meetings.cancel(user_id, meeting.id)
        await query.answer()
        text = tx.CANCELLED_DONE.format(
            kind=tc.KIND_NAMES[change.meeting.kind].lower(), when=tc.when(meeting.starts_at, tz)
        )
        await edit_quietly(query.edit_message_text(text))
        services(context).wake_outbox()
    elif data.arg == "cn":
        await query.answer(tx.KEPT)
        await edit_quietly(query.edit_message_text(tx.KEPT + "\n\n" + card))
    else:
        raise UnknownButton()


async def on_edit_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    change = await svc.meetings.edit(
        user.id, int(data.get("meeting_id", 0)), str(data.get("field", "")), message.text
    )
    await svc.conversations.clear(user.id, message.chat_id)
    who = await svc.members.membership(user.id)
    tz = who.cell.tz if who else svc.settings.tz
    await message.reply_text(
        tx.EDITED.format(card=tx.card(change.meeting, tz)) + warnings_text(change)
    )
    services(context).wake_outbox()


MAINTAIN_EVERY = timedelta(minutes=10)
MAINTAIN_AT_START = timedelta(minutes=1)  # a restart catches up unless it ran this recently


async def maintain_job(context: Context) -> None:
    """Generate occurrences ahead, plan reminders, warn about gaps (idempotent, DB is the
    truth: a restart or a second instance running the same job changes nothing twice)."""
    try:
        await services(context).meetings.maintain()
    except Exception:  # the next run retries; never let the job die
        log.exception("meeting maintenance failed")
        return
    services(context).wake_outbox()


def register(app: ChiboApp) -> None:
    register_pending(PENDING_EDIT, on_edit_text)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            once_per_interval(
                "meetings-maintain", MAINTAIN_EVERY, maintain_job, first_after=MAINTAIN_AT_START
            ),
            interval=MAINTAIN_EVERY,
            first=1,
            name="meetings-maintain",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
    app.add_handler(CommandHandler("lich", lich))
    app.add_handler(CommandHandler("chuyende", chuyende))
    app.add_handler(CallbackQueryHandler(on_meeting_button, pattern=rf"^{ROUTE}:"))
