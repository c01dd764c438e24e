"""/nhacnho: a member's own reminders (lead times, pause), and the committee's rule for them
(from /caidat). Routes: ``nn:<member>:l<lead>|pm|p<days>|y<days>|on|b`` (the member's own
screen: toggle a lead, the pause menu, pause, confirm a committee member's pause, turn back
on, back) and ``nnc:0:r<lead>|pa`` (the committee: required lead, pausing allowed)."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.callbacks import bounded_int
from bot.members.reminder_prefs import FOREVER, PAUSE_DAYS, MyReminders, Policy
from bot.texts import common as tc
from bot.texts import reminder_prefs as tp
from bot.texts.meetings import lead_words
from bot.views import CellInfo
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button

ROUTE = "nn"
RULE_ROUTE = "nnc"
MAX_LEAD = 60 * 24 * 60  # minutes; larger numbers are not lead times (forged)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def render(view: MyReminders) -> tuple[str, InlineKeyboardMarkup]:
    policy, mid = view.policy, view.member.id
    lines = [
        tp.SCREEN_TITLE.format(cell=view.cell.name),
        tp.SCREEN_LEADS.format(leads=", ".join(lead_words(lead) for lead in policy.leads)),
    ]
    paused = view.paused_until
    if paused is None:
        lines.append(tp.STATE_ON)
    elif not policy.pause_allowed:
        lines.append(tp.STATE_PAUSE_IGNORED)
    elif paused == FOREVER:
        lines.append(tp.STATE_PAUSED_FOREVER)
    else:
        lines.append(
            tp.STATE_PAUSED_UNTIL.format(day=_day(paused), next=_day(paused + timedelta(days=1)))
        )
    lines.append(tp.PAUSE_NOTE if policy.pause_allowed else tp.PAUSE_FORBIDDEN_NOTE)
    lines.append(tp.ALWAYS_SENT)
    if view.member.is_committee:
        lines.append(tp.COMMITTEE_NOTE)
    rows: list[Row] = []
    for lead in policy.leads:
        words = lead_words(lead)
        if lead in policy.required:
            label = tp.LEAD_REQUIRED.format(lead=words)
        elif lead in view.off:
            label = tp.LEAD_OFF.format(lead=words)
        else:
            label = tp.LEAD_ON.format(lead=words)
        rows.append([button(label, ROUTE, mid, f"l{lead}")])
    if paused is not None:
        rows.append([button(tp.BUTTON_RESUME, ROUTE, mid, "on")])
    elif policy.pause_allowed:
        rows.append([button(tp.BUTTON_PAUSE, ROUTE, mid, "pm")])
    return "\n\n".join(lines), InlineKeyboardMarkup(rows)


def my_choices(off: tuple[int, ...], paused_until: date | None) -> str | None:
    """The line of /cuatoi saying what the member chose (None: nothing chosen)."""
    parts = []
    if off:
        parts.append(tp.MY_OFF.format(leads=", ".join(lead_words(lead) for lead in off)))
    if paused_until == FOREVER:
        parts.append(tp.MY_PAUSED_FOREVER)
    elif paused_until is not None:
        parts.append(tp.MY_PAUSED_UNTIL.format(day=_day(paused_until)))
    return tp.MY_CHOICES.format(choices="; ".join(parts)) if parts else None


def _span(today: date, days: int) -> str:
    if days == 0:
        return tp.SPAN_FOREVER
    return tp.SPAN_UNTIL.format(day=_day(today + timedelta(days=days)))


def pause_menu(view: MyReminders) -> tuple[str, InlineKeyboardMarkup]:
    mid = view.member.id
    rows = [
        [
            button(
                tp.PAUSE_FOR.format(
                    label=tp.PAUSE_LABELS[days], day=_day(view.today + timedelta(days=days))
                ),
                ROUTE,
                mid,
                f"p{days}",
            )
        ]
        for days in PAUSE_DAYS
    ]
    rows.append([button(tp.PAUSE_FOREVER, ROUTE, mid, "p0")])
    rows.append([button(tp.BUTTON_BACK, ROUTE, mid, "b")])
    return tp.PAUSE_ASK, InlineKeyboardMarkup(rows)


def committee_confirm(view: MyReminders, days: int) -> tuple[str, InlineKeyboardMarkup]:
    mid = view.member.id
    text = tp.COMMITTEE_CONFIRM.format(
        role=tc.ROLE_NAMES[view.member.role].lower(), span=_span(view.today, days)
    )
    rows = [
        [button(tp.BUTTON_CONFIRM_PAUSE, ROUTE, mid, f"y{days}")],
        [button(tp.BUTTON_BACK, ROUTE, mid, "b")],
    ]
    return text, InlineKeyboardMarkup(rows)


def _number(arg: str, prefix: str, maximum: int) -> int | None:
    return bounded_int(arg[len(prefix) :], maximum=maximum) if arg.startswith(prefix) else None


@private_command
async def nhacnho(update: Update, context: Context, message: Message, user: User) -> None:
    text, markup = render(await services(context).reminder_prefs.mine(user.id))
    await message.reply_text(text, reply_markup=markup)


@button_handler
async def on_prefs_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg is None:
        raise UnknownButton()
    prefs = services(context).reminder_prefs
    user_id, arg, mid = query.from_user.id, data.arg, data.id
    toast = tp.SAVED
    lead = _number(arg, "l", MAX_LEAD)
    days = _number(arg, "p", MAX_LEAD)
    confirmed = _number(arg, "y", MAX_LEAD)
    if lead is not None:
        view = await prefs.toggle_lead(user_id, mid, lead)
    elif arg in ("pm", "b"):
        view = await prefs.own(user_id, mid, pausing=arg == "pm")
        text, markup = pause_menu(view) if arg == "pm" else render(view)
        await query.answer()
        await edit_quietly(query.edit_message_text(text, reply_markup=markup))
        return
    elif days is not None:
        if days not in (0, *PAUSE_DAYS):
            raise UnknownButton()
        view = await prefs.own(user_id, mid, pausing=True)
        if view.member.is_committee:  # told plainly first that committee tasks still come
            text, markup = committee_confirm(view, days)
            await query.answer()
            await edit_quietly(query.edit_message_text(text, reply_markup=markup))
            return
        view = await prefs.pause(user_id, mid, days)
        toast = tp.PAUSED
    elif confirmed is not None:
        view = await prefs.pause(user_id, mid, confirmed, committee_confirmed=True)
        toast = tp.PAUSED
    elif arg == "on":
        view = await prefs.resume(user_id, mid)
        toast = tp.RESUMED
    else:
        raise UnknownButton()
    text, markup = render(view)
    await query.answer(toast)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))
    services(context).wake_outbox()


def render_rule(cell: CellInfo, policy: Policy) -> tuple[str, InlineKeyboardMarkup]:
    lines = [tp.RULE_TITLE.format(cell=cell.name), tp.RULE_BODY]
    lines.append(tp.RULE_PAUSE_ON if policy.pause_allowed else tp.RULE_PAUSE_OFF)
    rows: list[Row] = []
    for lead in policy.leads:
        template = tp.RULE_REQUIRED if lead in policy.required else tp.RULE_OPTIONAL
        rows.append([button(template.format(lead=lead_words(lead)), RULE_ROUTE, 0, f"r{lead}")])
    toggle = tp.BUTTON_FORBID_PAUSE if policy.pause_allowed else tp.BUTTON_ALLOW_PAUSE
    rows.append([button(toggle, RULE_ROUTE, 0, "pa")])
    return "\n\n".join(lines), InlineKeyboardMarkup(rows)


@button_handler
async def on_rule_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    """The committee's rule: opened from /caidat (``nnc:0:show``), changed by its buttons."""
    prefs = services(context).reminder_prefs
    user_id, arg = query.from_user.id, data.arg or ""
    lead = _number(arg, "r", MAX_LEAD)
    if data.id != 0:
        raise UnknownButton()
    if arg == "show":
        cell, policy = await prefs.policy(user_id)
    elif arg == "pa":
        cell, policy = await prefs.toggle_pause_allowed(user_id)
    elif lead is not None:
        cell, policy = await prefs.toggle_required(user_id, lead)
    else:
        raise UnknownButton()
    text, markup = render_rule(cell, policy)
    await query.answer(tp.SAVED if arg != "show" else None)
    await edit_quietly(query.edit_message_text(text, reply_markup=markup))


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("nhacnho", nhacnho))
    app.add_handler(CallbackQueryHandler(on_prefs_button, pattern=rf"^{ROUTE}:"))
    app.add_handler(CallbackQueryHandler(on_rule_button, pattern=rf"^{RULE_ROUTE}:"))
