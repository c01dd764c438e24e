"""Transfers between cells (chuyển sinh hoạt đảng) from a member's card in /thanhvien: the
source cell's secretary or deputy issues, the target cell's secretary or deputy receives
(bot/members/transfers.py). Both cells' leaders and the member are told privately."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import MAX_TEXT, shorten
from bot.members.roster_file import parse_day
from bot.members.transfers import DECIDE_ROUTE, ISSUE_ROUTE, TransferInfo
from bot.texts import cells as tcl
from bot.texts import members as tm
from bot.texts.common import fmt
from handlers.commands_menu import refresh_menu
from handlers.common import Context, edit_quietly, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, Row, button, keyboard
from handlers.text import register_pending
from storage.enums import TransferKind

WITHDRAW_ROUTE = "tfw"  # tfw:<transfer> the source cell withdraws a transfer not yet received
PENDING_PERIOD = "transfer_period"
NAME_ROOM = 60
KIND_CODES = {"o": TransferKind.OFFICIAL, "t": TransferKind.TEMPORARY}


def _names(info: TransferInfo) -> dict[str, str]:
    return {
        "name": shorten(info.member.full_name, NAME_ROOM),
        "kind": info.kind_name,
        "period": info.period,
        "source": info.source.name,
    }


async def _issued(context: Context, chat_id: int, info: TransferInfo) -> None:
    """Tell the source leader it was sent, and the target cell's leaders what to decide."""
    text = fmt(tcl.TRANSFER_ISSUED, cell=info.target.name, **_names(info))
    withdraw = keyboard([button(tcl.BUTTON_WITHDRAW, WITHDRAW_ROUTE, info.id)])
    await context.bot.send_message(chat_id, shorten(text, MAX_TEXT), reply_markup=withdraw)
    decide = keyboard(
        [
            button(tcl.BUTTON_ACCEPT, DECIDE_ROUTE, info.id, "a"),
            button(tcl.BUTTON_DECLINE, DECIDE_ROUTE, info.id, "r"),
        ]
    )
    incoming = shorten(fmt(tcl.TRANSFER_INCOMING, cell=info.target.name, **_names(info)), MAX_TEXT)
    for leader in info.target_leaders:
        if leader.telegram_id is not None:
            await send_private(context, leader.telegram_id, incoming, reply_markup=decide)


@button_handler
async def on_issue_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """tf:<member> the kinds; tf:<member>:o|t the target cells; tf:<member>:o<cell> issue an
    official transfer; tf:<member>:t<cell> ask for the temporary transfer's period."""
    svc = services(context)
    member, cells = await svc.members.transfers.targets(query.from_user.id, data.id)
    name = shorten(member.full_name, NAME_ROOM)
    arg = data.arg or ""
    kind = KIND_CODES.get(arg[:1])
    cell_id = bounded_int(arg[1:], minimum=1) if len(arg) > 1 else None
    if arg and (kind is None or (len(arg) > 1 and cell_id is None)):
        raise UnknownButton()
    if kind is None:
        text = fmt(tcl.TRANSFER_CHOOSE_KIND, name=name)
        rows: list[Row] = [
            [button(tcl.BUTTON_OFFICIAL, ISSUE_ROUTE, member.id, "o")],
            [button(tcl.BUTTON_TEMPORARY, ISSUE_ROUTE, member.id, "t")],
            [button(tm.BUTTON_BACK, "mc", member.id)],
        ]
    elif cell_id is None:
        code = arg[:1]
        text = fmt(tcl.TRANSFER_CHOOSE_CELL, kind=tcl.KIND_NAMES[kind.value], name=name)
        if not cells:
            text = fmt(tcl.TRANSFER_NO_CELLS)
        rows = [[button(c.name[:60], ISSUE_ROUTE, member.id, f"{code}{c.id}")] for c in cells[:20]]
        rows.append([button(tm.BUTTON_BACK, ISSUE_ROUTE, member.id)])
    else:
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        if kind is TransferKind.OFFICIAL:
            info = await svc.members.transfers.issue(
                query.from_user.id, member.id, cell_id, TransferKind.OFFICIAL
            )
            await query.answer()
            await _issued(context, chat_id, info)
            return
        target = next((c for c in cells if c.id == cell_id), None)
        if target is None:
            raise UnknownButton()
        await svc.conversations.expect(
            query.from_user.id,
            chat_id,
            PENDING_PERIOD,
            {"member_id": member.id, "cell_id": cell_id},
        )
        await query.answer()
        ask = fmt(tcl.TRANSFER_ASK_PERIOD, name=name, cell=target.name)
        await context.bot.send_message(chat_id, shorten(ask, MAX_TEXT))
        return
    await query.answer()
    await edit_quietly(
        query.edit_message_text(shorten(text, MAX_TEXT), reply_markup=keyboard(*rows))
    )


