"""Every command the bot answers is findable: in the /help text and in a command menu."""

from __future__ import annotations

import re

from telegram.ext import CommandHandler

from bot.app import build_application
from bot.services import Services
from bot.texts import common as tc
from bot.texts import orgs as to

# Said in the greeting itself or in the group help, not listed as a line of their own.
UNLISTED = {"start", "help", "trogiup", "hoi"}


def _registered_commands(services: Services) -> set[str]:
    app = build_application(
        services, token="1:TEST", base_url="http://127.0.0.1:9/bot", base_file_url="http://x/"
    )
    return {
        command
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def _help_commands() -> set[str]:
    text = tc.HELP_MEMBER + tc.HELP_COMMITTEE_EXTRA + "\n" + to.HELP_ORG_COMMANDS
    return set(re.findall(r"^/([a-z]+) —", text, flags=re.MULTILINE))


def _menu_commands() -> set[str]:
    return {name for name, _ in tc.COMMANDS_MEMBER + tc.COMMANDS_COMMITTEE_EXTRA + to.COMMANDS_ORG}


async def test_every_command_is_in_the_help_and_the_menu(services: Services) -> None:
    commands = _registered_commands(services) - UNLISTED
    assert "xoadulieu" in commands
    assert commands - _help_commands() == set()
    assert commands - _menu_commands() - {"help"} == set()


def test_committee_help_and_menu_name_the_same_commands() -> None:
    committee_help = set(re.findall(r"^/([a-z]+) —", tc.HELP_COMMITTEE_EXTRA, re.MULTILINE))
    committee_menu = {name for name, _ in tc.COMMANDS_COMMITTEE_EXTRA}
    # /thanhvien is in the members' menu already; the committee help explains its extras.
    assert committee_menu == committee_help - {"thanhvien"}
    assert "xoadulieu" in committee_menu


def test_menu_descriptions_fit_telegram() -> None:
    menus = tc.COMMANDS_MEMBER + tc.COMMANDS_COMMITTEE_EXTRA + tc.COMMANDS_GROUP + to.COMMANDS_ORG
    for name, description in menus:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 3 <= len(description) <= 256
