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

log = logging.getLogger(__name__)


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def set_default_menus(bot: Bot) -> None:
    await bot.set_my_commands(_commands(tc.COMMANDS_MEMBER), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(_commands(tc.COMMANDS_GROUP), scope=BotCommandScopeAllGroupChats())


async def set_member_menu(bot: Bot, telegram_id: int, *, committee: bool) -> None:
    """Give a committee member the extra commands in their private chat (or take them away)."""
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if committee:
            pairs = tc.COMMANDS_MEMBER[:-1] + tc.COMMANDS_COMMITTEE_EXTRA + tc.COMMANDS_MEMBER[-1:]
            await bot.set_my_commands(_commands(pairs), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # a menu is a convenience; never fail the action for it
        log.info("could not set the command menu for %s: %s", telegram_id, exc)


async def set_org_menu(bot: Bot, telegram_id: int, *, committee: bool) -> None:
    """A person with a role in a parent committee gets /tonghop in their private chat."""
    extra = tc.COMMANDS_COMMITTEE_EXTRA if committee else ()
    pairs = tc.COMMANDS_MEMBER[:-1] + extra + to.COMMANDS_ORG + tc.COMMANDS_MEMBER[-1:]
    try:
        await bot.set_my_commands(_commands(pairs), scope=BotCommandScopeChat(chat_id=telegram_id))
    except TelegramError as exc:  # a menu is a convenience; never fail the action for it
        log.info("could not set the command menu for %s: %s", telegram_id, exc)
