"""/gopy and the 📝 Góp ý button: a member writes, edits, withdraws and hides the name on their
own comments; only the committee reads everyone's (💬, also on /danhsach)."""

from __future__ import annotations

from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.attendance.buttons import COMMENT_ROUTE
from bot.comments import CommentView
from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten, split_text
from bot.texts import attendance as ta
from bot.texts import comments as tx
from bot.texts import common as tc
from bot.texts.common import fmt
from handlers.common import Context, edit_quietly, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button, meeting_choice
from handlers.text import register_pending

EDIT_ROUTE = "ge"  # ge:<comment>
WITHDRAW_ROUTE = "gw"  # gw:<comment>
HIDE_ROUTE = "gh"  # gh:<comment>:h|s
VIEW_ROUTE = "gv"  # gv:<meeting>
PENDING_NEW = "comment_new"
PENDING_EDIT = "comment_edit"


def _title(view: CommentView) -> str:
    return ta.meeting_title(view.meeting.kind, view.meeting.starts_at, view.cell.tz)


def render_prompt(view: CommentView) -> str:
    """What /gopy asks, with the meeting's agenda (split into parts when sent)."""
    lines = [fmt(tx.ASK_TEXT, meeting=_title(view), limit=tx.LIMIT)]
    if view.meeting.agenda:
        lines.append(fmt(tx.AGENDA, agenda=view.meeting.agenda))
    return "\n".join(lines)


