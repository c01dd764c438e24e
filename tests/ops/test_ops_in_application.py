"""/healthz and /metrics as ``chibo run`` serves them: the real Application, real traffic.

The bot runs against the fake Bot API server; a broadcast goes out through the outbox (one send
meets a 429, one member has blocked the bot), a member writes to the bot, and the numbers that
/metrics shows move by exactly that.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bench.broadcast_bench import FIRST_MEMBER, SECRETARY, _prepare, _report_message
from bot.app import build_application, start_application, stop_application
from bot.clock import SystemClock
from bot.ops.server import OpsAddress, OpsServer
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.simulator import FakeBotApi
from bot.texts import broadcast as tb
from handlers.context import ChiboApp
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus
from tests.ops.conftest import Samples, get, scrape, value

pytestmark = pytest.mark.timeout(60)

TOKEN = "123456:OPS-WIRED-TOKEN"
MEMBERS = 4


@dataclass
class RunningBot:
    api: FakeBotApi
    app: ChiboApp
    services: Services

    @property
    def ops(self) -> OpsServer:
        assert self.app.bot_data.ops is not None, "start_application served no ops port"
        return self.app.bot_data.ops


@asynccontextmanager
async def _running(services: Services, ops: OpsAddress) -> AsyncIterator[RunningBot]:
    api = FakeBotApi(token=TOKEN, bot_username="BenchBot")
    await api.start()
    app = build_application(
        services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
    )
    await start_application(app, poll_timeout=1, ops=ops)
    try:
        yield RunningBot(api, app, services)
    finally:
        await stop_application(app)
        await api.stop()


@pytest.fixture
async def bot(settings: Settings, db: Database) -> AsyncIterator[RunningBot]:
    # The real clock: the broadcast is planned for "now", as in production.
    async with _running(Services.build(settings, db, SystemClock()), OpsAddress(port=0)) as bot:
        yield bot


async def _unsettled(db: Database) -> int:
    """Rows due within a minute not yet answered by Telegram: the agenda, the report's edits,
    the failure alert (reminders planned for later don't count)."""
    soon = datetime.now(UTC) + timedelta(minutes=1)
    async with db.session() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.due_at <= soon)
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        )
    return int(count or 0)


def _grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


async def test_metrics_count_the_sends_429s_failures_and_updates_of_a_running_bot(
    bot: RunningBot,
) -> None:
    before = await scrape(bot.ops)
    # The report edits the secretary's message in place. The first send to one member meets
    # a 429, the first to another says that member blocked the bot.
    report_id = await _report_message(bot.api)
    bot.api.fail_next("sendMessage", 429, retry_after=1, chat_id=FIRST_MEMBER + 1)
    bot.api.fail_next("sendMessage", 403, chat_id=FIRST_MEMBER)
    await _prepare(bot.services.db, bot.api, MEMBERS, report_id=report_id)
    bot.services.wake_outbox()
    for _ in range(300):
        if await _unsettled(bot.services.db) == 0:
            break
        await asyncio.sleep(0.1)
    assert await _unsettled(bot.services.db) == 0
    # The report's message was posted by the test, not by the bot.
    outbox_sends = (
        len(bot.api.method_calls("sendMessage")) - 1 + len(bot.api.method_calls("editMessageText"))
    )

    member = bot.api.user(FIRST_MEMBER, "ĐV0")
    await member.send("/help")
    await bot.api.wait_for_message(member.id)
    # The reply can arrive before the handler returns (on PostgreSQL the shared budget books
    # the send's end after it): the update is counted when its handling is over.
    after = await scrape(bot.ops)
    for _ in range(50):
        if _grew(before, after, "chibo_update_handling_seconds_count") >= 1:
            break
        await asyncio.sleep(0.1)
        after = await scrape(bot.ops)

    # Every outbox call but the two refused ones was accepted, and the /help reply (a direct
    # reply, counted by the PTB rate limiter) too.
    assert _grew(before, after, "chibo_messages_sent_total") == outbox_sends - 2 + 1
    assert _grew(before, after, "chibo_messages_rate_limited_total") == 1
    assert _grew(before, after, "chibo_messages_failed_total", reason="unreachable") == 1
    assert _grew(before, after, "chibo_update_handling_seconds_count") >= 1
    assert _grew(before, after, "chibo_update_handling_seconds_sum") > 0
    # One instance alone on SQLite; on PostgreSQL a peer of those sharing the send budget.
    role = "single" if bot.services.db.engine.dialect.name == "sqlite" else "peer"
    assert value(after, "chibo_instance_role", role=role) == 1
    assert value(after, "chibo_outbox_backlog", kind="agenda") == 0
    # Every member but the blocked one got the agenda; the secretary the finished report.
    assert _grew(before, after, "chibo_messages_sent_total") >= MEMBERS - 1 + 1
    report = next(m for m in bot.api.messages(SECRETARY) if m["message_id"] == report_id)
    assert tb.REPORT_DONE in report["text"]


async def test_healthz_of_a_running_bot_is_ok_and_the_port_closes_on_stop(
    bot: RunningBot,
) -> None:
    ops = bot.ops
    answer = await get(ops, "/healthz")
    assert answer.status == 200
    assert json.loads(answer.body)["checks"] == {"database": "ok", "outbox_worker": "ok"}
    assert ops.host == "127.0.0.1"

    await stop_application(bot.app)
    assert bot.app.bot_data.ops is None
    with pytest.raises(OSError):
        await get(ops, "/healthz")


def test_ops_port_zero_turns_the_ops_server_off() -> None:
    assert OpsAddress.of(load_settings(_env_file=None, ops_port=0)) is None
    default = OpsAddress.of(load_settings(_env_file=None))
    assert default == OpsAddress("127.0.0.1", 9180)


async def test_a_taken_ops_port_is_logged_and_the_bot_runs_on_without_it(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    taken = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = taken.sockets[0].getsockname()[1]
    try:
        with caplog.at_level(logging.ERROR, logger="bot.ops.server"):
            async with _running(services, OpsAddress(port=port)) as bot:
                assert bot.app.bot_data.ops is None
                member = bot.api.user(FIRST_MEMBER, "ĐV0")
                await member.send("/help")
                assert (await bot.api.wait_for_message(member.id))["text"]
    finally:
        taken.close()
        await taken.wait_closed()
    (record,) = [r for r in caplog.records if r.name == "bot.ops.server"]
    assert f"cannot listen on 127.0.0.1:{port}" in record.getMessage()
    assert "set OPS_PORT" in record.getMessage()
