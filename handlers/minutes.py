"""The minutes' details in chat (from /danhsach → 📄 Biên bản): chair and minute-taker picked
from the committee or typed, place and real start typed, the "kết thúc" tap, and the draft.

Routes ``bb:<meeting>`` the screen; ``:c`` / ``:t`` pick the chair / minute-taker (``c_<member>``,
``t_<member>``; ``cw`` / ``tw`` type a name); ``:p`` type the place; ``:s`` type the start;
``:e`` the end of the sitting; ``:d`` the draft minutes (.docx).
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import MAX_CALLBACK_ANSWER, MAX_CAPTION, shorten
from bot.meetings.minutes import MinutesDetails
from bot.texts import attendance as ta
from bot.texts import exports as tx
from bot.texts.common import fmt
from bot.views import MIN_MINUTES
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, Row, button
from handlers.text import register_pending

ROUTE = "bb"
ROLL_ROUTE = "ds"  # handlers/attendance/roll.py: back to the roll
PENDING = "minutes_field"
FIELDS = {"c": "chair", "t": "minute_taker"}
PEOPLE_BUTTONS = 12  # committee members offered; anyone else is typed


def _hm(details: MinutesDetails, moment: Any) -> str:
    local = moment.astimezone(details.cell.tz)
    return f"{local:%H}h{local:%M}"


def render(details: MinutesDetails) -> tuple[str, InlineKeyboardMarkup]:
    meeting, times = details.meeting, details.times
    title = ta.meeting_title(meeting.kind, meeting.starts_at, details.cell.tz)
    if times.started_at is None:
        start = tx.MINUTES_START_NONE.format(time=_hm(details, meeting.starts_at))
    elif times.start_from_checkin:
        start = tx.MINUTES_START_CHECKIN.format(time=_hm(details, times.started_at))
    else:
        start = _hm(details, times.started_at)
    end = _hm(details, times.ended_at) if times.ended_at else tx.MINUTES_END_NONE
    text = fmt(
        tx.MINUTES_SCREEN,
        meeting=title,
        chair=shorten(meeting.chair or tx.MINUTES_UNSET, 120),
        minute_taker=shorten(meeting.minute_taker or tx.MINUTES_UNSET, 120),
        place=shorten(meeting.place or tx.MINUTES_UNSET, 255),
        start=start,
        end=end,
    )
    if times.minutes is not None:
        text += "\n" + tx.MINUTES_LENGTH.format(minutes=times.minutes)
        if details.too_short:
            text += "\n" + tx.MINUTES_SHORT.format(minimum=MIN_MINUTES[meeting.kind])
    mid = meeting.id
    rows: list[Row] = [
        [button(tx.BUTTON_CHAIR, ROUTE, mid, "c"), button(tx.BUTTON_TAKER, ROUTE, mid, "t")],
        [button(tx.BUTTON_PLACE, ROUTE, mid, "p"), button(tx.BUTTON_START, ROUTE, mid, "s")],
    ]
    if times.ended_at is None:
        rows.append([button(tx.BUTTON_FINISH, ROUTE, mid, "e")])
    rows.append([button(tx.BUTTON_DRAFT, ROUTE, mid, "d")])
    rows.append([button(ta.BUTTON_BACK_ROLL, ROLL_ROUTE, mid)])
    return text, InlineKeyboardMarkup(rows)


def _people(details: MinutesDetails, code: str) -> tuple[str, InlineKeyboardMarkup]:
    mid = details.meeting.id
    rows: list[Row] = [
        [button(name[:60], ROUTE, mid, f"{code}_{member_id}")]
        for member_id, name in details.committee[:PEOPLE_BUTTONS]
    ]
    rows.append([button(tx.BUTTON_TYPE_NAME, ROUTE, mid, f"{code}w")])
    rows.append([button(tx.BUTTON_BACK, ROUTE, mid)])
    return (tx.PICK_CHAIR if code == "c" else tx.PICK_TAKER), InlineKeyboardMarkup(rows)


@button_handler
async def on_minutes(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    arg, actor = data.arg or "", query.from_user.id
    svc = services(context)
    chat_id = query.message.chat.id if query.message else actor
    minutes = svc.minutes
    if arg == "":
        details = await minutes.details(actor, data.id)
    elif arg in FIELDS:
        details = await minutes.details(actor, data.id)
        await query.answer()
        text, markup = _people(details, arg)
        await edit_quietly(query.edit_message_text(text, reply_markup=markup))
        return
    elif arg[:2] in ("c_", "t_"):
        member_id = bounded_int(arg[2:])
        if member_id is None:
            raise UnknownButton()
        details = await minutes.set_person(actor, data.id, FIELDS[arg[0]], member_id)
    elif arg in ("cw", "tw", "p", "s"):
        await minutes.details(actor, data.id)  # the committee only, a meeting of the cell
        field = {"cw": "chair", "tw": "minute_taker", "p": "place", "s": "start"}[arg]
        await svc.conversations.expect(
            actor, chat_id, PENDING, {"meeting_id": data.id, "field": field}
        )
        await query.answer()
        prompt = {
            "chair": tx.ASK_NAME.format(what=tx.WHAT_CHAIR),
            "minute_taker": tx.ASK_NAME.format(what=tx.WHAT_TAKER),
            "place": tx.ASK_PLACE,
            "start": tx.ASK_START,
        }[field]
        await context.bot.send_message(chat_id, prompt)
        return
    elif arg == "e":
        details = await minutes.finish(actor, data.id)
        assert details.times.ended_at is not None
        template = tx.ALREADY_FINISHED if details.already_ended else tx.FINISHED
        await query.answer(template.format(time=_hm(details, details.times.ended_at)))
        text, markup = render(details)
        await edit_quietly(query.edit_message_text(text, reply_markup=markup))
        return
    elif arg == "d":
        await minutes.details(actor, data.id)
        cell_id = await svc.exports.cell_of_committee(actor)
        label, draft = await svc.exports.minutes(cell_id, data.id)
        await query.answer(shorten(fmt(tx.SENDING, what=label), MAX_CALLBACK_ANSWER))
        caption = shorten(fmt(tx.CAPTION_DOCX, what=label), MAX_CAPTION)
        await context.bot.send_document(
            chat_id, draft.content, filename=draft.filename, caption=caption
        )
        return
    else:
        raise UnknownButton()
    await query.answer()
    text, markup = render(details)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


async def on_minutes_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    meeting_id, field = int(data.get("meeting_id", 0)), str(data.get("field", ""))
    if field == "start":
        details = await svc.minutes.set_start(user.id, meeting_id, message.text)
    else:
        details = await svc.minutes.set_text(user.id, meeting_id, field, message.text)
    await svc.conversations.clear(user.id, message.chat_id)
    text, markup = render(details)
    await message.reply_text(text, reply_markup=markup)


def register(app: ChiboApp) -> None:
    register_pending(PENDING, on_minutes_text)
    app.add_handler(CallbackQueryHandler(on_minutes, pattern=rf"^{ROUTE}:"))
