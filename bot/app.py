"""Composition root: builds the python-telegram-bot Application and runs it.

The only module of the core that imports ``handlers``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ApplicationBuilder, Defaults, JobQueue

import handlers
from bot.delivery.outbox import OutboxWorker
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.shared_budget import SendBudget, send_budget_for
from bot.ops.health import outbox_worker_probe
from bot.ops.metrics import set_role
from bot.ops.server import OpsAddress, serve_ops
from bot.periodic import once_per_interval
from bot.services import Services
from handlers.adapters.rate_limit import SharedRateLimiter
from handlers.adapters.sender import TelegramSender
from handlers.adapters.transport import AiohttpRequest
from handlers.adapters.update_order import PerPersonOrder
from handlers.adapters.webhook import start_webhook_server
from handlers.commands_menu import set_default_menus
from handlers.context import CONTEXT_TYPES, ChiboApp, ChiboContext, RunningOutbox

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 32
WEBHOOK_CONNECTIONS = 40  # Telegram's default: POSTs in flight at once, over all instances
OUTBOX_SAFETY_POLL = 5.0  # seconds; the worker also sleeps until the next due row by itself
SINGLE_BATCH = 50  # outbox rows the worker claims at once
PEER_BATCH = 20  # ... when instances share the sending budget (each sends a share of the rate)


class TelegramUnavailable(Exception):
    """The bot could not talk to Telegram at start: the token was refused, or no answer."""

    def __init__(self, error: TelegramError) -> None:
        if isinstance(error, InvalidToken):  # PTB's text repeats the token: not shown
            reason = "Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
        else:
            reason = f"no answer from Telegram ({error}); check the network and"
            reason += " TELEGRAM_API_BASE_URL"
        super().__init__(f"Cannot start: {reason}")


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (``url``, public, behind a TLS proxy) and where our
    webhook server (handlers/adapters/webhook.py) listens for them; requests without
    ``secret`` in the X-Telegram-Bot-Api-Secret-Token header are refused with 403."""

    url: str
    secret: str
    listen: str = "127.0.0.1"
    port: int = 8080

    @property
    def path(self) -> str:
        """The URL's path: the proxy forwards it unchanged."""
        return urlsplit(self.url).path.lstrip("/")


def build_application(
    services: Services,
    *,
    token: str,
    base_url: str,
    base_file_url: str,
    simulator: bool = False,
) -> ChiboApp:
    rate = services.settings.send_rate_per_second
    limiter = RateLimiter(global_rate=rate)
    budget = send_budget_for(services.db.engine, global_rate=rate)
    set_role("peer" if budget.shared else "single")
    jobs: JobQueue[ChiboContext] = JobQueue()
    transports = (AiohttpRequest(), AiohttpRequest(pool_size=1))
    app = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .job_queue(jobs)
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        # aiohttp, not PTB's default httpx: a fraction of its CPU per request under load
        # (handlers/adapters/transport.py).
        .request(transports[0])
        .get_updates_request(transports[1])
        .defaults(Defaults(tzinfo=services.settings.tz))
        # Different people's updates run concurrently (state lives in the database, every
        # action is a short transaction); one person's run one at a time, in arrival order.
        .concurrent_updates(PerPersonOrder(CONCURRENT_UPDATES))
        .rate_limiter(SharedRateLimiter(limiter, budget))
        .build()
    )
    app.bot_data.attach(services, limiter, simulator=simulator)
    app.bot_data.transports = transports
    handlers.register_all(app)
    return app


