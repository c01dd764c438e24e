"""/taolich: the committee creates a meeting step by step (kind → date → place → [thematic
details] → confirm). The wizard's state lives in the database (ConversationService), so it
survives restarts; buttons are ``tl:0:<step value>`` and only act on the current step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.attendance.buttons import attendance_buttons
from bot.delivery.limits import MAX_TEXT, listed, telegram_length
from bot.errors import StaleAction
from bot.meetings.dateparse import parse_datetime
from bot.meetings.drafts import (
    WIZARD,
    MeetingDraft,
    clean_text,
    default_duration,
    draft_of,
    offered_start,
)
from bot.members.names import fold_name
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.views import MeetingInfo, Membership
from handlers.common import Context, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, Row, button, markup
from handlers.meetings.commands import warnings_text
from handlers.text import register_pending
from storage.enums import MeetingKind, MeetingStatus

ROUTE = "tl"
PENDING = WIZARD
KIND_CODES: dict[str, MeetingKind] = {
    "tk": MeetingKind.REGULAR,
    "cd": MeetingKind.THEMATIC,
    "kh": MeetingKind.COMBINED,
    "bt": MeetingKind.EXTRAORDINARY,
}
THEMATIC_STEPS = ("topic", "presenters", "materials", "preparation")
OPTIONAL_STEPS = ("materials", "preparation")
PRESENTER_BUTTONS = 40  # more members than this: the rest are typed by name
STEP_PROMPTS = {
    "topic": tx.WIZ_TOPIC,
    "presenters": tx.WIZ_PRESENTERS,
    "materials": tx.WIZ_MATERIALS,
    "preparation": tx.WIZ_PREPARATION,
}


def _kind(data: dict[str, Any]) -> MeetingKind:
    return MeetingKind(str(data["kind"]))


def _preview(draft: MeetingDraft, who: Membership) -> str:
    info = MeetingInfo(
        id=0,
        cell_id=who.cell.id,
        kind=draft.kind,
        status=MeetingStatus.SCHEDULED,
        starts_at=draft.starts_at,
        duration_minutes=draft.duration_minutes or default_duration(draft.kind),
        place=draft.place,
        chair=None,
        minute_taker=None,
        agenda=None,
        topic=draft.topic,
        presenters=draft.presenters,
        materials=draft.materials,
        preparation=draft.preparation,
        occurrence_key=None,
    )
    return tx.card(info, who.cell.tz)


def _next_step(data: dict[str, Any]) -> str:
    order = ["place"]
    if _kind(data) in (MeetingKind.THEMATIC, MeetingKind.COMBINED):
        order += list(THEMATIC_STEPS)
    current = str(data.get("step"))
    index = order.index(current) if current in order else -1
    return order[index + 1] if index + 1 < len(order) else "confirm"


async def _show_step(
    context: Context, who: Membership, chat_id: int, data: dict[str, Any], query: Any = None
) -> None:
    """Save the state and show the prompt of ``data['step']`` (editing the button message)."""
    svc = services(context)
    step = str(data["step"])
    await svc.conversations.expect(who.member.telegram_id or chat_id, chat_id, PENDING, data)
    markup: InlineKeyboardMarkup | None = None
    if step == "when":
        suggested = await svc.meetings.suggested_starts(who.member.telegram_id or 0, _kind(data))
        rows = [
            [button("📅 " + tc.when(moment, who.cell.tz), ROUTE, 0, f"d_{int(moment.timestamp())}")]
            for moment in suggested
        ]
        text = tx.WIZ_WHEN.format(kind=tc.KIND_NAMES[_kind(data)])
        markup = InlineKeyboardMarkup([*rows, [button(tx.BUTTON_ABORT, ROUTE, 0, "no")]])
    elif step == "place":
        text = tx.WIZ_PLACE.format(
            when=tc.when(datetime.fromisoformat(str(data["starts_at"])), who.cell.tz)
        )
        if data.get("assumed"):
            text = (
                tc.fmt(
                    tx.WIZ_WHEN_ASSUMED,
                    when=tc.when(datetime.fromisoformat(str(data["starts_at"])), who.cell.tz),
                )
                + "\n"
                + text
            )
    elif step == "presenters":
        text, markup = await _presenter_prompt(context, who, data)
    elif step in STEP_PROMPTS:
        text = STEP_PROMPTS[step]
        if step in OPTIONAL_STEPS:
            markup = InlineKeyboardMarkup([[button(tx.BUTTON_SKIP, ROUTE, 0, "skip")]])
    else:
        text = tx.WIZ_CONFIRM.format(card=_preview(draft_of(data), who))
        rows = [
            [button(tx.BUTTON_CONFIRM, ROUTE, 0, "ok"), button(tx.BUTTON_ABORT, ROUTE, 0, "no")]
        ]
        if _kind(data) not in (MeetingKind.THEMATIC, MeetingKind.COMBINED):
            rows.append([button(tx.BUTTON_CHANGE_PLACE, ROUTE, 0, "pl")])
        markup = InlineKeyboardMarkup(rows)
    if query is not None:
        await edit_quietly(query.edit_message_text(text, reply_markup=markup))
    else:
        await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _active_members(context: Context, who: Membership) -> dict[int, str]:
    """The cell's active members, id → full name, in roster order."""
    roster = await services(context).members.roster(who.member.telegram_id or 0)
    return {m.id: m.full_name for m in roster.active}


