"""Invitations (/moi), joining, the committee's decisions and the member list (/thanhvien)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.ext import CallbackQueryHandler, CommandHandler
from telegram.helpers import create_deep_linked_url

from bot.delivery.limits import MAX_CALLBACK_ANSWER, shorten
from bot.members.membership import JOIN_REVIEW_ROUTE, Roster
from bot.members.transfers import ISSUE_ROUTE
from bot.texts import cells as tcl
from bot.texts import common as tc
from bot.texts import members as tm
from bot.texts import roster as tr
from bot.views import MemberInfo
from handlers.commands_menu import refresh_menu
from handlers.common import Context, edit_quietly, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button, keyboard
from handlers.members import join_digest, roster_entries, statuses
from handlers.members.cells import approved_text
from handlers.start import PENDING_JOIN_NAME, PENDING_SECRETARY_NAME
from handlers.text import register_pending
from storage.enums import MemberState, PartyStatus, Role

PAGE_SIZE = 20
LISTED = 10  # pending and departed members named on the roster (as many as have buttons)
# Characters of a name (the cell's, a member's) on the roster, so that a page always fits in
# one message: 20 members, 10 waiting and 10 departed, whatever their names.
LISTED_NAME = 60
ROLE_CODES: dict[str, Role] = {
    "bt": Role.SECRETARY,
    "pbt": Role.DEPUTY,
    "cuv": Role.COMMITTEE,
    "dv": Role.MEMBER,
}
STATUS_CODES: dict[str, PartyStatus] = {"ct": PartyStatus.FULL, "db": PartyStatus.PROBATIONARY}


def deep_link(context: Context, payload: str) -> str:
    return create_deep_linked_url(context.bot.username, payload)


# --- /moi ----------------------------------------------------------------------------------
@private_command
async def invite(update: Update, context: Context, message: Message, user: User) -> None:
    svc = services(context)
    cell, payload, expires_at = await svc.members.member_invite(user.id)
    expires = expires_at.astimezone(cell.tz).strftime("%d/%m/%Y")
    text = tc.fmt(tm.INVITE_LINK, cell=cell.name, link=deep_link(context, payload), expires=expires)
    if context.bot_data.simulator:
        text += "\n" + tc.fmt(tm.INVITE_SIMULATOR_HINT, payload=payload)
    await message.reply_text(text)


# --- names typed after a deep link ---------------------------------------------------------
async def on_join_name(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    request = await svc.members.submit_join(str(data.get("code", "")), user.id, message.text)
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(
        tc.fmt(tm.JOIN_SUBMITTED, name=request.member.full_name, cell=request.cell.name)
    )
    svc.wake_outbox()  # the committee's digest (bot/members/join_digest.py)


async def on_secretary_name(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    member = await svc.members.rename_self(user.id, message.text)
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(tc.fmt(tm.SECRETARY_NEXT_STEPS, name=member.full_name))


# --- approve / reject ----------------------------------------------------------------------
@button_handler
async def on_join_decision(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg not in ("a", "r"):
        raise UnknownButton()
    decision = await services(context).members.decide_join(
        query.from_user.id, data.id, data.arg == "a"
    )
    member, cell = decision.member, decision.cell
    template = tm.JOIN_APPROVED_REVIEWER if decision.approved else tm.JOIN_REJECTED_REVIEWER
    await query.answer()
    await edit_quietly(
        query.edit_message_text(
            tc.fmt(
                template, actor=decision.decided_by.full_name, name=member.full_name, cell=cell.name
            )
        )
    )
    if member.telegram_id is not None:
        if decision.approved:
            text = await approved_text(context, member.telegram_id, cell.name)
        else:
            text = tc.fmt(tm.JOIN_REJECTED_MEMBER, cell=cell.name)
        await send_private(context, member.telegram_id, text)


# --- /thanhvien ----------------------------------------------------------------------------
def _roster_line(index: int, member: MemberInfo) -> str:
    line = tc.fmt(
        tm.ROSTER_LINE,
        index=index,
        name=shorten(member.full_name, LISTED_NAME),
        role=tc.ROLE_NAMES[member.role],
        status=tc.STATUS_NAMES[member.party_status],
    )
    if member.telegram_id is None:
        line += tm.ROSTER_LINE_NO_TELEGRAM
    elif not member.can_dm:
        line += tc.fmt(tm.ROSTER_LINE_NO_BOT)
    return line


def _listed(members: Sequence[MemberInfo]) -> list[str]:
    """The first few names (each cut short: the card shows it whole), then how many more."""
    lines = [f"• {shorten(m.full_name, LISTED_NAME)}" for m in members[:LISTED]]
    if len(members) > LISTED:
        lines.append(tc.fmt(tm.ROSTER_MORE, count=len(members) - LISTED))
    return lines


def render_roster(roster: Roster, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    committee = roster.viewer.is_committee
    people = list(roster.active)
    pages = max(1, math.ceil(len(people) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = people[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    title = tc.fmt(tm.ROSTER_TITLE, cell=shorten(roster.cell.name, LISTED_NAME), count=len(people))
    lines = [title]
    if not people:
        lines.append(tm.ROSTER_EMPTY)
    lines += [_roster_line(page * PAGE_SIZE + i + 1, m) for i, m in enumerate(chunk)]
    rows: list[Row] = []
    if committee:
        if roster.pending:
            lines.append(tc.fmt(tm.ROSTER_PENDING_TITLE, count=len(roster.pending)))
            lines += _listed(roster.pending)
            rows += [
                [
                    button(f"{tm.BUTTON_APPROVE} {m.full_name}"[:60], JOIN_REVIEW_ROUTE, m.id, "a"),
                    button(tm.BUTTON_REJECT, JOIN_REVIEW_ROUTE, m.id, "r"),
                ]
                for m in roster.pending[:10]
            ]
        if roster.inactive:
            lines.append(tc.fmt(tm.ROSTER_INACTIVE_TITLE, count=len(roster.inactive)))
            lines += _listed(roster.inactive)
        lines.append(tm.ROSTER_COMMITTEE_HINT)
        members_buttons = [button(m.full_name[:60], "mc", m.id) for m in chunk]
        rows += [members_buttons[i : i + 2] for i in range(0, len(members_buttons), 2)]
        rows += [[button(m.full_name[:60], "mc", m.id)] for m in roster.inactive[:10]]
        rows.append([button(tm.BUTTON_ROSTER_ADD, roster_entries.ADD_ROUTE, 0)])
    if pages > 1:
        lines.append(tc.fmt(tm.ROSTER_PAGE, page=page + 1, pages=pages))
        nav = []
        if page > 0:
            nav.append(button(tm.BUTTON_PREV, "rp", page - 1))
        if page < pages - 1:
            nav.append(button(tm.BUTTON_NEXT, "rp", page + 1))
        rows.append(nav)
    return "\n".join(lines), (InlineKeyboardMarkup(rows) if rows else None)


@private_command
async def roster(update: Update, context: Context, message: Message, user: User) -> None:
    text, markup = render_roster(await services(context).members.roster(user.id), 0)
    await message.reply_text(text, reply_markup=markup)


@button_handler
async def on_roster_page(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    text, markup = render_roster(
        await services(context).members.roster(query.from_user.id), data.id
    )
    await query.answer()
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


# --- a member's card (committee) ------------------------------------------------------------
def render_card(member: MemberInfo) -> tuple[str, InlineKeyboardMarkup]:
    state = tm.MEMBER_STATE_ACTIVE if member.is_active else tm.MEMBER_STATE_INACTIVE
    text = tc.fmt(
        tm.MEMBER_CARD,
        name=shorten(member.full_name, LISTED_NAME),
        role=tc.ROLE_NAMES[member.role],
        status=tc.STATUS_NAMES[member.party_status],
        state=state,
        dm=tc.fmt(tm.MEMBER_DM_OK if member.can_dm else tm.MEMBER_DM_NO),
    )
    role_buttons = [
        button(tc.fmt(tm.BUTTON_SET_ROLE, role=tc.ROLE_NAMES[role]), "mr", member.id, code)
        for code, role in ROLE_CODES.items()
        if role is not member.role
    ]
    status_buttons = [
        button(tc.fmt(tm.BUTTON_SET_STATUS, status=tc.STATUS_NAMES[status]), "ms", member.id, code)
        for code, status in STATUS_CODES.items()
        if status is not member.party_status
    ]
    if member.state is MemberState.ACTIVE:
        state_button = button(tm.BUTTON_DEACTIVATE, "md", member.id)
    else:
        state_button = button(tm.BUTTON_REACTIVATE, "ma", member.id)
    markup = keyboard(
        role_buttons[:2],
        role_buttons[2:],
        status_buttons,
        [button(tr.BUTTON_STATUS, statuses.STATUS_ROUTE, member.id)] if member.is_active else [],
        [button(tcl.BUTTON_TRANSFER, ISSUE_ROUTE, member.id)] if member.is_active else [],
        [state_button],
        [button(tm.BUTTON_BACK, "rp", 0)],
    )
    return text, markup


@button_handler
async def on_member_card(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    actor_id = query.from_user.id
    notice: str | None = None
    if data.route == "mc":
        member = await svc.members.member_for_committee(actor_id, data.id)
    elif data.route == "mr" and data.arg in ROLE_CODES:
        member = await svc.members.set_role(actor_id, data.id, ROLE_CODES[data.arg])
        notice = tc.fmt(tm.ROLE_CHANGED, name=member.full_name, role=tc.ROLE_NAMES[member.role])
        if member.telegram_id is not None:
            await refresh_menu(context, member.telegram_id)
    elif data.route == "ms" and data.arg in STATUS_CODES:
        member = await svc.members.set_party_status(actor_id, data.id, STATUS_CODES[data.arg])
        notice = tc.fmt(
            tm.STATUS_CHANGED, name=member.full_name, status=tc.STATUS_NAMES[member.party_status]
        )
    elif data.route == "md":
        member = await svc.members.member_for_committee(actor_id, data.id)
        await query.answer()
        await edit_quietly(
            query.edit_message_text(
                tc.fmt(tm.CONFIRM_DEACTIVATE, name=member.full_name),
                reply_markup=keyboard(
                    [button(tm.BUTTON_CONFIRM_DEACTIVATE, "mdy", member.id)],
                    [button(tm.BUTTON_CANCEL, "mc", member.id)],
                ),
            )
        )
        return
    elif data.route in ("mdy", "ma"):
        member = await svc.members.set_active(actor_id, data.id, data.route == "ma")
        notice = tc.fmt(
            tm.REACTIVATED if member.is_active else tm.DEACTIVATED, name=member.full_name
        )
        if member.telegram_id is not None:  # a returning chi ủy viên gets the committee menu back
            await refresh_menu(context, member.telegram_id)
    else:
        raise UnknownButton()
    text, markup = render_card(member)
    await query.answer(shorten(notice, MAX_CALLBACK_ANSWER) if notice else None)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


def register(app: ChiboApp) -> None:
    roster_entries.register(app)
    join_digest.register(app)
    statuses.register(app)
    register_pending(PENDING_JOIN_NAME, on_join_name)
    register_pending(PENDING_SECRETARY_NAME, on_secretary_name)
    app.add_handler(CommandHandler("moi", invite))
    app.add_handler(CommandHandler("thanhvien", roster))
    app.add_handler(CallbackQueryHandler(on_join_decision, pattern=rf"^{JOIN_REVIEW_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_roster_page, pattern=r"^rp:"))
    app.add_handler(CallbackQueryHandler(on_member_card, pattern=r"^(mc|mr|ms|md|mdy|ma):"))
