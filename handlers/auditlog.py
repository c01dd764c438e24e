"""/nhatky: the committee reads the cell's audit log, paged, filtered by member or meeting.

Buttons: ``nk:<page>[:m<member>|:h<meeting>]`` shows a page, ``nkh:0`` the meetings to filter
by. Every id is checked again by the core (another cell's member or meeting is refused).
"""

from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.auditlog.render import NAME_ROOM, page_text
from bot.auditlog.service import AuditLogService, LogFilter, LogPage
from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import shorten
from bot.texts import auditlog as tl
from bot.texts.attendance import meeting_title
from bot.texts.common import fmt
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button, keyboard

PAGE_ROUTE = "nk"
MEETINGS_ROUTE = "nkh"
_FILTER = re.compile(r"([mh])([0-9]+)")


def _service(context: Context) -> AuditLogService:
    svc = services(context)
    return AuditLogService(svc.db, svc.clock)


def _arg(where: LogFilter) -> str | None:
    if where.member_id is not None:
        return f"m{where.member_id}"
    if where.meeting_id is not None:
        return f"h{where.meeting_id}"
    return None


def _filter(arg: str | None) -> LogFilter:
    """The filter a button carries; anything we did not build is an unknown button."""
    if arg is None:
        return LogFilter()
    match = _FILTER.fullmatch(arg)
    id_ = bounded_int(match.group(2), minimum=1) if match else None
    if match is None or id_ is None:
        raise UnknownButton()
    return LogFilter(member_id=id_) if match.group(1) == "m" else LogFilter(meeting_id=id_)


def _page_markup(page: LogPage) -> InlineKeyboardMarkup:
    arg = _arg(page.filter)
    nav: Row = []
    if page.has_newer:
        nav.append(button(tl.BUTTON_NEWER, PAGE_ROUTE, page.page - 1, arg))
    if page.has_older:
        nav.append(button(tl.BUTTON_OLDER, PAGE_ROUTE, page.page + 1, arg))
    tools: Row = [button(tl.BUTTON_BY_MEETING, MEETINGS_ROUTE, 0)]
    if arg is not None:
        tools.append(button(tl.BUTTON_ALL, PAGE_ROUTE, 0))
    return keyboard(nav, tools)


@private_command
async def log_command(update: Update, context: Context, message: Message, user: User) -> None:
    log = _service(context)
    query = " ".join(context.args or []).strip()
    where = LogFilter()
    if query:
        found = await log.find_members(user.id, query)
        shown = shorten(query, NAME_ROOM)
        if not found.members:
            await message.reply_text(fmt(tl.NO_MEMBER, query=shown))
            return
        if len(found.members) > 1:
            rows = [
                [button(shorten(m.full_name, 60), PAGE_ROUTE, 0, f"m{m.id}")] for m in found.members
            ]
            text = fmt(tl.CHOOSE_MEMBER, query=shown)
            if found.more:
                text += "\n" + fmt(tl.MORE_MEMBERS, shown=len(found.members))
            await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
            return
        where = LogFilter(member_id=found.members[0].id)
    page = await log.page(user.id, 0, where)
    await message.reply_text(page_text(page), reply_markup=_page_markup(page))


@button_handler
async def on_log_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    log = _service(context)
    if data.route == MEETINGS_ROUTE:
        cell, meetings = await log.meetings(query.from_user.id)
        await query.answer()
        if not meetings:
            markup = keyboard([button(tl.BUTTON_ALL, PAGE_ROUTE, 0)])
            await edit_quietly(query.edit_message_text(fmt(tl.NO_MEETINGS), reply_markup=markup))
            return
        rows = [
            [button(meeting_title(m.kind, m.starts_at, cell.tz)[:60], PAGE_ROUTE, 0, f"h{m.id}")]
            for m in meetings
        ]
        rows.append([button(tl.BUTTON_ALL, PAGE_ROUTE, 0)])
        await edit_quietly(
            query.edit_message_text(fmt(tl.CHOOSE_MEETING), reply_markup=keyboard(*rows))
        )
        return
    page = await log.page(query.from_user.id, data.id, _filter(data.arg))
    await query.answer()
    await edit_quietly(query.edit_message_text(page_text(page), reply_markup=_page_markup(page)))


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("nhatky", log_command))
    app.add_handler(
        CallbackQueryHandler(on_log_button, pattern=rf"^({PAGE_ROUTE}|{MEETINGS_ROUTE}):")
    )