async def _presenter_prompt(
    context: Context, who: Membership, data: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    """Pick the lead-paper presenter(s) from the member list, so that the HD 42 reminder to
    send the lead paper reaches them (reminders find presenters by their exact name)."""
    members = await _active_members(context, who)
    chosen = [int(i) for i in data.get("presenter_ids", []) if int(i) in members]
    buttons = [
        button(
            (tx.PRESENTER_CHOSEN_MARK if member_id in chosen else "") + name[:50],
            ROUTE,
            0,
            f"p_{member_id}",
        )
        for member_id, name in list(members.items())[:PRESENTER_BUTTONS]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = tx.WIZ_PRESENTERS
    if chosen:
        room = MAX_TEXT - telegram_length(text + "\n\n" + tx.WIZ_PRESENTERS_CHOSEN.format(names=""))
        names = listed([members[i] for i in chosen], room, sep=", ", more=tc.MORE_NAMES)
        text += "\n\n" + tx.WIZ_PRESENTERS_CHOSEN.format(names=names)
        rows.append([button(tx.BUTTON_PRESENTERS_DONE, ROUTE, 0, "pok")])
    return text, InlineKeyboardMarkup(rows)


def _unknown_presenters(typed: str, members: dict[int, str]) -> list[str]:
    """Typed presenter names that match no active member (so no reminder can reach them)."""
    known = {fold_name(name) for name in members.values()}
    names = [name.strip() for name in typed.split(",") if name.strip()]
    return [name for name in names if fold_name(name) not in known]


@private_command
async def taolich(update: Update, context: Context, message: Message, user: User) -> None:
    svc = services(context)
    who = await svc.meetings.committee_member(user.id)
    await svc.conversations.expect(user.id, message.chat_id, PENDING, {"step": "kind"})
    text = tx.WIZ_KIND.format(cell=who.cell.name)
    rows: list[Row] = [
        [button(tx.KIND_BUTTONS[kind], ROUTE, 0, f"k_{code}")] for code, kind in KIND_CODES.items()
    ]
    # The next regular meeting by the cell's rule, one tap away (then one tap to confirm).
    quick = await svc.meetings.next_regular(user.id)
    if quick.starts:
        text += "\n\n" + tx.WIZ_QUICK.format(month=f"{quick.month:02d}/{quick.year}")
        rows = [
            [button("📅 " + tc.when(moment, who.cell.tz), ROUTE, 0, f"q_{int(moment.timestamp())}")]
            for moment in quick.starts
        ] + rows
    elif quick.scheduled is not None:
        text += "\n\n" + tx.WIZ_QUICK_SCHEDULED.format(when=tc.when(quick.scheduled, who.cell.tz))
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))


