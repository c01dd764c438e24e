"""The webhook server on its own, with a real PTB Application: the answer waits for the
handling, a failing handler is still answered 200, and a stop lets the request in hand finish.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.simulator import FakeBotApi
from handlers.adapters.update_order import PerPersonOrder
from handlers.adapters.webhook import SECRET_HEADER, WebhookServer, start_webhook_server
from handlers.context import ChiboApp

SECRET = "webhook-server-secret"


def _update(update_id: int, text: str) -> dict[str, Any]:
    chat = {"id": 1001, "type": "private", "first_name": "An"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": chat,
            "from": {"id": 1001, "is_bot": False, "first_name": "An"},
            "text": text,
        },
    }


class Slow:
    """A handler that takes its time (``release``), and fails on the text "hỏng"."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.done: list[str] = []

    async def __call__(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        text = update.effective_message.text
        if text == "hỏng":
            raise RuntimeError("a handler that fails")
        self.started.set()
        await self.release.wait()
        self.done.append(text)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Slow, WebhookServer]]:
    api = FakeBotApi()
    await api.start()
    slow = Slow()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .concurrent_updates(PerPersonOrder(4))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, slow))
    async with app:
        await app.start()
        server = await start_webhook_server(
            cast(ChiboApp, app), listen="127.0.0.1", port=0, path="tg", secret=SECRET
        )
        try:
            yield slow, server
        finally:
            await server.close()
            await app.stop()
    await api.stop()


async def _post(server: WebhookServer, update: dict[str, Any]) -> int:
    url = f"http://{server.host}:{server.port}/tg"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response,
    ):
        return response.status


async def test_the_answer_waits_for_the_handler_and_a_failing_one_still_gets_200(
    served: tuple[Slow, WebhookServer],
) -> None:
    slow, server = served
    posting = asyncio.create_task(_post(server, _update(1, "một")))
    await asyncio.wait_for(slow.started.wait(), 5)
    await asyncio.sleep(0.2)
    assert not posting.done()  # the handler is still at work: no answer yet
    slow.release.set()
    assert await posting == 200
    assert slow.done == ["một"]
    assert await _post(server, _update(2, "hỏng")) == 200  # not posted again to fail again


async def test_a_stop_takes_no_new_request_and_lets_the_one_in_hand_finish(
    served: tuple[Slow, WebhookServer],
) -> None:
    slow, server = served
    posting = asyncio.create_task(_post(server, _update(1, "một")))
    await asyncio.wait_for(slow.started.wait(), 5)
    closing = asyncio.create_task(server.close())
    await asyncio.sleep(0.2)
    with pytest.raises(aiohttp.ClientConnectorError):  # no longer listening
        await _post(server, _update(2, "hai"))
    slow.release.set()
    assert await posting == 200
    await closing
    assert slow.done == ["một"]
