"""/start (with deep-link payloads) and /help."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import CommandHandler

from bot.members.cells import MEMBER_PREFIX, SECRETARY_PREFIX
from bot.members.membership import JoinStart
from bot.orgs.render import org_help as org_help_text
from bot.texts import cells as tcl
from bot.texts import common as tc
from bot.texts import members as tm
from handlers.commands_menu import refresh_menu
from handlers.common import Context, display_name, domain_errors, group_id, is_private, services
from handlers.context import ChiboApp

PayloadHandler = Callable[[Update, Context, str], Awaitable[None]]
_PAYLOADS: dict[str, PayloadHandler] = {}

PENDING_SECRETARY_NAME = "secretary_name"
PENDING_JOIN_NAME = "join_name"


def register_payload(prefix: str, handler: PayloadHandler) -> None:
    """Let a feature handle its own ``/start <prefix>...`` deep links."""
    _PAYLOADS[prefix] = handler


async def _secretary_link(update: Update, context: Context, code: str) -> None:
    user = update.effective_user
    assert user is not None and update.effective_message is not None
    svc = services(context)
    claim = await svc.cells.claim_secretary(code, user.id, display_name(user))
    if claim.already:
        await update.effective_message.reply_text(tc.fmt(tm.SECRETARY_AGAIN, cell=claim.cell.name))
        return
    await svc.conversations.expect(user.id, user.id, PENDING_SECRETARY_NAME)
    await refresh_menu(context, user.id)
    await update.effective_message.reply_text(tc.fmt(tm.SECRETARY_WELCOME, cell=claim.cell.name))


async def _join_link(update: Update, context: Context, code: str) -> None:
    user = update.effective_user
    assert user is not None and update.effective_message is not None
    svc = services(context)
    result = await svc.members.start_join(code, user.id)
    cell = result.cell.name
    if result.outcome is JoinStart.ALREADY_MEMBER:
        text = tm.JOIN_ALREADY_MEMBER
    elif result.outcome is JoinStart.ALREADY_PENDING:
        text = tm.JOIN_ALREADY_PENDING
    else:
        await svc.conversations.expect(user.id, user.id, PENDING_JOIN_NAME, {"code": code})
        text = tm.JOIN_ASK_NAME
    await update.effective_message.reply_text(tc.fmt(text, cell=cell))


async def help_text(update: Update, context: Context) -> str:
    user = update.effective_user
    assert user is not None
    if not is_private(update):
        return tc.fmt(tc.HELP_GROUP)
    membership = await services(context).members.membership(user.id)
    org_help = org_help_text(await services(context).orgs.roles_of(user.id))
    if membership is None:
        return org_help or tc.fmt(tc.START_STRANGER)
    text = tc.fmt(
        tc.START_MEMBER,
        name=membership.member.full_name,
        role=tc.ROLE_NAMES[membership.member.role].lower(),
        cell=membership.cell.name,
    )
    if (await services(context).members.chosen_cells.choices(user.id)).several:
        text += "\n" + tc.fmt(tcl.CURRENT_LINE, cell=membership.cell.name)
    text += "\n\n" + tc.fmt(tc.HELP_MEMBER)
    if membership.member.is_committee:
        text += tc.HELP_COMMITTEE_EXTRA
    return text + (f"\n\n{org_help}" if org_help else "")


@domain_errors
async def start(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    if group_id(update) is not None:
        await message.reply_text(tc.fmt(tc.HELP_GROUP))
        return
    payload = context.args[0] if context.args else ""
    for prefix, handler in _PAYLOADS.items():
        if payload.startswith(prefix) and len(payload) > len(prefix):
            await handler(update, context, payload[len(prefix) :])
            return
    await message.reply_text(await help_text(update, context))


@domain_errors
async def help_command(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(await help_text(update, context))


def register(app: ChiboApp) -> None:
    register_payload(SECRETARY_PREFIX, _secretary_link)
    register_payload(MEMBER_PREFIX, _join_link)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler(["help", "trogiup"], help_command))
