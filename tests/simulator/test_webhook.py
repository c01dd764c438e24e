"""Webhook delivery by the fake Bot API, as https://core.telegram.org/bots/api#setwebhook says:
each pending update is POSTed as JSON, a non-2xx answer keeps it for a later retry, and
getWebhookInfo tells what is pending and what went wrong.  A small aiohttp server plays
the bot's webhook behind a TLS-terminating reverse proxy (``api.route_webhook``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.simulator import FakeBotApi
from tests.simulator.conftest import WEBHOOK_SECRET, free_port, running_app

PUBLIC = "https://bot.example.org/tg"


class Receiver:
    """A webhook endpoint that records what reaches it and answers as told."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.statuses: list[int] = []  # answers to give first; 200 afterwards
        self.hold: asyncio.Event | None = None  # while set to an unset event, requests wait
        self.active = 0
        self.most_active = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/tg", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/tg"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            update = await request.json()
            if self.hold is not None:
                await self.hold.wait()
            status = self.statuses.pop(0) if self.statuses else 200
            if status == 200:
                self.received.append(update)
                self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
            return web.Response(status=status)
        finally:
            self.active -= 1

    @property
    def update_ids(self) -> list[int]:
        return [u["update_id"] for u in self.received]


async def first_error(bot: Bot, timeout: float = 5.0) -> str | None:
    """getWebhookInfo's last_error_message, once there is one (None if none came)."""
    for _ in range(int(timeout / 0.05)):
        error = (await bot.get_webhook_info()).last_error_message
        if error is not None:
            return error
        await asyncio.sleep(0.05)
    return None


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    try:
        yield r
    finally:
        await r.stop()


async def test_updates_are_posted_in_order_one_at_a_time(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC, max_connections=1)
    users = [api.user(1000 + i, f"Đảng viên {i}") for i in range(5)]
    for round_ in range(4):
        for u in users:
            await u.send(f"tin {round_}")
    await api.wait_until(lambda: len(receiver.received) == 20)
    assert receiver.update_ids == sorted(receiver.update_ids) == list(range(1, 21))
    assert receiver.most_active == 1
    assert receiver.received[0]["message"]["text"] == "tin 0"
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_max_connections_bounds_concurrent_deliveries(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.hold = asyncio.Event()
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC, max_connections=3)
    u = api.user(1001, "An")
    for i in range(8):
        await u.send(f"tin {i}")
    await api.wait_until(lambda: receiver.active == 3)
    await asyncio.sleep(0.2)
    assert receiver.active == 3
    receiver.hold.set()
    await api.wait_until(lambda: len(receiver.received) == 8)
    assert receiver.most_active == 3
    assert sorted(receiver.update_ids) == list(range(1, 9))


async def test_secret_token_is_sent_in_the_header_only_when_set(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook(PUBLIC, receiver.url)
    u = api.user(1001, "An")
    assert await bot.set_webhook(PUBLIC, secret_token="bi-mat_123")
    await u.send("một")
    await api.wait_until(lambda: len(receiver.received) == 1)
    assert await bot.set_webhook(PUBLIC)
    await u.send("hai")
    await api.wait_until(lambda: len(receiver.received) == 2)
    assert receiver.secrets == ["bi-mat_123", None]
    info = await bot.get_webhook_info()
    assert "secret_token" not in info.api_kwargs  # never revealed


async def test_failed_delivery_is_kept_retried_and_reported(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC)
    u = api.user(1001, "An")
    t0 = time.time()
    await u.send("một")
    await api.wait_until(lambda: not receiver.statuses)  # both 500s answered
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None and info.last_error_date.timestamp() >= int(t0)
    await api.wait_until(lambda: len(receiver.received) == 1)
    assert receiver.update_ids == [1]  # delivered once, after the retries
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_retries_back_off(api: FakeBotApi, bot: Bot, receiver: Receiver) -> None:
    receiver.statuses = [502] * 4
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC)
    await api.user(1001, "An").send("một")
    t0 = time.monotonic()
    await api.wait_until(lambda: len(receiver.received) == 1, timeout=10)
    # Four failures in a row wait at least the sum of the first four backoff steps.
    base = api.webhook_retry_delay
    assert time.monotonic() - t0 >= base * (1 + 2 + 4 + 8) * 0.9


