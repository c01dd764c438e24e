"""The fake server plays Telegram's retry behind a load balancer: a POST that got no answer
(the instance died while it had the request) is posted again, to another upstream.

Bot API, setWebhook: "In case of an unsuccessful request (a request with response HTTP status
code different from 2XY), we will repeat the request". A dropped connection is such a request;
the proxy answers it with 502 and passes the next attempt to an upstream that is up.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from telegram import Bot

from bot.simulator import FakeBotApi

PUBLIC = "https://bot.example.org/tg"


async def _dropper() -> tuple[asyncio.Server, str, list[bytes]]:
    """An upstream that reads a request and closes the connection without answering."""
    seen: list[bytes] = []

    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.read(65536))
        writer.transport.abort()

    server = await asyncio.start_server(drop, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/tg", seen


async def test_a_post_that_got_no_answer_is_redelivered_to_another_upstream() -> None:
    api = FakeBotApi()
    await api.start()
    received: list[dict[str, Any]] = []

    async def take(request: web.Request) -> web.Response:
        received.append(json.loads(await request.read()))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/tg", take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    live = f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
    dropper, dead_url, seen = await _dropper()
    try:
        api.route_webhook(PUBLIC, dead_url, live)  # the dropping upstream's turn comes first
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            assert await bot.set_webhook(PUBLIC, max_connections=1)
            await api.user(1001, "An").send("một")
            await api.wait_until(lambda: api.pending_updates == 0, timeout=5)
            assert len(seen) == 1  # the first attempt reached the upstream that dropped it
            assert [u["update_id"] for u in received] == [1]  # then the live one, once
            assert api.webhook_redeliveries == 1
            info = await bot.get_webhook_info()
            assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
    finally:
        dropper.close()
        await runner.cleanup()
        await api.stop()
