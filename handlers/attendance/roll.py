"""The committee's roll (/danhsach): who comes, who is absent and why, who has not answered;
nudging the silent ones, answering for a member, opening check-in, marking by hand."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.attendance.roll import matching
from bot.attendance.views import Roll, RollEntry
from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import (
    MAX_CALLBACK_ANSWER,
    MAX_TEXT,
    listed,
    shorten,
    split_text,
    telegram_length,
)
from bot.text_input import clean_text
from bot.texts import attendance as ta
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.texts import exports as tx
from bot.texts.common import fmt
from bot.views import MeetingInfo
from handlers import comments
from handlers.attendance.answers import CHECKIN_ROUTE, flush_panels
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button
from handlers.text import register_pending
from storage.enums import AttendanceAnswer

ROLL_ROUTE = "ds"  # ds:<meeting>            show the roll of a meeting
NUDGE_ROUTE = "dn"  # dn:<meeting>           nudge the silent ones
GRID_ROUTE = "dg"  # dg:<meeting>:<mode><page>  proxy (p) or marking (k) grid
PROXY_ROUTE = "px"  # px:<member>:<meeting>_<y|n|m>_<page>
MARK_ROUTE = "cp"  # cp:<member>:<meeting>_<p|e|u>_<page>
MARK_ALL_ROUTE = "cpa"  # cpa:<meeting>:<page>  mark present all who answered "yes"
OPEN_CHECKIN_ROUTE = "co"  # co:<meeting>
EXPORT_ROUTE = "xm"  # served by handlers/exports.py
MINUTES_ROUTE = "bb"  # bb:<meeting>  the minutes' details, served by handlers/minutes.py
PLAIN_ROUTE = "zl"  # zl:<meeting>  the plain-text copy for Zalo, served by handlers/exports.py
SEARCH_ROUTE = "dt"  # dt:<meeting>:<p|k> ask for a name · r show the matches again · x done
PENDING_SEARCH = "roll_search"  # the typed name searches the roll of data["meeting_id"]
GRID_PAGE = 8
SEARCH_LIMIT = 20  # matches shown at once (4 buttons each: within Telegram's 100)
SEARCH_QUERY_LIMIT = 60
IN_SEARCH = -1  # the "page" of an action pressed on a search result
SEARCH_TTL = timedelta(hours=2)  # then typed text is no longer taken as a name to find
ANSWER_ARGS = {"y": AttendanceAnswer.YES, "n": AttendanceAnswer.NO, "m": AttendanceAnswer.MAYBE}


def _title(meeting: MeetingInfo, roll: Roll) -> str:
    return ta.meeting_title(meeting.kind, meeting.starts_at, ZoneInfo(roll.timezone))


def _line(entry: RollEntry) -> str:
    line = f"• {entry.full_name}"
    if entry.answer is AttendanceAnswer.NO:
        line += f" — {ta.reason_label(entry.reason_code, entry.reason_text)}"
    if entry.proxy_name:
        line += fmt(ta.ROLL_PROXY, name=entry.proxy_name)
    if entry.answer is None and not entry.has_telegram:
        line += ta.ROLL_NO_TELEGRAM
    elif entry.answer is None and not entry.can_dm:
        line += fmt(ta.ROLL_NO_DM)
    return line


def render_roll(roll: Roll, meetings: list[MeetingInfo]) -> tuple[str, InlineKeyboardMarkup]:
    meeting = roll.meeting
    entries = [e for e in roll.entries if e.active or e.answer is not None]
    tally = roll.tally
    lines = [
        fmt(ta.ROLL_TITLE, meeting=_title(meeting, roll)),
        fmt(
            ta.ROLL_SUMMARY,
            answered=tally.total - tally.unanswered,
            total=tally.total,
            yes=tally.yes,
            no=tally.no,
            maybe=tally.maybe,
            unanswered=tally.unanswered,
        ),
    ]
    sections = (
        (ta.ROLL_SECTION_YES, AttendanceAnswer.YES),
        (ta.ROLL_SECTION_NO, AttendanceAnswer.NO),
        (ta.ROLL_SECTION_MAYBE, AttendanceAnswer.MAYBE),
        (ta.ROLL_SECTION_NONE, None),
    )
    for header, answer in sections:
        group = [e for e in entries if e.answer == answer]
        if group:
            lines.append(fmt(header, count=len(group)))
            lines += [_line(e) for e in group]
    if roll.attendance_taken:
        totals = roll.totals
        lines.append(
            fmt(
                ta.ROLL_ACTUAL,
                present=totals.present,
                total=totals.members,
                excused=totals.absent_excused,
                unexcused=totals.absent_unexcused,
                unclassified=totals.absent_unclassified,
                unrecorded=totals.not_recorded,
            )
        )
    if roll.checkin_open:
        lines.append(ta.ROLL_CHECKIN_OPEN)
    rows: list[Row] = [
        [button(ta.BUTTON_NUDGE, NUDGE_ROUTE, meeting.id)],
        [button(ta.BUTTON_PROXY, GRID_ROUTE, meeting.id, "p0")],
        [
            button(ta.BUTTON_CHECKIN, OPEN_CHECKIN_ROUTE, meeting.id),
            button(ta.BUTTON_MARK, GRID_ROUTE, meeting.id, "k0"),
        ],
        [
            button(ta.BUTTON_COMMENTS, comments.VIEW_ROUTE, meeting.id),
            button(ta.BUTTON_EXPORT, EXPORT_ROUTE, meeting.id),
        ],
        [button(tx.BUTTON_MINUTES, MINUTES_ROUTE, meeting.id)],
        [button(tb.BUTTON_PLAIN, PLAIN_ROUTE, meeting.id)],
    ]
    others = [m for m in meetings if m.id != meeting.id]
    tz = ZoneInfo(roll.timezone)
    rows += [[button(f"📅 {ta.day(m.starts_at, tz)}", ROLL_ROUTE, m.id)] for m in others[:6]]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _show_roll(update: Update, context: Context, meeting_id: int | None) -> None:
    svc = services(context)
    user = update.effective_user
    assert user is not None
    _, meetings = await svc.attendance.roll_meetings(user.id)
    if meeting_id is None:
        default = svc.attendance.default_meeting(meetings)
        if default is None:
            assert update.effective_message is not None
            await update.effective_message.reply_text(fmt(ta.NO_MEETINGS))
            return
        meeting_id = default.id
    roll = await svc.attendance.roll(user.id, meeting_id)
    text, markup = render_roll(roll, meetings)
    parts = split_text(text)
    query = update.callback_query
    if query is not None and len(parts) == 1:
        await query.answer()
        await edit_quietly(query.edit_message_text(text, reply_markup=markup))
        return
    if query is not None:
        await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat else user.id
    for part in parts[:-1]:
        await context.bot.send_message(chat_id, part)
    await context.bot.send_message(chat_id, parts[-1], reply_markup=markup)


@private_command
async def roll_command(update: Update, context: Context, message: Message, user: User) -> None:
    await _show_roll(update, context, None)


@button_handler
async def on_roll(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    await _show_roll(update, context, data.id)


@button_handler
async def on_nudge(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    result = await services(context).attendance.nudge(query.from_user.id, data.id)
    text = fmt(ta.NUDGE_DONE, count=result.planned) if result.planned else fmt(ta.NUDGE_NONE)
    await query.answer(shorten(text, MAX_CALLBACK_ANSWER))
    if result.unreachable:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        room = MAX_TEXT - telegram_length(fmt(ta.NUDGE_UNREACHABLE, names=""))
        names = listed(result.unreachable, room, sep=", ", more=tc.MORE_NAMES)
        await context.bot.send_message(chat_id, fmt(ta.NUDGE_UNREACHABLE, names=names))
    services(context).wake_outbox()


@button_handler
async def on_open_checkin(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    opened = await services(context).attendance.open_checkin(query.from_user.id, data.id)
    group = opened.cell.group_chat_id
    if group is None:
        await query.answer(shorten(fmt(ta.CHECKIN_NO_GROUP), MAX_CALLBACK_ANSWER), show_alert=True)
        return
    if not opened.already:
        title = ta.meeting_title(opened.meeting.kind, opened.meeting.starts_at, opened.cell.tz)
        await context.bot.send_message(
            group,
            fmt(ta.CHECKIN_POST, meeting=title),
            reply_markup=InlineKeyboardMarkup(
                [[button(ta.CHECKIN_BUTTON, CHECKIN_ROUTE, opened.meeting.id)]]
            ),
        )
    await query.answer(ta.CHECKIN_OPENED)


# --- the member grids: answer for someone / mark actual attendance ---------------------------
def _grid_state(entry: RollEntry) -> str:
    if entry.present is True:
        return ta.GRID_STATE_PRESENT
    if entry.present is False:
        if entry.absence_excused is True:
            return ta.GRID_STATE_EXCUSED
        if entry.absence_excused is False:
            return ta.GRID_STATE_UNEXCUSED
        return ta.GRID_STATE_ABSENT
    return ta.GRID_STATE_UNKNOWN


def _member_row(
    entry: RollEntry, mode: str, meeting_id: int, index: int, page: str
) -> tuple[str, tuple[str, Row]]:
    """A member's line and their row: a name label and the three action buttons."""
    if mode == "p":
        state = ta.ANSWER_NAMES[entry.answer] if entry.answer else "chưa trả lời"
        actions = [("✅", "y"), ("❌", "n"), ("❔", "m")]
        route = PROXY_ROUTE
    else:
        state = _grid_state(entry)
        actions = [("✅", "p"), ("🟡", "e"), ("🔴", "u")]
        route = MARK_ROUTE
    line = fmt(ta.GRID_LINE, index=index, name=entry.full_name, state=state)
    name = entry.full_name if len(entry.full_name) <= 24 else entry.full_name[:23] + "…"
    buttons = [
        button(label, route, entry.member_id, f"{meeting_id}_{code}_{page}")
        for label, code in actions
    ]
    return line, (f"{index}. {name}", buttons)


