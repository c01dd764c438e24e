from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder, BaseHandler

from bot.simulator import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    b = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
    async with b:
        yield b


WEBHOOK_URL = "https://bot.example.org/tg"
WEBHOOK_SECRET = "bi-mat_123"


def free_port() -> int:
    """A local port nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def running_app(
    api: FakeBotApi, *handlers: BaseHandler[Any, Any, Any], webhook_port: int | None = None
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The real PTB Application long-polling the fake server or, given a
    ``webhook_port``, serving PTB's webhook there behind WEBHOOK_URL."""
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        assert app.updater is not None
        try:
            if webhook_port is None:
                await app.updater.start_polling(poll_interval=0.0, timeout=1)
            else:
                api.route_webhook(WEBHOOK_URL, f"http://127.0.0.1:{webhook_port}/tg")
                await app.updater.start_webhook(
                    listen="127.0.0.1",
                    port=webhook_port,
                    url_path="tg",
                    webhook_url=WEBHOOK_URL,
                    secret_token=WEBHOOK_SECRET,
                )
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
