"""/cuatoi: what the bot stores about me, and my request to have it erased (the committee
decides). /xoadulieu: erase a departed member's data."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.limits import split_text
from bot.members.privacy import ErasurePreview, MyData, StoredAnswer
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import privacy as tp
from bot.texts import roster as tr
from bot.texts.common import fmt
from handlers.commands_menu import refresh_menu
from handlers.common import Context, edit_quietly, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import button_handler, private_command
from handlers.keyboards import CallbackData, button
from handlers.members.reminder_prefs import my_choices
from handlers.members.statuses import status_line
from storage.enums import AttendanceAnswer

SHOWN_STATUSES = 20  # a member's statuses on /cuatoi (the text is split to fit anyway)

ERASE_ROUTE = "xe"  # xe:<member>  ask to confirm
ERASE_CONFIRM_ROUTE = "xey"  # xey:<member>  erase
ERASE_CANCEL_ROUTE = "xen"  # xen:0
REQUEST_ROUTE = "xr"  # xr:0  the member: ask to confirm the request
REQUEST_SEND_ROUTE = "xrs"  # xrs:0  the member: send the request
REQUEST_CONFIRM_ROUTE = "xra"  # xra:<request>  the committee: erase
REQUEST_DECLINE_ROUTE = "xrd"  # xrd:<request>  the committee: decline


def _actual(answer: StoredAnswer) -> str:
    if answer.present is True:
        return tp.ACTUAL_PRESENT
    if answer.present is False:
        return {True: tp.ACTUAL_EXCUSED, False: tp.ACTUAL_UNEXCUSED, None: tp.ACTUAL_ABSENT}[
            answer.absence_excused
        ]
    return tp.ACTUAL_UNKNOWN


def _counts(preview: ErasurePreview) -> dict[str, int]:
    """The values of the texts that say what an erasure removes and keeps."""
    return {
        "reasons": preview.reasons_removed,
        "comments": preview.comments_removed,
        "answers": preview.answers_kept,
        "present": preview.present_kept,
    }


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
    choices = my_choices(data.reminder_off_leads, data.reminders_paused_until)
    if choices:
        lines.append(choices)
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
    erasure = data.erasure
    if erasure.requested_at is not None:
        lines.append(fmt(tp.MY_ERASURE_PENDING, day=ta.day(erasure.requested_at, tz)))
    else:
        lines.append(fmt(tp.MY_ERASURE, **_counts(erasure)))
    return "\n".join(lines)


@private_command
async def my_data(update: Update, context: Context, message: Message, user: User) -> None:
    data = await services(context).privacy.my_data(user.id)
    parts = split_text(render_my_data(data))
    for part in parts[:-1]:
        await message.reply_text(part)
    markup = None
    if data.erasure.requested_at is None:
        markup = InlineKeyboardMarkup([[button(tp.BUTTON_REQUEST_ERASURE, REQUEST_ROUTE, 0)]])
    await message.reply_text(parts[-1], reply_markup=markup)


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


@button_handler
async def on_erasure_request(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """The member's request (ask, then send), and the committee's decision on it."""
    privacy = services(context).privacy
    if data.route == REQUEST_ROUTE:
        markup = InlineKeyboardMarkup(
            [
                [button(tp.BUTTON_REQUEST_SEND, REQUEST_SEND_ROUTE, 0)],
                [button(tp.BUTTON_CANCEL, ERASE_CANCEL_ROUTE, 0)],
            ]
        )
        await privacy.my_data(query.from_user.id)  # a stranger or a departed member is refused
        await query.answer()
        await send_private(
            context, query.from_user.id, fmt(tp.REQUEST_CONFIRM), reply_markup=markup
        )
    elif data.route == REQUEST_SEND_ROUTE:
        asked = await privacy.request_erasure(query.from_user.id)
        await query.answer()
        await edit_quietly(query.edit_message_text(fmt(tp.REQUEST_SENT)))
        review = fmt(tp.REQUEST_REVIEW, name=asked.member.full_name, **_counts(asked.preview))
        markup = InlineKeyboardMarkup(
            [
                [
                    button(tp.BUTTON_REQUEST_CONFIRM, REQUEST_CONFIRM_ROUTE, asked.request_id),
                    button(tp.BUTTON_REQUEST_DECLINE, REQUEST_DECLINE_ROUTE, asked.request_id),
                ]
            ]
        )
        for reviewer in asked.reviewers:
            if reviewer.telegram_id is not None:
                await send_private(context, reviewer.telegram_id, review, reply_markup=markup)
    else:
        await _decide(context, query, data)


async def _decide(context: Context, query: CallbackQuery, data: CallbackData) -> None:
    confirm = data.route == REQUEST_CONFIRM_ROUTE
    decided = await services(context).privacy.decide_erasure(query.from_user.id, data.id, confirm)
    actor = decided.decided_by.full_name
    if decided.erased is not None:
        answers = decided.erased.answers_kept
        to_committee = fmt(
            tp.REQUEST_CONFIRMED_REVIEWER,
            actor=actor,
            comments=decided.erased.comments_deleted,
            answers=answers,
        )
        to_member = fmt(tp.REQUEST_CONFIRMED_MEMBER, answers=answers)
    else:
        to_committee = fmt(tp.REQUEST_DECLINED_REVIEWER, actor=actor, name=decided.member_name)
        to_member = fmt(tp.REQUEST_DECLINED_MEMBER)
    await query.answer()
    await edit_quietly(query.edit_message_text(to_committee))
    if decided.member_telegram_id is not None:
        await send_private(context, decided.member_telegram_id, to_member)
        if decided.member_was_committee:
            await refresh_menu(context, decided.member_telegram_id)


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("cuatoi", my_data))
    app.add_handler(CommandHandler("xoadulieu", erase_command))
    app.add_handler(
        CallbackQueryHandler(
            on_erase, pattern=rf"^({ERASE_ROUTE}|{ERASE_CONFIRM_ROUTE}|{ERASE_CANCEL_ROUTE}):"
        )
    )
    requests = (REQUEST_ROUTE, REQUEST_SEND_ROUTE, REQUEST_CONFIRM_ROUTE, REQUEST_DECLINE_ROUTE)
    app.add_handler(CallbackQueryHandler(on_erasure_request, pattern=rf"^({'|'.join(requests)}):"))
