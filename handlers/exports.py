"""/xuat (files for the secretary) and /thongke (attendance statistics with a chart)."""

from __future__ import annotations

import asyncio
import threading

from telegram import CallbackQuery, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.limits import MAX_CALLBACK_ANSWER, MAX_CAPTION, shorten, split_text
from bot.exports.service import ExportBundle, parse_day
from bot.exports.stats import YearStats, chart_png
from bot.texts import attendance as ta
from bot.texts import broadcast as tb
from bot.texts import exports as tx
from bot.texts import privacy as tp
from bot.texts.common import fmt
from handlers import minutes
from handlers.attendance.roll import EXPORT_ROUTE, PLAIN_ROUTE
from handlers.common import Context, services
from handlers.context import ChiboApp
from handlers.decorators import button_handler, private_command
from handlers.keyboards import CallbackData, meeting_choice


def caption(filename: str, label: str) -> str:
    """The caption of one exported file, within Telegram's caption limit."""
    if filename.endswith(".xlsx"):
        template = tx.CAPTION_XLSX
    elif filename.endswith(".csv"):
        template = tx.CAPTION_CSV
    elif filename.startswith("ky-ten-"):
        template = tx.CAPTION_SIGNIN
    else:
        template = tx.CAPTION_DOCX
    return shorten(fmt(template, what=label), MAX_CAPTION)


async def _send_bundle(context: Context, chat_id: int, exported: ExportBundle) -> None:
    if not exported.reports:
        await context.bot.send_message(chat_id, fmt(tx.NOTHING_IN_PERIOD, period=exported.label))
        return
    for attachment in exported.files:
        await context.bot.send_document(
            chat_id,
            document=attachment.content,
            filename=attachment.filename,
            caption=caption(attachment.filename, exported.label),
        )
    await context.bot.send_message(chat_id, fmt(tx.SECURITY_NOTE))


def _unexcused(months: tuple[int, ...]) -> str:
    """The note on a member's stats line about months absent without reason, if any."""
    return fmt(tp.STATS_UNEXCUSED, months=", ".join(map(str, months))) if months else ""


@private_command
async def export_command(update: Update, context: Context, message: Message, user: User) -> None:
    svc = services(context)
    cell_id = await svc.exports.cell_of_committee(user.id)
    args = context.args or []
    if len(args) == 2:
        exported = await svc.exports.period(cell_id, parse_day(args[0]), parse_day(args[1]))
        await _send_bundle(context, message.chat_id, exported)
        return
    if args:
        await message.reply_text(fmt(tx.BAD_PERIOD))
        return
    cell, meetings = await svc.attendance.roll_meetings(user.id)
    if not meetings:
        await message.reply_text(fmt(ta.NO_MEETINGS))
        return
    choice = meeting_choice(meetings, cell.tz, EXPORT_ROUTE)
    await message.reply_text(fmt(tx.CHOOSE), reply_markup=choice)


@button_handler
async def on_export(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    cell_id = await svc.exports.cell_of_committee(query.from_user.id)
    exported = await svc.exports.meeting(cell_id, data.id)
    await query.answer(shorten(fmt(tx.SENDING, what=exported.label), MAX_CALLBACK_ANSWER))
    await _send_bundle(context, query.from_user.id, exported)


@button_handler
async def on_plain_copy(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """The plain-text copy: an intro, then the text alone in its own message(s) to copy."""
    text = await services(context).exports.plain_copy(query.from_user.id, data.id)
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await context.bot.send_message(chat_id, tb.PLAIN_INTRO)
    for part in split_text(text):
        await context.bot.send_message(chat_id, part)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def render_stats(stats: YearStats) -> str:
    tz = stats.cell.tz
    lines = [fmt(tp.STATS_TITLE, year=stats.year, cell=stats.cell.name)]
    if not stats.meetings:
        lines.append(fmt(tp.STATS_NONE, year=stats.year))
        return "\n".join(lines)
    lines += [
        fmt(
            tp.STATS_MONTH,
            month=m.month,
            present=m.present,
            expected=m.expected,
            rate=_percent(m.rate),
        )
        for m in stats.months
    ]
    if stats.viewer.is_committee:
        lines.append(tp.STATS_MEETINGS)
        for quality in stats.meetings:
            verdict = {True: tp.VERDICT_MET, False: tp.VERDICT_NOT_MET, None: tp.VERDICT_UNKNOWN}[
                quality.met
            ]
            lines.append(
                fmt(
                    tp.STATS_MEETING,
                    day=ta.day(quality.meeting.starts_at, tz),
                    present=quality.present,
                    members=quality.expected,
                    rate=_percent(quality.rate),
                    verdict=verdict,
                )
            )
        lines.append(tp.STATS_MEMBERS)
        for line in stats.members:
            unexcused = _unexcused(line.unexcused_months)
            lines.append(
                fmt(
                    tp.STATS_MEMBER,
                    name=line.full_name,
                    present=line.present,
                    expected=line.expected,
                    unexcused=unexcused,
                )
            )
        lines.append(tp.STATS_NOTE)
    else:
        for line in stats.members:
            unexcused = _unexcused(line.unexcused_months)
            lines.append(
                fmt(tp.STATS_OWN, present=line.present, expected=line.expected, unexcused=unexcused)
            )
    return "\n".join(lines)


_CHART_LOCK = threading.Lock()  # pyplot keeps global state: one chart at a time


def _draw(stats: YearStats, title: str) -> bytes | None:
    with _CHART_LOCK:
        return chart_png(stats, title)


@private_command
async def stats_command(update: Update, context: Context, message: Message, user: User) -> None:
    year = None
    if context.args and context.args[0].isdigit() and len(context.args[0]) == 4:
        year = int(context.args[0])
    stats = await services(context).stats.year(user.id, year)
    for part in split_text(render_stats(stats)):
        await message.reply_text(part)
    # Drawing takes a second or more: off the event loop, so other updates are answered.
    png = await asyncio.to_thread(_draw, stats, fmt(tp.CHART_TITLE, year=stats.year))
    if png is not None:
        title = shorten(fmt(tp.CHART_TITLE, year=stats.year), MAX_CAPTION)
        await message.reply_photo(png, caption=title)


def register(app: ChiboApp) -> None:
    minutes.register(app)  # the minutes' details: an export's other half
    app.add_handler(CommandHandler("xuat", export_command))
    app.add_handler(CommandHandler("thongke", stats_command))
    app.add_handler(CallbackQueryHandler(on_export, pattern=rf"^{EXPORT_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_plain_copy, pattern=rf"^{PLAIN_ROUTE}:"))
