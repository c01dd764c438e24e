"""The Bot API transport (handlers/adapters/transport.py) against real local servers: what it
sends, and how each way a request can fail maps to what the outbox does about it (a send that
never left is tried again; one that may have reached Telegram is never sent twice)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.delivery.outgoing import SendStatus
from bot.simulator import FakeBotApi
from handlers.adapters.sender import classify
from handlers.adapters.transport import AiohttpRequest, request_not_sent
from tests.fakes import closed_port

pytestmark = pytest.mark.timeout(60)

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def _server(route: Route) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/{path:.*}", route)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def _transport(pool_size: int = 4) -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(pool_size=pool_size)
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def _fields(**values: str) -> RequestData:
    return RequestData([RequestParameter(name, value, None) for name, value in values.items()])


def _answer_when(release: asyncio.Event) -> Route:
    """A Bot API method that answers only once ``release`` is set."""

    async def route(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    return route


async def test_a_form_reaches_the_server_with_ptbs_user_agent_and_the_answer_comes_back() -> None:
    seen: dict[str, str] = {}

    async def route(request: web.Request) -> web.Response:
        seen.update(await request.post())  # type: ignore[arg-type]
        seen["agent"] = request.headers["User-Agent"]
        seen["type"] = request.content_type
        return web.json_response({"ok": True, "result": {"echo": seen["text"]}})

    async with _server(route) as base, _transport() as transport:
        result = await transport.post(f"{base}/sendMessage", _fields(chat_id="5", text="Chào"))
    assert result == {"echo": "Chào"}
    assert seen["chat_id"] == "5"
    assert seen["type"] == "application/x-www-form-urlencoded"
    assert seen["agent"] == BaseRequest.USER_AGENT


async def test_a_document_is_uploaded_as_multipart_with_its_name_and_bytes() -> None:
    api = FakeBotApi(token="1:T", bot_username="TBot")
    await api.start()
    user = api.user(77, "Đảng viên", started=True)
    async with _transport() as transport:
        bot = Bot(api.token, base_url=api.base_url, request=transport)
        async with bot:
            sent = await bot.send_document(user.id, b"bien ban", filename="bien-ban.docx")
            assert sent.document is not None
            assert sent.document.file_name == "bien-ban.docx"
            assert sent.document.file_size == len(b"bien ban")
    await api.stop()


async def test_no_server_means_not_sent_and_the_outbox_tries_again() -> None:
    async with _transport() as transport:
        with pytest.raises(NetworkError) as caught:
            await transport.post(f"http://127.0.0.1:{closed_port()}/sendMessage", _fields(a="1"))
    assert not isinstance(caught.value, TimedOut)
    assert request_not_sent(caught.value)
    assert classify(caught.value).status is SendStatus.TEMPORARY


async def test_no_answer_in_time_may_have_arrived_and_is_never_sent_again() -> None:
    release = asyncio.Event()
    route = _answer_when(release)
    async with _server(route) as base, _transport() as transport:
        with pytest.raises(TimedOut) as caught:
            await transport.post(f"{base}/sendMessage", _fields(a="1"), read_timeout=0.3)
        release.set()
    assert not request_not_sent(caught.value)
    assert classify(caught.value).status is SendStatus.UNCERTAIN


async def test_a_connection_dropped_before_the_answer_may_have_arrived() -> None:
    async def route(request: web.Request) -> web.Response:
        await request.read()
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    async with _server(route) as base, _transport() as transport:
        with pytest.raises(NetworkError) as caught:
            await transport.post(f"{base}/sendMessage", _fields(a="1"))
    assert not request_not_sent(caught.value)
    assert classify(caught.value).status is SendStatus.UNCERTAIN


async def test_no_free_connection_in_time_means_not_sent() -> None:
    release = asyncio.Event()
    route = _answer_when(release)
    async with _server(route) as base, _transport(pool_size=1) as transport:
        busy = asyncio.create_task(transport.post(f"{base}/getUpdates", _fields(a="1")))
        await asyncio.sleep(0.2)
        with pytest.raises(TimedOut) as caught:
            await transport.post(
                f"{base}/bot123:SECRET/sendMessage",
                _fields(a="2"),
                pool_timeout=0.1,
                connect_timeout=0.1,
            )
        release.set()
        assert await busy is True
    # aiohttp names the whole address in this error: the token in its path is left out.
    assert "SECRET" not in str(caught.value) and "127.0.0.1" in str(caught.value)
    assert request_not_sent(caught.value)
    assert classify(caught.value).status is SendStatus.TEMPORARY


async def test_unset_timeouts_take_the_defaults_and_none_means_no_limit() -> None:
    async def route(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.json_response({"ok": True, "result": True})

    async with _server(route) as base, _transport() as transport:
        assert transport.read_timeout == 5.0
        assert await transport.post(f"{base}/getMe", None, read_timeout=None) is True
        assert await transport.post(f"{base}/getMe", None) is True


async def test_a_transport_not_initialized_refuses_to_send() -> None:
    transport = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await transport.do_request("http://127.0.0.1:1/getMe", "POST")
