"""Questions about the rules: any plain text in a private chat, /hoi in groups, /quydinh to
browse the topics with buttons. An answer is the short reply with its sources and a
"📖 Chi tiết" button per entry; pressing it sends the reasoning and caveats, looked up again
from the entry id the button carries."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.limits import split_text
from bot.knowledge.questions import Reply
from bot.texts import common as tc
from bot.texts import knowledge as tk
from handlers.common import Context, domain_errors, edit_quietly, group_id, services
from handlers.context import ChiboApp
from handlers.decorators import button_handler
from handlers.keyboards import CallbackData, Row, button
from handlers.text import set_fallback

TOPIC_ROUTE = "qd"  # qd:0:<entry id>
DETAILS_ROUTE = "qct"  # qct:0:<entry id>
GROUP_ROUTE = "qg"  # qg:<group index>   (qg:9999 = the list of groups)
ALL_GROUPS = 9999
MAX_QUESTION = 1000


def _reply_buttons(reply: Reply) -> InlineKeyboardMarkup | None:
    """ "📖 Chi tiết" under a confident answer (one per entry), else the closest topics."""
    if reply.details:
        single = len(reply.details) == 1
        rows = [
            [
                button(
                    tk.DETAILS_BUTTON if single else tk.DETAILS_BUTTON_OF.format(title=title[:40]),
                    DETAILS_ROUTE,
                    0,
                    entry_id,
                )
            ]
            for entry_id, title in reply.details
        ]
        return InlineKeyboardMarkup(rows)
    if not reply.suggestions:
        return None
    rows = [[button(title[:60], TOPIC_ROUTE, 0, entry_id)] for entry_id, title in reply.suggestions]
    return InlineKeyboardMarkup(rows)


async def _answer(update: Update, context: Context, question: str) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    reply = await services(context).questions.ask(
        user.id, question[:MAX_QUESTION], group_chat_id=group_id(update)
    )
    parts = split_text(reply.text)
    for index, part in enumerate(parts):
        markup = _reply_buttons(reply) if index == len(parts) - 1 else None
        await message.reply_text(part, reply_markup=markup)


@button_handler
async def on_details(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """ "📖 Chi tiết": the entry's details in a second message (an id gone is stale)."""
    text = services(context).questions.details(data.arg or "")
    if text is None or query.message is None:
        await query.answer(tc.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    for part in split_text(text):
        await context.bot.send_message(query.message.chat.id, part)


@domain_errors
async def on_private_question(update: Update, context: Context) -> None:
    """Fallback for private plain text that no awaited answer claimed."""
    message = update.effective_message
    if message is not None and message.text:
        await _answer(update, context, message.text)


@domain_errors
async def hoi(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(tk.HOI_USAGE)
        return
    await _answer(update, context, question)


def _groups_markup(context: Context) -> InlineKeyboardMarkup:
    groups = services(context).questions.kb.groups()
    rows = [[button(group.title[:60], GROUP_ROUTE, index)] for index, group in enumerate(groups)]
    return InlineKeyboardMarkup(rows)


@domain_errors
async def quydinh(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            tk.BROWSE_GROUPS + tk.ASK_HINT, reply_markup=_groups_markup(context)
        )


@button_handler
async def on_browse(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """A topic group or a topic; anything else (an entry gone from the base) is stale."""
    questions = services(context).questions
    back = [button(tk.BUTTON_BACK_GROUPS, GROUP_ROUTE, ALL_GROUPS)]
    if data.route == GROUP_ROUTE:
        groups = questions.kb.groups()
        if data.id == ALL_GROUPS:
            await query.answer()
            await edit_quietly(
                query.edit_message_text(
                    tk.BROWSE_GROUPS + tk.ASK_HINT, reply_markup=_groups_markup(context)
                )
            )
            return
        if data.id < len(groups):
            group = groups[data.id]
            topics = [e for e in questions.kb.topics() if e.group == group.id]
            rows: list[Row] = [[button(e.title[:60], TOPIC_ROUTE, 0, e.id)] for e in topics]
            await query.answer()
            await edit_quietly(
                query.edit_message_text(
                    tk.BROWSE_TOPICS.format(group=group.title),
                    reply_markup=InlineKeyboardMarkup([*rows, back]),
                )
            )
            return
    if data.route == TOPIC_ROUTE and data.arg:
        text = questions.details(data.arg)
        if text is not None:
            await query.answer()
            if query.message is not None:
                parts = split_text(text)  # a long local entry is sent whole, in parts
                for number, part in enumerate(parts, 1):
                    last = number == len(parts)
                    await context.bot.send_message(
                        query.message.chat.id,
                        part,
                        reply_markup=InlineKeyboardMarkup([back]) if last else None,
                    )
            return
    await query.answer(tc.STALE_BUTTON, show_alert=True)


def register(app: ChiboApp) -> None:
    set_fallback(on_private_question)
    app.add_handler(CommandHandler("hoi", hoi))
    app.add_handler(CommandHandler("quydinh", quydinh))
    app.add_handler(CallbackQueryHandler(on_browse, pattern=rf"^({TOPIC_ROUTE}|{GROUP_ROUTE}):"))
    app.add_handler(CallbackQueryHandler(on_details, pattern=rf"^{DETAILS_ROUTE}:"))