async def start_application(
    app: ChiboApp,
    *,
    poll_interval: float = 0.0,
    poll_timeout: int = 10,
    webhook: Webhook | None = None,
    ops: OpsAddress | None = None,
) -> None:
    """Initialise, set the command menus, and receive updates: long polling, or the webhook;
    with ``ops``, serve /healthz and /metrics there too."""
    try:
        await app.initialize()
        await set_default_menus(app.bot)
    except TelegramError as exc:
        await app.shutdown()  # does nothing if the bot never initialised, hence:
        for transport in app.bot_data.transports:
            await transport.shutdown()
        raise TelegramUnavailable(exc) from exc
    await app.start()
    assert app.updater is not None
    if webhook is None:
        await app.updater.start_polling(
            poll_interval=poll_interval,
            timeout=poll_timeout,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    else:
        # Not PTB's Updater.start_webhook: it answers 200 before the update is handled, and
        # Telegram never resends an update that got 200, so a kill -9 in between lost it.
        # Ours answers once the update is handled (see handlers/adapters/webhook.py).
        app.bot_data.webhook = await start_webhook_server(
            app,
            listen=webhook.listen,
            port=webhook.port,
            path=webhook.path,
            secret=webhook.secret,
        )
        await app.bot.set_webhook(
            url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            max_connections=WEBHOOK_CONNECTIONS,
        )
    _start_outbox(app)
    running = app.bot_data.outbox
    if ops is not None and running is not None:
        probe = outbox_worker_probe(running.worker, running.task)
        app.bot_data.ops = await serve_ops(app.bot_data.services, probe, ops)


def _start_outbox(app: ChiboApp) -> None:
    """Send the outbox in the background; the JobQueue nudges it as a safety net."""
    services = app.bot_data.services
    shared = app.bot.rate_limiter
    budget = shared.budget if isinstance(shared, SharedRateLimiter) else SendBudget()
    worker = OutboxWorker(
        services.db,
        services.clock,
        TelegramSender(app.bot),
        app.bot_data.rate_limiter,
        renderers=services.renderers,
        budget=budget,
        # Instances share the budget: claim what this one can send within the claim lease.
        batch_size=PEER_BATCH if budget.shared else SINGLE_BATCH,
    )
    stop = asyncio.Event()
    app.bot_data.outbox = RunningOutbox(worker, stop, asyncio.create_task(worker.run_forever(stop)))
    services.wake_outbox = worker.wake
    if app.job_queue is not None:

        async def nudge(_context: ChiboContext) -> None:
            worker.wake()

        every = timedelta(seconds=OUTBOX_SAFETY_POLL)
        app.job_queue.run_repeating(
            once_per_interval("outbox-wake", every, nudge),
            interval=OUTBOX_SAFETY_POLL,
            first=OUTBOX_SAFETY_POLL,
            name="outbox-wake",
        )


async def _stop_outbox(app: ChiboApp) -> None:
    running, app.bot_data.outbox = app.bot_data.outbox, None
    if running is None:
        return
    running.stop.set()
    with contextlib.suppress(Exception):
        await running.task


async def stop_application(app: ChiboApp) -> None:
    """A clean stop: no new updates, the handlers and jobs at work finish, then the outbox
    finishes its sends in flight (the Bot API client is still open), then PTB shuts down."""
    ops, app.bot_data.ops = app.bot_data.ops, None
    if ops is not None:
        await ops.close()  # a stopping process is not healthy
    hook, app.bot_data.webhook = app.bot_data.webhook, None
    if hook is not None:
        await hook.close()  # no new updates; the ones being handled finish and are answered
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await _stop_outbox(app)
    await app.shutdown()


async def run_until_stopped(
    app: ChiboApp,
    *,
    until: Callable[[], Coroutine[Any, Any, None]] | None = None,
    webhook: Webhook | None = None,
    ops: OpsAddress | None = None,
) -> None:
    """Run the bot until SIGINT/SIGTERM (or until ``until`` returns)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await start_application(app, webhook=webhook, ops=ops)
    log.info("bot @%s is running (%s)", app.bot.username, "webhook" if webhook else "polling")
    try:
        waiters: list[asyncio.Task[Any]] = [asyncio.create_task(stop.wait())]
        if until is not None:
            waiters.append(asyncio.create_task(until()))
        _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    finally:
        await stop_application(app)