@button_handler
async def on_wizard_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    if data.arg is None or query.message is None:
        raise UnknownButton()
    user_id, chat_id = query.from_user.id, query.message.chat.id
    svc = services(context)
    who = await services(context).meetings.committee_member(user_id)
    expected = await svc.conversations.expected(user_id, chat_id)
    if expected is None or expected.kind != PENDING:
        raise StaleAction("wizard_gone")
    state = dict(expected.data)
    arg, step = data.arg, state.get("step")
    if arg == "no":
        await svc.conversations.clear(user_id, chat_id)
        await query.answer()
        await edit_quietly(query.edit_message_text(tx.WIZ_ABORTED))
        return
    if arg.startswith("k_") and step == "kind" and arg[2:] in KIND_CODES:
        state.update(kind=KIND_CODES[arg[2:]].value, step="when")
    elif arg.startswith("q_") and step == "kind":
        moment = offered_start(arg[2:], svc.clock.now())
        place = (await svc.meetings.next_regular(user_id)).place
        state.update(kind=MeetingKind.REGULAR.value, starts_at=moment.isoformat(), assumed=False)
        if place:
            state["place"] = place
        state["step"] = "confirm" if place else "place"
    elif (
        arg == "pl"
        and step == "confirm"
        and _kind(state)
        not in (
            MeetingKind.THEMATIC,
            MeetingKind.COMBINED,
        )
    ):
        state["step"] = "place"
    elif arg.startswith("d_") and step == "when":
        moment = offered_start(arg[2:], svc.clock.now())
        state.update(starts_at=moment.isoformat(), step="place", assumed=False)
    elif arg.startswith("p_") and step == "presenters" and arg[2:].isdigit():
        member_id = int(arg[2:])
        if member_id not in await _active_members(context, who):
            raise StaleAction("presenter_gone")
        chosen = [int(i) for i in state.get("presenter_ids", [])]
        state["presenter_ids"] = (
            [i for i in chosen if i != member_id] if member_id in chosen else [*chosen, member_id]
        )
    elif arg == "pok" and step == "presenters":
        members = await _active_members(context, who)
        names = [members[int(i)] for i in state.get("presenter_ids", []) if int(i) in members]
        if not names:
            raise StaleAction("presenter_gone")
        state["presenters"] = clean_text("presenters", ", ".join(names))
        state.pop("presenter_ids", None)
        state["step"] = _next_step(state)
    elif arg == "skip" and step in OPTIONAL_STEPS:
        state["step"] = _next_step(state)
    elif arg == "ok" and step == "confirm":
        change = await svc.meetings.create_from_wizard(user_id, chat_id)
        await query.answer()
        text = tc.fmt(tx.WIZ_CREATED, card=tx.card(change.meeting, who.cell.tz), n=change.notified)
        # The secretary is a member too, and gets no announcement of her own act: answer here.
        answer = markup(attendance_buttons(change.meeting.id))
        await edit_quietly(
            query.edit_message_text(text + warnings_text(change), reply_markup=answer)
        )
        services(context).wake_outbox()
        return
    else:
        raise StaleAction("wizard_gone")
    await query.answer()
    await _show_step(context, who, chat_id, state, query)


async def on_wizard_text(update: Update, context: Context, data: dict[str, Any]) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    who = await services(context).meetings.committee_member(user.id)
    svc = services(context)
    state = dict(data)
    step = state.get("step")
    if step == "when":
        moment, assumed = parse_datetime(message.text, now=svc.clock.now(), tz=who.cell.tz)
        state.update(starts_at=moment.isoformat(), step="place", assumed=assumed)
    elif step == "place" or step in THEMATIC_STEPS:
        state[str(step)] = clean_text(str(step), message.text)
        state["step"] = _next_step(state)
        state.pop("assumed", None)
        if step == "presenters":
            state.pop("presenter_ids", None)
            unknown = _unknown_presenters(state["presenters"], await _active_members(context, who))
            if unknown:
                await message.reply_text(
                    tc.fmt(tx.WIZ_PRESENTERS_UNKNOWN, names=", ".join(unknown))
                )
    else:  # kind or confirm expect a button; repeat the prompt
        await message.reply_text(tx.WIZ_STALE if step is None else tc.fmt(tc.UNKNOWN_BUTTON))
        return
    await _show_step(context, who, message.chat_id, state)


def register(app: ChiboApp) -> None:
    register_pending(PENDING, on_wizard_text)
    app.add_handler(CommandHandler("taolich", taolich))
    app.add_handler(CallbackQueryHandler(on_wizard_button, pattern=rf"^{ROUTE}:"))