def _grid_entries(roll: Roll) -> list[RollEntry]:
    return [e for e in roll.entries if e.active or e.answer is not None or e.present is not None]


def render_search(roll: Roll, mode: str, query: str) -> tuple[str, InlineKeyboardMarkup]:
    """The members whose name matches what the committee typed, each with its actions: the
    whole roll of a big cell is reached from this one screen by typing names."""
    meeting = roll.meeting
    found = matching(_grid_entries(roll), query)
    back = [
        button(ta.BUTTON_SEARCH_DONE, SEARCH_ROUTE, meeting.id, "x"),
        button(ta.BUTTON_BACK_ROLL, ROLL_ROUTE, meeting.id),
    ]
    shown_query = shorten(query, 40)
    if not found:
        return fmt(ta.SEARCH_NONE, query=shown_query), InlineKeyboardMarkup([back])
    title = fmt(
        ta.GRID_PROXY_TITLE if mode == "p" else ta.GRID_MARK_TITLE, meeting=_title(meeting, roll)
    )
    lines = [title, fmt(ta.SEARCH_TITLE, query=shown_query, count=len(found))]
    # Room for the "more" line: the message fits Telegram whatever the names' length.
    room = MAX_TEXT - telegram_length(fmt(ta.SEARCH_MORE, more=len(found))) - 1
    rows: list[Row] = []
    for i, entry in enumerate(found[:SEARCH_LIMIT], start=1):
        line, (label, actions) = _member_row(entry, mode, meeting.id, i, "s")
        if telegram_length("\n".join([*lines, line])) > room:
            break
        lines.append(line)
        rows.append([button(label, SEARCH_ROUTE, meeting.id, "r"), *actions])
    if len(found) > len(rows):
        lines.append(fmt(ta.SEARCH_MORE, more=len(found) - len(rows)))
    rows.append(back)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_grid(roll: Roll, mode: str, page: int) -> tuple[str, InlineKeyboardMarkup]:
    meeting = roll.meeting
    entries = _grid_entries(roll)
    pages = max(1, math.ceil(len(entries) / GRID_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = entries[page * GRID_PAGE : (page + 1) * GRID_PAGE]
    title = _title(meeting, roll)
    lines = [fmt(ta.GRID_PROXY_TITLE if mode == "p" else ta.GRID_MARK_TITLE, meeting=title)]
    rows: list[Row] = [[button(ta.BUTTON_SEARCH, SEARCH_ROUTE, meeting.id, mode)]]
    for i, entry in enumerate(chunk, start=page * GRID_PAGE + 1):
        line, row = _member_row(entry, mode, meeting.id, i, str(page))
        lines.append(line)
        rows.append([button(row[0], GRID_ROUTE, meeting.id, f"{mode}{page}"), *row[1]])
    if mode == "k":
        rows.append([button(ta.BUTTON_MARK_ALL_YES, MARK_ALL_ROUTE, meeting.id, str(page))])
    nav: Row = []
    if page > 0:
        nav.append(button(ta.BUTTON_PREV, GRID_ROUTE, meeting.id, f"{mode}{page - 1}"))
    if page < pages - 1:
        nav.append(button(ta.BUTTON_NEXT, GRID_ROUTE, meeting.id, f"{mode}{page + 1}"))
    rows.append(nav)
    rows.append([button(ta.BUTTON_BACK_ROLL, ROLL_ROUTE, meeting.id)])
    return "\n".join(lines), InlineKeyboardMarkup([r for r in rows if r])


def _grid_arg(arg: str | None) -> tuple[str, int] | None:
    page = bounded_int(arg[1:]) if arg else None
    if not arg or arg[0] not in "pk" or page is None:
        return None
    return arg[0], page


@button_handler
async def on_grid(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    parsed = _grid_arg(data.arg)
    if parsed is None:
        raise UnknownButton()
    mode, page = parsed
    roll = await services(context).attendance.roll(query.from_user.id, data.id)
    text, markup = render_grid(roll, mode, page)
    await query.answer()
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


def _action_arg(arg: str | None, codes: tuple[str, ...]) -> tuple[int, str, int] | None:
    parts = (arg or "").split("_")
    if len(parts) != 3 or parts[1] not in codes:
        return None
    meeting_id = bounded_int(parts[0])
    page = IN_SEARCH if parts[2] == "s" else bounded_int(parts[2])
    if meeting_id is None or page is None:
        return None
    return meeting_id, parts[1], page


@button_handler
async def on_grid_action(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    codes = ("y", "n", "m") if data.route == PROXY_ROUTE else ("p", "e", "u")
    parsed = _action_arg(data.arg, codes)
    if parsed is None:
        raise UnknownButton()
    meeting_id, code, page = parsed
    svc = services(context)
    actor = query.from_user.id
    if data.route == PROXY_ROUTE:
        result = await svc.attendance.answer_for(actor, meeting_id, data.id, ANSWER_ARGS[code])
        notice = fmt(
            ta.ANSWER_SAVED_FOR,
            name=result.member_name,
            answer=ta.ANSWER_NAMES[ANSWER_ARGS[code]],
        )
        mode = "p"
        await flush_panels(context)
    else:
        if code == "p":
            marked = await svc.attendance.mark_present(actor, meeting_id, data.id, True)
        else:
            marked = await svc.attendance.classify_absence(actor, meeting_id, data.id, code == "e")
        if marked.alert is not None:  # one private alert to each committee member, via the outbox
            services(context).wake_outbox()
        notice = fmt(ta.GRID_SAVED, name=marked.entry.full_name, state=_grid_state(marked.entry))
        mode = "k"
    roll = await svc.attendance.roll(actor, meeting_id)
    typed = await _search_query(context, query, meeting_id) if page == IN_SEARCH else None
    if typed is not None:
        text, markup = render_search(roll, mode, typed)
    else:
        text, markup = render_grid(roll, mode, max(page, 0))
    await query.answer(shorten(notice, MAX_CALLBACK_ANSWER))
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


# --- the name search -------------------------------------------------------------------------
async def _search_query(context: Context, query: CallbackQuery, meeting_id: int) -> str | None:
    """What the committee last typed in the search of that meeting's roll, if still on."""
    chat_id = query.message.chat.id if query.message else query.from_user.id
    expected = await services(context).conversations.expected(query.from_user.id, chat_id)
    if expected is None or expected.kind != PENDING_SEARCH:
        return None
    if expected.data.get("meeting_id") != meeting_id or "query" not in expected.data:
        return None
    return str(expected.data["query"])


@button_handler
async def on_search(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg not in ("p", "k", "r", "x"):
        raise UnknownButton()
    svc = services(context)
    actor = query.from_user.id
    chat_id = query.message.chat.id if query.message else actor
    roll = await svc.attendance.roll(actor, data.id)  # the committee only; a stale id is refused
    expected = await svc.conversations.expected(actor, chat_id)
    searching = expected is not None and expected.kind == PENDING_SEARCH
    mode = str(expected.data.get("mode", "k")) if expected and searching else "k"
    await query.answer()
    if data.arg in ("p", "k"):
        await svc.conversations.expect(
            actor,
            chat_id,
            PENDING_SEARCH,
            {"meeting_id": roll.meeting.id, "mode": data.arg},
            ttl=SEARCH_TTL,
        )
        text = fmt(ta.SEARCH_ASK, meeting=_title(roll.meeting, roll))
        markup = InlineKeyboardMarkup(
            [[button(ta.BUTTON_BACK_ROLL, GRID_ROUTE, roll.meeting.id, f"{data.arg}0")]]
        )
    else:
        typed = await _search_query(context, query, roll.meeting.id)
        if data.arg == "x" or typed is None:
            if searching:
                await svc.conversations.clear(actor, chat_id)
            text, markup = render_grid(roll, mode if mode in ("p", "k") else "k", 0)
        else:
            text, markup = render_search(roll, mode, typed)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


async def on_search_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    typed = clean_text(
        message.text, limit=SEARCH_QUERY_LIMIT, empty_key="text_empty", long_key="text_too_long"
    )
    meeting_id = int(data.get("meeting_id", 0))
    mode = "p" if data.get("mode") == "p" else "k"
    roll = await svc.attendance.roll(user.id, meeting_id)
    await svc.conversations.expect(
        user.id,
        message.chat_id,
        PENDING_SEARCH,
        {"meeting_id": meeting_id, "mode": mode, "query": typed},
        ttl=SEARCH_TTL,
    )
    text, markup = render_search(roll, mode, typed)
    await message.reply_text(text, reply_markup=markup)


@button_handler
async def on_mark_all_yes(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    page = bounded_int(data.arg or "")
    if page is None:
        raise UnknownButton()
    result = await services(context).attendance.mark_expected_present(query.from_user.id, data.id)
    count = len(result.marked)
    notice = fmt(ta.MARKED_ALL_YES, count=count) if count else fmt(ta.MARKED_ALL_YES_NONE)
    text, markup = render_grid(result.roll, "k", page)
    await query.answer(shorten(notice, MAX_CALLBACK_ANSWER))
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


def register(app: ChiboApp) -> None:
    register_pending(PENDING_SEARCH, on_search_text)
    app.add_handler(CallbackQueryHandler(on_search, pattern=rf"^{SEARCH_ROUTE}:"))
    app.add_handler(CommandHandler("danhsach", roll_command))
    app.add_handler(CallbackQueryHandler(on_roll, pattern=rf"^{ROLL_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_nudge, pattern=rf"^{NUDGE_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_open_checkin, pattern=rf"^{OPEN_CHECKIN_ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_grid, pattern=rf"^{GRID_ROUTE}:"))
    app.add_handler(
        CallbackQueryHandler(on_grid_action, pattern=rf"^({PROXY_ROUTE}|{MARK_ROUTE}):")
    )
    app.add_handler(CallbackQueryHandler(on_mark_all_yes, pattern=rf"^{MARK_ALL_ROUTE}:"))
