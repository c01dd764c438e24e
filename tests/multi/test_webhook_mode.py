"""The whole bot in webhook mode: PTB's webhook server behind the secret token.

Updates the fake Bot API queues for the bot are POSTed to the bot's webhook server here, as
Telegram does once ``setWebhook`` is set (with the secret in X-Telegram-Bot-Api-Secret-Token).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.app import Webhook, build_application, start_application, stop_application
from bot.clock import ManualClock
from bot.runner import RunError, webhook_of
from bot.services import Services
from bot.settings import load_settings
from bot.simulator import FakeBotApi
from handlers.context import ChiboApp
from tests.e2e.conftest import Harness

TOKEN = "123456:WEBHOOK-TEST-TOKEN"
SECRET = "s3cret_Token-for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WebhookBot:
    api: FakeBotApi
    app: ChiboApp
    services: Services
    webhook: Webhook

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.webhook.port}/{self.webhook.path}"

    async def post(self, update: dict[str, Any], headers: dict[str, str]) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.local_url, json=update, headers=headers) as response,
        ):
            return response.status


async def _deliver(bot: WebhookBot) -> None:
    """Telegram's side of a webhook: POST each queued update with the secret header."""
    queue = bot.api._updates
    while True:
        while queue:
            status = await bot.post(queue[0], {HEADER: SECRET})
            assert status == 200
            queue.popleft()
        await asyncio.sleep(0.01)


@pytest.fixture
async def webhook_bot(services: Services) -> AsyncIterator[WebhookBot]:
    api = FakeBotApi(token=TOKEN, bot_username="ChiBoBot")
    await api.start()
    webhook = Webhook(url="https://bot.example.org/telegram", secret=SECRET, port=_free_port())
    app = build_application(
        services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
    )
    await start_application(app, webhook=webhook)
    bot = WebhookBot(api, app, services, webhook)
    delivering = asyncio.create_task(_deliver(bot))
    try:
        yield bot
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
        await stop_application(app)
        await api.stop()


async def test_webhook_mode_sets_the_webhook_with_its_secret_and_serves_start_and_buttons(
    webhook_bot: WebhookBot, clock: ManualClock
) -> None:
    api = webhook_bot.api
    assert api.method_calls("setWebhook")[-1]["url"] == "https://bot.example.org/telegram"
    assert api.method_calls("setWebhook")[-1]["secret_token"] == SECRET
    harness = Harness(api, webhook_bot.app, webhook_bot.services, clock)
    secretary = await harness.secretary()  # /start with the one-time link, then a name
    await harness.member(secretary, "Trần Văn Nam", 201)  # the secretary presses "approve"
    assert api.method_calls("answerCallbackQuery")


@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}], ids=["no-secret", "wrong-secret"])
async def test_webhook_refuses_updates_without_the_right_secret(
    webhook_bot: WebhookBot, headers: dict[str, str]
) -> None:
    api = webhook_bot.api
    _, payload = await webhook_bot.services.cells.create_cell("Chi bộ Khu phố 3")
    forged = {
        "update_id": 999_000,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 555, "type": "private", "first_name": "Kẻ lạ"},
            "from": {"id": 555, "is_bot": False, "first_name": "Kẻ lạ"},
            "text": f"/start {payload}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    assert await webhook_bot.post(forged, headers) == 403
    await asyncio.sleep(0.5)  # time enough for a wrongly accepted update to be answered
    assert not api.messages(555)


def test_webhook_mode_without_a_secret_is_refused_in_one_line() -> None:
    settings = load_settings(
        telegram_bot_token="123456:ABCDEFGHIJKL", webhook_url="https://bot.example.org/tg"
    )
    with pytest.raises(RunError, match="WEBHOOK_SECRET"):
        webhook_of(settings)
    assert webhook_of(load_settings(telegram_bot_token="123456:ABCDEFGHIJKL")) is None
