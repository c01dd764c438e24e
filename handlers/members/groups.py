"""The cell's Telegram group: linking when the bot is added, following supergroup upgrades."""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.members.cells import GroupLink
from bot.texts import cells as tcl
from bot.texts import common as tc
from bot.texts import members as tm
from handlers.common import Context, domain_errors, services
from handlers.context import ChiboApp

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


@domain_errors
async def on_my_chat_member(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == "private":
        return
    svc = services(context)
    was_in = change.old_chat_member.status in _PRESENT
    is_in = change.new_chat_member.status in _PRESENT
    if was_in and not is_in:
        await svc.cells.unlink_group(change.chat.id)
        return
    if is_in and not was_in:
        result = await svc.cells.link_group(change.from_user.id, change.chat.id, change.chat.title)
        cell = result.cell.name if result.cell else ""
        texts = {
            GroupLink.LINKED: tm.GROUP_LINKED,
            GroupLink.ALREADY_LINKED: tm.GROUP_ALREADY_LINKED,
            GroupLink.NOT_COMMITTEE: tm.GROUP_NOT_COMMITTEE,
            GroupLink.TAKEN: tm.GROUP_TAKEN,
            GroupLink.CHOOSE_CELL: tcl.GROUP_CHOOSE_FIRST,
        }
        text = tc.fmt(texts[result.outcome], cell=cell)
        markup = None
        if result.outcome is GroupLink.LINKED:
            if change.new_chat_member.status != ChatMember.ADMINISTRATOR:
                text += "\n\n" + tc.fmt(tm.GROUP_NEEDS_RIGHTS)
            url = f"https://t.me/{context.bot.username}"
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(tm.BUTTON_OPEN_BOT, url=url)]])
        await context.bot.send_message(change.chat.id, text, reply_markup=markup)


@domain_errors
async def on_migration(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    if message.migrate_to_chat_id:
        await svc.cells.group_migrated(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await svc.cells.group_migrated(message.migrate_from_chat_id, message.chat_id)


def register(app: ChiboApp) -> None:
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration))
