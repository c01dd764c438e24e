"""/caidat: the cell's recurrence rules (regular monthly, thematic quarterly) and the reminder
lead times. Routes: ``cd:0:reg|thm|q1|q2|q3|xreg|xthm|lead``; the rule or the lead times are
then typed (state in the DB).
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.meetings.drafts import parse_leads
from bot.meetings.recurrence import describe, parse_rule
from bot.meetings.views import CellSchedule
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.texts import reminder_prefs as tp
from bot.views import Membership
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, button
from handlers.members.reminder_prefs import RULE_ROUTE
from handlers.text import register_pending
from storage.enums import MeetingKind

ROUTE = "cd"
PENDING_RULE = "caidat_rule"
PENDING_LEADS = "caidat_leads"


def render(who: Membership, schedule: CellSchedule) -> tuple[str, InlineKeyboardMarkup]:
    rules = {info.kind: info for info in schedule.rules}

    def line(kind: MeetingKind) -> str:
        info = rules.get(kind)
        if info is None:
            return tx.RULE_NONE
        place = f", {info.place}" if info.place else ""
        return f"{describe(info.rule)}{place}"

    text = tx.CAIDAT.format(
        cell=who.cell.name,
        regular=line(MeetingKind.REGULAR),
        thematic=line(MeetingKind.THEMATIC),
        leads=", ".join(tx.lead_words(lead) for lead in schedule.leads),
    )
    rows = [
        [button(tx.BUTTON_SET_REGULAR, ROUTE, 0, "reg")],
        [button(tx.BUTTON_SET_THEMATIC, ROUTE, 0, "thm")],
        [button(tx.BUTTON_SET_LEADS, ROUTE, 0, "lead")],
        [button(tp.BUTTON_RULE, RULE_ROUTE, 0, "show")],  # handlers/members/reminder_prefs.py
    ]
    clear = []
    if MeetingKind.REGULAR in rules:
        clear.append(button(tx.BUTTON_CLEAR_REGULAR, ROUTE, 0, "xreg"))
    if MeetingKind.THEMATIC in rules:
        clear.append(button(tx.BUTTON_CLEAR_THEMATIC, ROUTE, 0, "xthm"))
    return text, InlineKeyboardMarkup([*rows, clear])


@private_command
async def caidat(update: Update, context: Context, message: Message, user: User) -> None:
    who, schedule = await services(context).meetings.schedule(user.id)
    text, markup = render(who, schedule)
    await message.reply_text(text, reply_markup=markup)


@button_handler
async def on_settings_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg is None or query.message is None:
        raise UnknownButton()
    svc = services(context)
    user_id, chat_id = query.from_user.id, query.message.chat.id
    await svc.meetings.schedule(user_id)  # committee only; refuses anyone else
    arg = data.arg
    if arg == "reg":
        await svc.conversations.expect(
            user_id, chat_id, PENDING_RULE, {"kind": MeetingKind.REGULAR.value}
        )
        await query.answer()
        await context.bot.send_message(
            chat_id, tx.ASK_RULE.format(kind=tc.KIND_NAMES[MeetingKind.REGULAR].lower())
        )
    elif arg == "thm":
        await query.answer()
        markup = InlineKeyboardMarkup(
            [[button(label, ROUTE, 0, f"q{n}")] for n, label in tx.QUARTER_MONTH_BUTTONS.items()]
        )
        await context.bot.send_message(chat_id, tx.ASK_QUARTER_MONTH, reply_markup=markup)
    elif arg in ("q1", "q2", "q3"):
        await svc.conversations.expect(
            user_id,
            chat_id,
            PENDING_RULE,
            {"kind": MeetingKind.THEMATIC.value, "quarter_month": int(arg[1])},
        )
        await query.answer()
        await edit_quietly(
            query.edit_message_text(
                tx.ASK_RULE.format(kind=tc.KIND_NAMES[MeetingKind.THEMATIC].lower())
            )
        )
    elif arg in ("xreg", "xthm"):
        kind = MeetingKind.REGULAR if arg == "xreg" else MeetingKind.THEMATIC
        await svc.meetings.clear_rule(user_id, kind)
        await query.answer(tx.RULE_CLEARED[:190])
        who, schedule = await svc.meetings.schedule(user_id)
        text, markup = render(who, schedule)
        await edit_quietly(
            query.edit_message_text(text + "\n\n" + tx.RULE_CLEARED, reply_markup=markup)
        )
    elif arg == "lead":
        await svc.conversations.expect(user_id, chat_id, PENDING_LEADS)
        await query.answer()
        await context.bot.send_message(chat_id, tx.ASK_LEADS)
    else:
        raise UnknownButton()


async def on_rule_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    kind = MeetingKind(str(data.get("kind")))
    quarter_month = data.get("quarter_month")
    rule = parse_rule(message.text, quarter_month=int(quarter_month) if quarter_month else None)
    info, generated = await svc.meetings.set_rule(user.id, kind, rule)
    await svc.conversations.clear(user.id, message.chat_id)
    text = tx.RULE_SAVED.format(rule=describe(info.rule), n=generated.created)
    if generated.already_there:
        text += tx.RULE_ALREADY_THERE.format(n=generated.already_there)
    if generated.same_day:
        who = await svc.meetings.committee_member(user.id)
        for moment in generated.same_day:
            text += tx.RULE_SAME_DAY.format(when=tc.when(moment, who.cell.tz))
    await message.reply_text(text)
    services(context).wake_outbox()


async def on_leads_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    svc = services(context)
    leads = await svc.meetings.set_leads(user.id, parse_leads(message.text))
    await svc.conversations.clear(user.id, message.chat_id)
    await message.reply_text(
        tx.LEADS_SAVED.format(leads=", ".join(tx.lead_words(lead) for lead in leads))
    )
    services(context).wake_outbox()


def register(app: ChiboApp) -> None:
    register_pending(PENDING_RULE, on_rule_text)
    register_pending(PENDING_LEADS, on_leads_text)
    app.add_handler(CommandHandler("caidat", caidat))
    app.add_handler(CallbackQueryHandler(on_settings_button, pattern=rf"^{ROUTE}:"))
