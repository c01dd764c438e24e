"""/cuatoi: what the bot stores about me. /xoadulieu: erase a departed member's data."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.limits import split_text
from bot.members.privacy import MyData, StoredAnswer
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import privacy as tp
from bot.texts import roster as tr
from bot.texts.common import fmt
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import button_handler, private_command
from handlers.keyboards import CallbackData, button
from handlers.members.statuses import status_line
from storage.enums import AttendanceAnswer

SHOWN_STATUSES = 20  # a member's statuses on /cuatoi (the text is split to fit anyway)

ERASE_ROUTE = "xe"  # xe:<member>  ask to confirm
ERASE_CONFIRM_ROUTE = "xey"  # xey:<member>  erase
ERASE_CANCEL_ROUTE = "xen"  # xen:0


def _actual(answer: StoredAnswer) -> str:
    if answer.present is True:
        return tp.ACTUAL_PRESENT
    if answer.present is False:
        return {True: tp.ACTUAL_EXCUSED, False: tp.ACTUAL_UNEXCUSED, None: tp.ACTUAL_ABSENT}[
            answer.absence_excused
        ]
    return tp.ACTUAL_UNKNOWN


def render_my_data(data: MyData) -> str:
    tz = data.cell.tz
    member = data.member
    lines = [
        fmt(tp.MY_DATA_TITLE),
        fmt(
            tp.MY_PROFILE,
            name=member.full_name,
            cell=data.cell.name,
            role=tc.ROLE_NAMES[member.role],
            status=tc.STATUS_NAMES[member.party_status],
            telegram_id=member.telegram_id or "",
            dm=tp.YES if member.can_dm else tp.NO,
            joined=ta.day(data.joined_at or data.created_at, tz),
        ),
    ]
    if data.birth_year is not None or data.admitted_on is not None:
        lines.append(
            fmt(
                tr.MY_ROSTER_RECORD,
                year=data.birth_year or "—",
                admitted=data.admitted_on.strftime("%d/%m/%Y") if data.admitted_on else "—",
            )
        )
    lines += [status_line(status) for status in data.statuses[:SHOWN_STATUSES]]
    lines.append(fmt(tp.MY_ANSWERS_TITLE, count=len(data.answers)))
    for answer in data.answers:
        name = ta.ANSWER_NAMES[AttendanceAnswer(answer.answer)] if answer.answer else "—"
        reason = (
            f" ({ta.reason_label(answer.reason_code, answer.reason_text)})"
            if answer.reason_code
            else ""
        )
        lines.append(
            fmt(
                tp.MY_ANSWER_LINE,
                day=ta.day(answer.meeting.starts_at, tz),
                answer=name,
                reason=reason,
                proxy=tp.MY_PROXY if answer.by_proxy else "",
                actual=_actual(answer),
            )
        )
    if not data.answers:
        lines.append(tp.MY_NOTHING)
    lines.append(fmt(tp.MY_COMMENTS_TITLE, count=len(data.comments)))
    for comment in data.comments:
        flags = (tp.MY_COMMENT_HIDDEN if comment.hide_name else "") + (
            tp.MY_COMMENT_WITHDRAWN if comment.withdrawn else ""
        )
        lines.append(
            fmt(
                tp.MY_COMMENT_LINE,
                day=ta.day(comment.meeting_starts_at, tz),
                text=comment.text,
                flags=flags,
            )
        )
    if not data.comments:
        lines.append(tp.MY_NOTHING)
    lines.append(fmt(tp.MY_FOOTER))
    return "\n".join(lines)


@private_command
async def my_data(update: Update, context: Context, message: Message, user: User) -> None:
    data = await services(context).privacy.my_data(user.id)
    for part in split_text(render_my_data(data)):
        await message.reply_text(part)


@private_command
async def erase_command(update: Update, context: Context, message: Message, user: User) -> None:
    gone = await services(context).privacy.erasable(user.id)
    if not gone:
        await message.reply_text(fmt(tp.ERASE_NONE))
        return
    rows = [[button(fmt(tp.BUTTON_ERASE, name=m.full_name)[:60], ERASE_ROUTE, m.id)] for m in gone]
    await message.reply_text(fmt(tp.ERASE_TITLE), reply_markup=InlineKeyboardMarkup(rows))


@button_handler
async def on_erase(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    if data.route == ERASE_ROUTE:
        member = await svc.members.member_for_committee(query.from_user.id, data.id)
        markup = InlineKeyboardMarkup(
            [
                [button(tp.BUTTON_ERASE_CONFIRM, ERASE_CONFIRM_ROUTE, member.id)],
                [button(tp.BUTTON_CANCEL, ERASE_CANCEL_ROUTE, 0)],
            ]
        )
        await query.answer()
        await edit_quietly(
            query.edit_message_text(
                fmt(tp.ERASE_CONFIRM, name=member.full_name), reply_markup=markup
            )
        )
    elif data.route == ERASE_CONFIRM_ROUTE:
        erased = await svc.privacy.erase(query.from_user.id, data.id)
        text = fmt(tp.ERASED, comments=erased.comments_deleted, answers=erased.answers_kept)
        await query.answer()
        await edit_quietly(query.edit_message_text(text))
    else:
        await query.answer()
        await edit_quietly(query.edit_message_text(fmt(tp.CANCELLED)))


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("cuatoi", my_data))
    app.add_handler(CommandHandler("xoadulieu", erase_command))
    app.add_handler(
        CallbackQueryHandler(
            on_erase, pattern=rf"^({ERASE_ROUTE}|{ERASE_CONFIRM_ROUTE}|{ERASE_CANCEL_ROUTE}):"
        )
    )
