"""/chibo: a person in several cells sees them and chooses the one their private commands act
on (bot/members/chosen_cell.py); the choice is remembered."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.limits import MAX_TEXT, shorten
from bot.members.chosen_cell import CHOOSE_ROUTE, CellChoice
from bot.texts import cells as tcl
from bot.texts import common as tc
from bot.texts import members as tm
from handlers.commands_menu import refresh_menu
from handlers.common import Context, cell_choice, edit_quietly, services
from handlers.context import ChiboApp
from handlers.decorators import button_handler, private_command
from handlers.keyboards import CallbackData


def choice_text(choice: CellChoice) -> str:
    """The /chibo screen: the person's cells with their role, and the one in use."""
    if not choice.several:
        only = choice.memberships[0]
        return tc.fmt(
            tcl.ONLY_ONE_CELL,
            cell=only.cell.name,
            role=tc.ROLE_NAMES[only.member.role].lower(),
        )
    lines = "\n".join(
        tc.fmt(tcl.CHOOSE_LINE, cell=m.cell.name, role=tc.ROLE_NAMES[m.member.role])
        for m in choice.memberships
    )
    current = choice.current.cell.name if choice.current else tcl.CHOOSE_NONE_YET
    text = tc.fmt(tcl.CHOOSE_SCREEN, count=len(choice.memberships), lines=lines, cell=current)
    return shorten(text + "\n" + tcl.CHOOSE_ASK, MAX_TEXT)


def _markup(choice: CellChoice) -> InlineKeyboardMarkup | None:
    if not choice.several:
        return None
    current = choice.current.cell.id if choice.current else None
    return cell_choice(tuple(m.cell for m in choice.memberships), current)


@private_command
async def chibo(update: Update, context: Context, message: Message, user: User) -> None:
    choice = await services(context).members.chosen_cells.choices(user.id)
    await message.reply_text(choice_text(choice), reply_markup=_markup(choice))


@button_handler
async def on_choose(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    choice = await svc.members.chosen_cells.choose(query.from_user.id, data.id)
    assert choice.current is not None
    await query.answer()
    await edit_quietly(
        query.edit_message_text(
            shorten(tc.fmt(tcl.CHOSEN, cell=choice.current.cell.name), MAX_TEXT)
        )
    )
    # The command menu follows the chosen cell: committee commands only where they apply.
    await refresh_menu(context, query.from_user.id)


async def approved_text(context: Context, telegram_id: int, cell: str) -> str:
    """The member's "the committee approved you" message; a person now in several cells is
    told so, which cell their commands act on, and how to switch."""
    note = await services(context).members.chosen_cells.joined_note(telegram_id)
    return tc.fmt(tm.JOIN_APPROVED_MEMBER, cell=cell) + note


def register(app: ChiboApp) -> None:
    app.add_handler(CommandHandler("chibo", chibo))
    app.add_handler(CallbackQueryHandler(on_choose, pattern=rf"^{CHOOSE_ROUTE}:"))
