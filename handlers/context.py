"""The typed context every handler gets: ``context.bot_data`` is a ``BotData``, not a dict.

The composition root (bot/app.py) builds the Application with ``CONTEXT_TYPES`` and fills the
``BotData`` once; handlers read ``context.bot_data.services`` (or ``services(context)``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue
from telegram.request import BaseRequest

from bot.delivery.outbox import OutboxWorker
from bot.delivery.ratelimit import RateLimiter
from bot.ops.server import OpsServer
from bot.services import Services
from handlers.adapters.webhook import WebhookServer


@dataclass
class RunningOutbox:
    """The outbox worker this process runs, and how to stop it."""

    worker: OutboxWorker
    stop: asyncio.Event
    task: asyncio.Task[None]


class BotData:
    """What one running bot shares between its handlers and jobs.

    PTB creates it empty (``BotData()``); ``bot.app.build_application`` attaches the services.
    """

    def __init__(self) -> None:
        self._services: Services | None = None
        self._rate_limiter: RateLimiter | None = None
        self.simulator = False  # talking to the local simulator, not Telegram
        self.outbox: RunningOutbox | None = None  # set while the outbox worker runs
        self.ops: OpsServer | None = None  # /healthz and /metrics, while `chibo run` serves them
        self.webhook: WebhookServer | None = None  # the webhook server, in webhook mode
        # The Bot API's HTTP clients, closed by ``bot.app`` if the start fails: PTB's shutdown
        # skips a bot that never initialised.
        self.transports: tuple[BaseRequest, ...] = ()

    def attach(self, services: Services, rate_limiter: RateLimiter, *, simulator: bool) -> None:
        self._services, self._rate_limiter, self.simulator = services, rate_limiter, simulator

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("no services: build the Application with bot.app")
        return self._services

    @property
    def rate_limiter(self) -> RateLimiter:
        if self._rate_limiter is None:
            raise RuntimeError("no rate limiter: build the Application with bot.app")
        return self._rate_limiter

    @property
    def outbox_worker(self) -> OutboxWorker | None:
        return self.outbox.worker if self.outbox is not None else None


# ExtBot[bool]: the rate limiter's per-request argument is a bool (PRE_ADMITTED).
class ChiboContext(CallbackContext[ExtBot[bool], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of every handler and job (see PTB's ``ContextTypes``)."""

    @property
    def services(self) -> Services:
        return self.bot_data.services


ChiboApp: TypeAlias = Application[
    ExtBot[bool], ChiboContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[ChiboContext]
]
CONTEXT_TYPES = ContextTypes(context=ChiboContext, bot_data=BotData)