async def test_updates_wait_while_the_proxy_cannot_reach_the_bot(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook(PUBLIC, f"http://127.0.0.1:{free_port()}/tg")
    assert await bot.set_webhook(PUBLIC)
    u = api.user(1001, "An")
    await u.send("một")
    await u.send("hai")

    # The proxy answers Telegram for the bot that refused its connection.
    assert await first_error(bot) == "Wrong response from the webhook: 502 Bad Gateway"
    assert (await bot.get_webhook_info()).pending_update_count == 2
    api.route_webhook(PUBLIC, receiver.url)
    await api.wait_until(lambda: len(receiver.received) == 2)
    assert receiver.update_ids == [1, 2]


async def test_unrouted_url_reports_a_resolve_error(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_webhook("https://nowhere.example.org/tg")
    await api.user(1001, "An").send("một")
    assert await first_error(bot) == "Failed to resolve host: Name or service not known"
    assert (await bot.get_webhook_info()).pending_update_count == 1


async def test_get_updates_conflicts_while_a_webhook_is_set(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC)
    url = f"{api.base_url}{api.token}/getUpdates"
    async with aiohttp.ClientSession() as s, s.post(url) as r:
        body = await r.json()
    assert r.status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method")
    assert await bot.delete_webhook()
    await api.user(1001, "An").send("một")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["một"]
    assert receiver.received == []  # nothing is POSTed once the webhook is deleted


async def test_pending_count_and_dropping_pending_updates(api: FakeBotApi, bot: Bot) -> None:
    api.route_webhook(PUBLIC, f"http://127.0.0.1:{free_port()}/tg")
    assert await bot.set_webhook(PUBLIC)
    u = api.user(1001, "An")
    for text in ("một", "hai", "ba"):
        await u.send(text)
    assert (await bot.get_webhook_info()).pending_update_count == 3
    assert await bot.delete_webhook(drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.get_updates() == ()


async def test_set_webhook_can_drop_pending_updates(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    u = api.user(1001, "An")
    await u.send("cũ")
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC, drop_pending_updates=True)
    await u.send("mới")
    await api.wait_until(lambda: len(receiver.received) == 1)
    await asyncio.sleep(0.1)
    assert [m["message"]["text"] for m in receiver.received] == ["mới"]


async def test_webhook_url_must_be_https_on_an_allowed_port(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://bot.example.org/tg")
    with pytest.raises(BadRequest, match=r"(?i)ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://bot.example.org:8080/tg")
    for port in ("", ":443", ":80", ":88", ":8443"):
        assert await bot.set_webhook(f"https://bot.example.org{port}/tg")
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bot.set_webhook(PUBLIC, secret_token="có dấu")


async def test_route_by_prefix_keeps_the_rest_of_the_path(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook("https://bot.example.org", receiver.url.removesuffix("/tg"))
    assert await bot.set_webhook(PUBLIC)
    await api.user(1001, "An").send("một")
    await api.wait_until(lambda: len(receiver.received) == 1)


async def test_load_balanced_route_spreads_and_skips_a_dead_upstream(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    other = Receiver()
    await other.start()
    try:
        dead = f"http://127.0.0.1:{free_port()}/tg"
        api.route_webhook(PUBLIC, receiver.url, dead, other.url)
        assert await bot.set_webhook(PUBLIC, max_connections=1)
        u = api.user(1001, "An")
        for i in range(9):
            await u.send(f"tin {i}")
        await api.wait_until(lambda: len(receiver.received) + len(other.received) == 9)
        # Turns go receiver, dead, other; the dead one's turns pass on to the next.
        assert len(receiver.received) == 3 and len(other.received) == 6
        assert sorted(receiver.update_ids + other.update_ids) == list(range(1, 10))
        assert (await bot.get_webhook_info()).last_error_message is None
    finally:
        await other.stop()


async def test_a_delivery_that_times_out_is_delivered_again(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.webhook_timeout = 0.3
    receiver.hold = asyncio.Event()
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC, max_connections=1)
    await api.user(1001, "An").send("một")
    assert await first_error(bot) == "Read timeout expired"
    api.webhook_timeout = 10.0
    receiver.hold.set()  # the bot got the timed-out copies too: at least once, not once
    await api.wait_until(lambda: api.pending_updates == 0)
    assert len(receiver.received) >= 2 and set(receiver.update_ids) == {1}


async def test_delivery_resumes_after_the_fake_server_restarts(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC)
    await api.stop()
    await api.user(1001, "An").send("một")
    await api.start()
    await api.wait_until(lambda: receiver.update_ids == [1])


async def test_wait_idle_waits_for_webhook_delivery(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    api.route_webhook(PUBLIC, receiver.url)
    assert await bot.set_webhook(PUBLIC)
    await api.user(1001, "An").send("một")
    assert await api.wait_idle(quiet=0.05, timeout=5)
    assert receiver.update_ids == [1]


async def test_forged_requests_reach_the_given_url_with_the_given_header(
    api: FakeBotApi, receiver: Receiver
) -> None:
    update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "text": "giả"}}
    assert await api.post_to_webhook(receiver.url, update, secret_token="sai") == 200
    assert await api.post_to_webhook(receiver.url, update) == 200
    receiver.statuses = [403]
    assert await api.post_to_webhook(receiver.url, update, secret_token="x") == 403
    assert receiver.secrets == ["sai", None]
    assert api.pending_updates == 0  # a forged request is no update of the fake's


async def test_real_application_in_webhook_mode_answers_and_refuses_forged_updates(
    api: FakeBotApi,
) -> None:
    pytest.importorskip("tornado", reason="PTB's webhook server needs the webhooks extra")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Đã nhận: {update.effective_message.text}")

    port = free_port()
    async with running_app(api, MessageHandler(filters.TEXT, echo), webhook_port=port):
        set_call = api.method_calls("setWebhook")[-1]
        assert set_call["secret_token"] == WEBHOOK_SECRET
        u = api.user(1001, "An")
        await u.send("xin chào")
        assert (await api.wait_for_message(u))["text"] == "Đã nhận: xin chào"
        forged = {
            "update_id": 9999,
            "message": {
                "message_id": 99,
                "date": api.now(),
                "chat": {"id": u.id, "type": "private", "first_name": "An"},
                "from": {"id": u.id, "is_bot": False, "first_name": "An"},
                "text": "giả mạo",
            },
        }
        local = f"http://127.0.0.1:{port}/tg"
        assert await api.post_to_webhook(local, forged, secret_token="sai") == 403
        assert await api.post_to_webhook(local, forged) == 403
        assert await api.wait_idle(quiet=0.3)
        assert [m["text"] for m in api.messages(u)] == ["Đã nhận: xin chào"]