async def on_period(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    parts = [p.strip() for p in message.text.split(";")]
    starts = parse_day(parts[0]) if parts else None
    ends = parse_day(parts[1]) if len(parts) == 2 else None
    member_id = bounded_int(str(data.get("member_id")), minimum=1)
    cell_id = bounded_int(str(data.get("cell_id")), minimum=1)
    if starts is None or ends is None or member_id is None or cell_id is None:
        await message.reply_text(tcl.TRANSFER_BAD_PERIOD)
        return
    svc = services(context)
    info = await svc.members.transfers.issue(
        user.id, member_id, cell_id, TransferKind.TEMPORARY, starts, ends
    )
    await svc.conversations.clear(user.id, message.chat_id)
    await _issued(context, message.chat_id, info)


@button_handler
async def on_withdraw(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    info = await services(context).members.transfers.withdraw(query.from_user.id, data.id)
    await query.answer()
    text = fmt(tcl.TRANSFER_WITHDRAWN, cell=info.target.name, **_names(info))
    await edit_quietly(query.edit_message_text(shorten(text, MAX_TEXT)))


@button_handler
async def on_decide(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg not in ("a", "r"):
        raise UnknownButton()
    accept = data.arg == "a"
    info = await services(context).members.transfers.decide(query.from_user.id, data.id, accept)
    actor = info.actor.full_name if info.actor else ""
    names = _names(info)
    template = tcl.TRANSFER_ACCEPTED_TARGET if accept else tcl.TRANSFER_DECLINED_TARGET
    await query.answer()
    text = fmt(template, actor=actor, cell=info.target.name, **names)
    await edit_quietly(query.edit_message_text(shorten(text, MAX_TEXT)))
    told = tcl.TRANSFER_ACCEPTED_SOURCE if accept else tcl.TRANSFER_DECLINED_SOURCE
    for leader in info.source_leaders:
        if leader.telegram_id is not None:
            await send_private(
                context,
                leader.telegram_id,
                shorten(fmt(told, cell=info.target.name, **names), MAX_TEXT),
            )
    if accept and info.member.telegram_id is not None:
        template = (
            tcl.TRANSFER_MEMBER_OFFICIAL
            if info.kind is TransferKind.OFFICIAL
            else tcl.TRANSFER_MEMBER_TEMPORARY
        )
        mine = fmt(template, cell=info.target.name, **names)
        if await send_private(context, info.member.telegram_id, shorten(mine, MAX_TEXT)):
            # Their private commands now act on the new cell, as an ordinary member there.
            await refresh_menu(context, info.member.telegram_id)


def register(app: ChiboApp) -> None:
    register_pending(PENDING_PERIOD, on_period)
    app.add_handler(CallbackQueryHandler(on_issue_button, pattern=rf"^{ISSUE_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_withdraw, pattern=rf"^{WITHDRAW_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_decide, pattern=rf"^{DECIDE_ROUTE}:"))
