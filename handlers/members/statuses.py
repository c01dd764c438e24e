"""A member's statuses from their card in /thanhvien (committee): see them, and record a new
one (kind by button, then one typed line: from; to; reason)."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot.delivery.limits import MAX_TEXT, shorten
from bot.members.roster_file import parse_day
from bot.members.statuses import StatusInfo
from bot.texts import members as tm
from bot.texts import roster as tr
from bot.texts.common import fmt
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler
from handlers.keyboards import CallbackData, Row, button, keyboard
from handlers.text import register_pending
from storage.enums import StatusKind

STATUS_ROUTE = "st"  # st:<member> the member's statuses; st:<member>:<kind> record one
PENDING_STATUS = "member_status"
NAME_ROOM = 60
REASON_ROOM = 80
SHOWN = 10


def _day(value: Any) -> str:
    return str(value.strftime("%d/%m/%Y"))


def status_line(status: StatusInfo) -> str:
    return fmt(
        tr.STATUS_LINE,
        kind=tr.STATUS_KIND_NAMES[status.kind.value],
        start=_day(status.starts_on),
        end=_day(status.ends_on),
        reason=shorten(status.reason, REASON_ROOM),
    )


@button_handler
async def on_status_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    member, _, statuses = await svc.members.statuses.of_member(query.from_user.id, data.id)
    if data.arg is None:
        lines = [fmt(tr.STATUS_SCREEN, name=shorten(member.full_name, NAME_ROOM))]
        lines += [status_line(s) for s in statuses[:SHOWN]] or [tr.STATUS_NONE]
        lines.append(tr.STATUS_CHOOSE)
        rows: list[Row] = [
            [button(tr.STATUS_KIND_NAMES[kind.value], STATUS_ROUTE, member.id, kind.value)]
            for kind in StatusKind
        ]
        rows.append([button(tm.BUTTON_BACK, "mc", member.id)])
        await query.answer()
        await edit_quietly(
            query.edit_message_text(
                shorten("\n".join(lines), MAX_TEXT), reply_markup=keyboard(*rows)
            )
        )
        return
    try:
        kind = StatusKind(data.arg)
    except ValueError:
        raise UnknownButton() from None
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await svc.conversations.expect(
        query.from_user.id, chat_id, PENDING_STATUS, {"member_id": member.id, "kind": kind.value}
    )
    await query.answer()
    await query.get_bot().send_message(
        chat_id,
        fmt(
            tr.STATUS_ASK,
            kind=tr.STATUS_KIND_NAMES[kind.value],
            name=shorten(member.full_name, NAME_ROOM),
        ),
    )


async def on_status_line(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    parts = [p.strip() for p in message.text.split(";", 2)]
    starts = parse_day(parts[0]) if parts else None
    ends = parse_day(parts[1]) if len(parts) > 1 else None
    try:
        kind = StatusKind(str(data.get("kind")))
        member_id = int(data.get("member_id", 0))
    except (TypeError, ValueError):
        kind, member_id = StatusKind.LONG_LEAVE, 0
    if starts is None or ends is None or len(parts) < 3 or member_id == 0:
        await message.reply_text(tr.STATUS_BAD_LINE)
        return
    svc = services(context)
    status = await svc.members.statuses.set_status(user.id, member_id, kind, starts, ends, parts[2])
    await svc.conversations.clear(user.id, message.chat_id)
    member, _, _ = await svc.members.statuses.of_member(user.id, status.member_id)
    await message.reply_text(
        fmt(
            tr.STATUS_SAVED,
            name=shorten(member.full_name, NAME_ROOM),
            kind=tr.STATUS_KIND_NAMES[kind.value],
            start=_day(status.starts_on),
            end=_day(status.ends_on),
        ),
        reply_markup=keyboard([button(tr.BUTTON_STATUS, STATUS_ROUTE, member.id)]),
    )


def register(app: ChiboApp) -> None:
    register_pending(PENDING_STATUS, on_status_line)
    app.add_handler(CallbackQueryHandler(on_status_button, pattern=rf"^{STATUS_ROUTE}:"))
