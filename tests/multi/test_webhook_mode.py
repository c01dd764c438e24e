"""The whole bot in webhook mode: our webhook server behind the secret token.

The fake Bot API POSTs the updates it queues for the bot to the bot's webhook server once the
bot called ``setWebhook`` (with the secret in X-Telegram-Bot-Api-Secret-Token), through the
proxy ``route_webhook`` plays, as Telegram does.
"""

from __future__ import annotations

import asyncio
import copy
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import Webhook, build_application, start_application, stop_application
from bot.clock import ManualClock
from bot.runner import RunError, webhook_of
from bot.services import Services
from bot.settings import load_settings
from bot.simulator import FakeBotApi
from handlers.context import ChiboApp
from storage.models import Attendance, AttendanceAnswer, Cell
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members
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


@pytest.fixture
async def webhook_bot(services: Services) -> AsyncIterator[WebhookBot]:
    api = FakeBotApi(token=TOKEN, bot_username="ChiBoBot")
    await api.start()
    webhook = Webhook(url="https://bot.example.org/telegram", secret=SECRET, port=_free_port())
    app = build_application(
        services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
    )
    api.route_webhook("https://bot.example.org", f"http://127.0.0.1:{webhook.port}")
    await start_application(app, webhook=webhook)
    try:
        yield WebhookBot(api, app, services, webhook)
    finally:
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


@pytest.mark.parametrize(
    "body", [b"not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}']
)
async def test_webhook_answers_400_to_a_body_that_is_no_update(
    webhook_bot: WebhookBot, body: bytes
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook_bot.local_url, data=body, headers={HEADER: SECRET}) as response,
    ):
        assert response.status == 400
        assert "Traceback" not in await response.text()


async def test_webhook_answers_only_once_the_update_is_handled(webhook_bot: WebhookBot) -> None:
    """The 200 comes after the reply: a process killed before answering leaves the update to
    Telegram, which posts it again (to another instance) instead of losing it."""
    api = webhook_bot.api
    stranger = api.user(556, "Người Lạ", started=True)
    update = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": stranger.id, "type": "private", "first_name": "Người Lạ"},
            "from": {"id": stranger.id, "is_bot": False, "first_name": "Người Lạ"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    assert await webhook_bot.post(update, {HEADER: SECRET}) == 200
    assert api.messages(stranger.id)  # already answered when the POST got its 200


async def test_the_same_tap_delivered_twice_stores_one_answer_and_one_confirmation(
    webhook_bot: WebhookBot, clock: ManualClock
) -> None:
    """Telegram redelivers an update whose POST got no answer (the instance was killed while
    handling it): the second delivery changes nothing and confirms nothing again."""
    api, services = webhook_bot.api, webhook_bot.services
    harness = Harness(api, webhook_bot.app, services, clock)
    await harness.secretary()
    async with services.db.session() as session:
        cell_id = await session.scalar(select(Cell.id))
    assert cell_id is not None
    await add_members(services.db, cell_id, 1, tid_base=300, member_name="Đảng Viên Số {n:02d}")
    member = api.user(300, "Số 01", started=True)
    await make_meeting(services.db, cell_id, clock.now() + days(3))
    card = await harness.say(member, "/lich", expect="✅ Có mặt")
    before = len(api.messages(member.id))
    query = api._press(member, card, "✅ Có mặt (1)")
    tap = copy.deepcopy(api._updates[-1])  # the update Telegram posts for this tap
    assert tap["callback_query"]["id"] == query
    await api.wait_for_callback_answer(query)
    assert await webhook_bot.post(tap, {HEADER: SECRET}) == 200  # the redelivery

    async with services.db.session() as session:
        rows = (await session.scalars(select(Attendance))).all()
    assert [row.answer for row in rows] == [AttendanceAnswer.YES]
    assert len(api.messages(member.id)) - before <= 1  # at most one confirmation message
    # The member saw the first handling's answer only (Telegram refuses a second answer to a
    # query), and the bot did not try to tell of an error either.
    assert api.callback_answers[query]["text"] == "Đã ghi nhận: có mặt."
    answers = [
        c for c in api.method_calls("answerCallbackQuery") if c["callback_query_id"] == query
    ]
    assert not any(a.get("show_alert") for a in answers)
