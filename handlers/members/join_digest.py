"""The committee's digest of join requests: approve, reject or match one person, or approve
all listed, and the digest is redrawn in place."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot.delivery.callbacks import bounded_int
from bot.members.join_digest import APPROVE_ALL_ROUTE, DIGEST_ROUTE
from bot.texts import members as tm
from bot.texts import roster as tr
from bot.texts.common import fmt
from handlers.common import Context, edit_quietly, send_private, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, markup
from handlers.members.cells import approved_text

MAX_STAMP = 10**11  # epoch seconds: far past 2038, where 32-bit ids would stop


async def _redraw(query: CallbackQuery, context: Context, last: str, member_id: int) -> None:
    """Redraw the digest of the cell of ``member_id`` (the person the button named)."""
    digest = await services(context).members.digest(query.from_user.id, member_id=member_id)
    message = digest.message(last)
    await query.answer()
    await edit_quietly(query.edit_message_text(message.text, reply_markup=markup(message.buttons)))


@button_handler
async def on_digest_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    if data.arg in ("a", "r"):
        decision = await svc.members.decide_join(query.from_user.id, data.id, data.arg == "a")
        member, cell = decision.member, decision.cell
        template = tm.JOIN_APPROVED_REVIEWER if decision.approved else tm.JOIN_REJECTED_REVIEWER
        last = fmt(
            template, actor=decision.decided_by.full_name, name=member.full_name, cell=cell.name
        )
        told = tm.JOIN_APPROVED_MEMBER if decision.approved else tm.JOIN_REJECTED_MEMBER
    elif data.arg and data.arg.startswith("m") and bounded_int(data.arg[1:], minimum=1):
        matched = await svc.members.confirm_match(query.from_user.id, data.id, int(data.arg[1:]))
        member, cell = matched.member, matched.cell
        last = fmt(
            tm.JOIN_MATCHED_REVIEWER,
            actor=matched.decided_by.full_name,
            name=member.full_name,
            cell=cell.name,
        )
        told = tm.JOIN_APPROVED_MEMBER
    else:
        raise UnknownButton()
    svc.wake_outbox()
    await _redraw(query, context, last, data.id)
    if member.telegram_id is not None:
        text = fmt(told, cell=cell.name)
        if told == tm.JOIN_APPROVED_MEMBER:
            text = await approved_text(context, member.telegram_id, cell.name)
        await send_private(context, member.telegram_id, text)


@button_handler
async def on_approve_all(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    stamp = bounded_int(data.arg, minimum=1, maximum=MAX_STAMP)
    if stamp is None:
        raise UnknownButton()
    svc = services(context)
    drawn_at = datetime.fromtimestamp(stamp + 1, UTC)  # the stamp is cut to the second
    approved = await svc.members.approve_listed(query.from_user.id, data.id, drawn_at)
    svc.wake_outbox()
    digest = await svc.members.digest(query.from_user.id, member_id=data.id)
    actor = await svc.members.membership(query.from_user.id)
    name = actor.member.full_name if actor else ""
    await _redraw(
        query,
        context,
        fmt(tr.APPROVED_ALL, actor=name, count=len(approved), cell=digest.cell.name),
        data.id,
    )
    for member in approved:
        if member.telegram_id is not None:
            text = await approved_text(context, member.telegram_id, digest.cell.name)
            await send_private(context, member.telegram_id, text)


def register(app: ChiboApp) -> None:
    app.add_handler(CallbackQueryHandler(on_digest_button, pattern=rf"^{DIGEST_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_approve_all, pattern=rf"^{APPROVE_ALL_ROUTE}:"))
