"""The command menus Telegram shows (setMyCommands), in Vietnamese, scoped by role."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.texts import common as tc
from bot.texts import orgs as to
from handlers.context import ChiboContext

log = logging.getLogger(__name__)


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def set_default_menus(bot: Bot) -> None:
    await bot.set_my_commands(_commands(tc.COMMANDS_MEMBER), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(_commands(tc.COMMANDS_GROUP), scope=BotCommandScopeAllGroupChats())


async def refresh_menu(context: ChiboContext, telegram_id: int) -> None:
    """Set the person's private command menu from what they are now (``command_menu`` in
    bot/access.py: the committee's commands where their commands act, /tonghop for a parent
    committee's role); called wherever a role, a membership or the chosen cell changes."""
    menu = await context.services.members.command_menu(telegram_id)
    committee = tc.COMMANDS_COMMITTEE_EXTRA if menu.committee else ()
    org = to.COMMANDS_ORG if menu.org else ()
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if committee or org:
            pairs = tc.COMMANDS_MEMBER[:-1] + committee + org + tc.COMMANDS_MEMBER[-1:]
            await context.bot.set_my_commands(_commands(pairs), scope=scope)
        else:  # the members' menu, the default of every private chat
            await context.bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # a menu is a convenience; never fail the action for it
        log.info("could not set the command menu for %s: %s", telegram_id, exc)