def render_mine(view: CommentView) -> tuple[str, InlineKeyboardMarkup]:
    """The member's own comments with their buttons: one message by construction (at most
    ``MAX_OWN`` comments, each shown up to ``tx.PREVIEW`` characters), edited in place."""
    if not view.comments:
        lines = [fmt(tx.MINE_NONE, meeting=_title(view))]
    else:
        lines = [fmt(tx.MINE_TITLE, meeting=_title(view))]
    rows: list[Row] = []
    for i, comment in enumerate(view.comments, start=1):
        mark = tx.HIDDEN_MARK if comment.hide_name else ""
        preview = shorten(comment.text, tx.PREVIEW, pointer=tx.PREVIEW_POINTER)
        lines.append(fmt(tx.COMMENT_LINE, index=i, text=preview) + mark)
        toggle = (
            button(fmt(tx.BUTTON_SHOW, index=i), HIDE_ROUTE, comment.id, "s")
            if comment.hide_name
            else button(fmt(tx.BUTTON_HIDE, index=i), HIDE_ROUTE, comment.id, "h")
        )
        rows.append(
            [
                button(fmt(tx.BUTTON_EDIT, index=i), EDIT_ROUTE, comment.id),
                button(fmt(tx.BUTTON_WITHDRAW, index=i), WITHDRAW_ROUTE, comment.id),
            ]
        )
        rows.append([toggle])
    if view.viewer_is_committee:
        rows.append([button(tx.BUTTON_VIEW_ALL, VIEW_ROUTE, view.meeting.id)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_all(view: CommentView) -> list[str]:
    """Every comment with its author, for the committee, in parts sent in order."""
    lines = [fmt(tx.LIST_TITLE, meeting=_title(view), count=len(view.comments))]
    if not view.comments:
        lines.append(tx.LIST_EMPTY)
    for comment in view.comments:
        template = tx.LIST_LINE_HIDDEN_FOR_COMMITTEE if comment.hide_name else tx.LIST_LINE
        lines.append(fmt(template, author=comment.author_name, text=comment.text))
    return split_text("\n".join(lines))


async def _open(context: Context, user_id: int, meeting_id: int) -> bool:
    """Show the member the prompt and their own comments privately; wait for a new one.

    The bot waits for the comment before asking for it, so a reply typed at once is never
    taken for something else; if the member cannot be reached, it stops waiting."""
    svc = services(context)
    view = await svc.comments.mine(user_id, meeting_id, for_writing=True)
    await svc.conversations.expect(user_id, user_id, PENDING_NEW, {"meeting_id": meeting_id})
    messages: list[tuple[str, InlineKeyboardMarkup | None]] = [
        (part, None) for part in split_text(render_prompt(view))
    ]
    if view.comments or view.viewer_is_committee:
        messages.append(render_mine(view))
    for text, markup in messages:
        if not await send_private(context, user_id, text, reply_markup=markup):
            await svc.conversations.clear(user_id, user_id)
            return False
    return True


@private_command
async def comment_command(update: Update, context: Context, message: Message, user: User) -> None:
    cell, meetings = await services(context).comments.open_meetings(user.id)
    if not meetings:
        await message.reply_text(fmt(tx.NO_OPEN_MEETINGS))
        return
    if len(meetings) == 1:
        await _open(context, user.id, meetings[0].id)
        return
    choice = meeting_choice(meetings, cell.tz, COMMENT_ROUTE)
    await message.reply_text(fmt(tx.CHOOSE_MEETING), reply_markup=choice)


@button_handler
async def on_comment_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    sent = await _open(context, query.from_user.id, data.id)
    private = query.message is not None and query.message.chat.id == query.from_user.id
    if sent and not private:
        await query.answer(
            shorten(fmt(ta.CALLBACK_SAVED_SEE_PRIVATE, answer="mở góp ý"), MAX_CALLBACK_ANSWER)
        )
    elif not sent:
        await query.answer(shorten(fmt(tc.PRIVATE_ONLY), MAX_CALLBACK_ANSWER), show_alert=True)
    else:
        await query.answer()


async def on_new_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    meeting_id = int(data.get("meeting_id", 0))
    await svc.comments.add(user.id, meeting_id, message.text)
    await svc.conversations.clear(user.id, message.chat_id)
    markup = InlineKeyboardMarkup([[button(tx.BUTTON_NEW, COMMENT_ROUTE, meeting_id)]])
    await message.reply_text(fmt(tx.SAVED), reply_markup=markup)


async def on_edit_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    await svc.comments.edit(user.id, int(data.get("comment_id", 0)), message.text)
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(fmt(tx.EDITED))


@button_handler
async def on_manage(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    user_id = query.from_user.id
    if data.route == EDIT_ROUTE:
        comment = await svc.comments.own(user_id, data.id)
        await svc.conversations.expect(user_id, user_id, PENDING_EDIT, {"comment_id": comment.id})
        await query.answer()
        await context.bot.send_message(user_id, fmt(tx.ASK_EDIT))
    elif data.route == WITHDRAW_ROUTE:
        comment = await svc.comments.withdraw(user_id, data.id)
        await query.answer(fmt(tx.WITHDRAWN))
        await _refresh(query, context, user_id, comment.meeting_id)
    elif data.route == HIDE_ROUTE and data.arg in ("h", "s"):
        comment = await svc.comments.set_hidden(user_id, data.id, data.arg == "h")
        await query.answer(fmt(tx.NAME_HIDDEN_NOW if comment.hide_name else tx.NAME_SHOWN_NOW))
        await _refresh(query, context, user_id, comment.meeting_id)
    else:
        raise UnknownButton()


async def _refresh(query: Any, context: Context, user_id: int, meeting_id: int) -> None:
    view = await services(context).comments.mine(user_id, meeting_id)
    text, markup = render_mine(view)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


@button_handler
async def on_view_all(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    user_id = query.from_user.id
    view = await services(context).comments.for_meeting(user_id, data.id)
    await query.answer()
    for part in render_all(view):
        if not await send_private(context, user_id, part):
            break


def register(app: ChiboApp) -> None:
    register_pending(PENDING_NEW, on_new_text)
    register_pending(PENDING_EDIT, on_edit_text)
    app.add_handler(CommandHandler("gopy", comment_command))
    app.add_handler(CallbackQueryHandler(on_comment_button, pattern=rf"^{COMMENT_ROUTE}:"))
    app.add_handler(
        CallbackQueryHandler(on_manage, pattern=rf"^({EDIT_ROUTE}|{WITHDRAW_ROUTE}|{HIDE_ROUTE}):")
    )
    app.add_handler(CallbackQueryHandler(on_view_all, pattern=rf"^{VIEW_ROUTE}:"))
