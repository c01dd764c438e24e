"""``/start o_<code>`` (a role in a parent committee), ``/tonghop [mm/yyyy]`` and the
overview's buttons (route ``th``, bot/orgs/buttons.py), and the digest-planning job."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import CallbackQuery, Message, Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.delivery.callbacks import bounded_int
from bot.delivery.limits import MAX_CALLBACK_ANSWER, MAX_CAPTION, listed, shorten
from bot.orgs.buttons import OVERVIEW_ROUTE, digest_day_buttons, overview_buttons
from bot.orgs.months import Month, month_of_code, parse_month
from bot.orgs.render import overview_parts
from bot.orgs.roles import DIGEST_DAYS, ROLE_PREFIX
from bot.orgs.views import RoleInfo
from bot.texts import orgs as tx
from bot.texts.common import fmt
from handlers.commands_menu import refresh_menu
from handlers.common import Context, display_name, services
from handlers.context import ChiboApp
from handlers.decorators import UnknownButton, button_handler, private_command
from handlers.keyboards import CallbackData, markup
from handlers.start import register_payload

log = logging.getLogger(__name__)

WELCOME_CELLS_ROOM = 1200  # the overseer's cells share this much of the welcome
DIGEST_EVERY = timedelta(minutes=30)
MAX_PAGES = 999


async def _role_link(update: Update, context: Context, code: str) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    svc = services(context)
    claim = await svc.orgs.claim(code, user.id, display_name(user))
    role = claim.role
    names = {"role": tx.ROLE_NAMES[role.role].lower(), "org": role.org.name}
    if claim.already:
        await message.reply_text(fmt(tx.ALREADY, **names))
        return
    if role.role.sees_all_cells:
        scope = fmt(tx.SCOPE_ALL, count=len(claim.cells))
    else:
        scope = listed(list(claim.cells), WELCOME_CELLS_ROOM, sep=", ", more=tx.MORE_CELLS)
    text = fmt(tx.WELCOME, name=role.full_name, scope=scope, **names)
    if not role.role.sees_all_cells:
        text += fmt(tx.WELCOME_OVERSEER_EXTRA)
    await refresh_menu(context, user.id)
    await message.reply_text(text)


async def _send_overview(
    context: Context,
    chat_id: int,
    telegram_id: int,
    role_id: int | None,
    month: Month | None,
    page: int = 1,
) -> None:
    """One page of the month's overview (the first by default), with its buttons."""
    svc = services(context)
    this_month = await svc.overviews.this_month(telegram_id, role_id)
    month = min(month or this_month, this_month)
    overview = await svc.overviews.month(telegram_id, role_id, month)
    roles = await svc.orgs.roles_of(telegram_id)
    others = tuple(r for r in roles if r.id != overview.role.id)
    parts = overview_parts(overview)
    page = min(max(page, 1), len(parts))
    buttons = overview_buttons(
        overview.role, month, this_month, others, page=page, pages=len(parts)
    )
    await context.bot.send_message(chat_id, parts[page - 1], reply_markup=markup(buttons))


@private_command
async def tonghop(update: Update, context: Context, message: Message, user: User) -> None:
    args = context.args or []
    month = parse_month(args[0]) if args else None
    await _send_overview(context, message.chat_id, user.id, None, month)


def _digest_ask(role: RoleInfo) -> str:
    current = (
        fmt(tx.DIGEST_CURRENT_DAY, day=role.digest_day)
        if role.digest_day
        else tx.DIGEST_CURRENT_OFF
    )
    return fmt(tx.DIGEST_ASK, current=current)


@button_handler
async def on_overview_button(
    update: Update, context: Context, query: CallbackQuery, data: CallbackData
) -> None:
    svc = services(context)
    user = query.from_user
    arg = data.arg or ""
    action, code = arg[:1], arg[1:]
    code, _, page_code = code.partition("_")
    page = bounded_int(page_code, minimum=2, maximum=MAX_PAGES) if page_code else 1
    month = month_of_code(code) if page is not None else None
    if not (action == "d" or (action in ("m", "c", "x") and month is not None)):
        raise UnknownButton()
    this_month = await svc.overviews.this_month(user.id, data.id)  # checks the role is theirs
    if action == "d" or month is None:
        await _on_digest_day(context, query, data.id, code)
        return
    month = min(month, this_month)
    await query.answer(tx.SENDING)
    if action == "m":
        await _send_overview(context, user.id, user.id, data.id, month, page or 1)
    elif action == "c":
        overview, png = await svc.overviews.chart(user.id, data.id, month)
        if png is None:
            await context.bot.send_message(user.id, fmt(tx.NO_CELLS))
            return
        caption = fmt(tx.CHART_CAPTION, org=overview.role.org.name, year=month[0], month=month[1])
        await context.bot.send_photo(user.id, png, caption=shorten(caption, MAX_CAPTION))
    else:
        overview, content = await svc.overviews.workbook(user.id, data.id, month)
        caption = fmt(tx.XLSX_CAPTION, org=overview.role.org.name, year=month[0], month=month[1])
        await context.bot.send_document(
            user.id,
            document=content,
            filename=fmt(tx.XLSX_NAME, year=month[0], month=month[1]),
            caption=shorten(caption, MAX_CAPTION),
        )


async def _on_digest_day(context: Context, query: CallbackQuery, role_id: int, code: str) -> None:
    svc = services(context)
    user = query.from_user
    if not code:  # the menu
        role = next(r for r in await svc.orgs.roles_of(user.id) if r.id == role_id)
        await query.answer()
        await context.bot.send_message(
            user.id, _digest_ask(role), reply_markup=markup(digest_day_buttons(role_id))
        )
        return
    if not code.isdigit() or (int(code) != 0 and int(code) not in DIGEST_DAYS):
        raise UnknownButton()
    day = int(code) or None
    role = await svc.orgs.set_digest_day(user.id, role_id, day)
    text = fmt(tx.DIGEST_SET, day=role.digest_day) if role.digest_day else tx.DIGEST_UNSET
    await query.answer(shorten(text, MAX_CALLBACK_ANSWER))
    await context.bot.send_message(user.id, text)


async def digest_job(context: Context) -> None:
    """Plan the monthly digests that are due (idempotent; the outbox sends them once)."""
    svc = services(context)
    try:
        await svc.overviews.plan_digests()
    except Exception:  # the next run retries; never let the job die
        log.exception("planning the monthly digests failed")
        return
    svc.wake_outbox()


def register(app: ChiboApp) -> None:
    register_payload(ROLE_PREFIX, _role_link)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            digest_job,
            interval=DIGEST_EVERY,
            first=5,
            name="org-digests",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
    app.add_handler(CommandHandler("tonghop", tonghop))
    app.add_handler(CallbackQueryHandler(on_overview_button, pattern=rf"^{OVERVIEW_ROUTE}:"))
