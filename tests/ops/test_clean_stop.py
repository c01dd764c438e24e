"""SIGTERM in the middle of a broadcast: ``chibo run`` finishes its sends in flight and exits 0
well within compose's stop_grace_period; no row is left "sending"; a restart sends the rest, and
every member ends up with exactly one copy.

The bot runs as in production (``python -m bot.cli run``, a real process) against the fake Bot
API server in this process, which enforces Telegram's limits. While it runs, Docker's
HEALTHCHECK command (``python -m bot.ops.probe``) and a /metrics scrape are checked too.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from asyncio.subprocess import DEVNULL, PIPE
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bench.broadcast_bench import FIRST_MEMBER, Watch, _prepare
from bot.simulator import FakeBotApi
from storage.db import Database
from storage.models import OutboxMessage
from tests.packaging.compose import grace_period_seconds

pytestmark = pytest.mark.timeout(150)

TOKEN = "424242:CLEAN-STOP-TOKEN-abc"
MEMBERS = 250
STOP_AFTER = 30  # messages delivered before the checks and the SIGTERM
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(token=TOKEN, bot_username="BenchBot", enforce_limits=True)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _env(db: Database, api: FakeBotApi, ops_port: int) -> dict[str, str]:
    return {
        **os.environ,  # PYTHONPATH included: the process runs this checkout
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_URL": db.url,
        "WEBHOOK_URL": "",
        "OPS_HOST": "127.0.0.1",
        "OPS_PORT": str(ops_port),
        "LOG_LEVEL": "WARNING",
    }


async def _python_m(
    module: str, *args: str, env: dict[str, str], stdout: int, stderr: int | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, env=env, cwd=str(ROOT), stdout=stdout, stderr=stderr
    )


@asynccontextmanager
async def _chibo_run(env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    """``chibo run`` as a process; killed if the test leaves it running."""
    bot = await _python_m("bot.cli", "run", env=env, stdout=DEVNULL, stderr=PIPE)
    try:
        yield bot
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def _probe(env: dict[str, str]) -> tuple[int, str]:
    """Docker's HEALTHCHECK command, as the Dockerfile runs it."""
    probe = await _python_m("bot.ops.probe", env=env, stdout=PIPE)
    out, _ = await asyncio.wait_for(probe.communicate(), timeout=30)
    assert probe.returncode is not None
    return probe.returncode, out.decode()


async def _messages_sent(port: int) -> float:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        body = await response.text()
    match = re.search(r"^chibo_messages_sent_total (\S+)$", body, flags=re.MULTILINE)
    assert match, "no chibo_messages_sent_total in /metrics"
    return float(match.group(1))


async def _statuses(db: Database) -> Counter[str]:
    """The members' agenda rows by status."""
    async with db.session() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == "agenda", OutboxMessage.chat_id >= FIRST_MEMBER)
            .group_by(OutboxMessage.status)
        )
        return Counter({str(status): int(count) for status, count in rows.all()})


async def _until(condition_met: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await condition_met():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _sigterm(bot: asyncio.subprocess.Process) -> tuple[int, float, str]:
    started = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(bot.communicate(), timeout=60)
    assert bot.returncode is not None
    return bot.returncode, time.monotonic() - started, err.decode()


async def test_sigterm_mid_broadcast_stops_cleanly_and_a_restart_sends_the_rest(
    db: Database, api: FakeBotApi
) -> None:
    watch = Watch()
    api.add_listener(watch)
    await _prepare(db, api, MEMBERS)
    port = _free_port()
    env = _env(db, api, port)
    async with _chibo_run(env) as bot:

        async def delivering() -> bool:
            assert bot.returncode is None, "chibo run died"
            return len(watch.times) >= STOP_AFTER

        await _until(delivering, timeout=60)
        # Mid-broadcast: the HEALTHCHECK passes and /metrics counts the sends.
        code, out = await _probe(env)
        assert (code, '"status": "ok"' in out) == (0, True), out
        assert await _messages_sent(port) >= STOP_AFTER

        code, stopped_in, err = await _sigterm(bot)
    assert code == 0, err
    assert stopped_in < grace_period_seconds() / 2, f"stopping took {stopped_in:.1f} s"
    assert "Traceback" not in err, err
    delivered = len(watch.times)
    statuses = await _statuses(db)
    assert statuses["sending"] == 0 and statuses["uncertain"] == 0, statuses
    assert statuses["sent"] == delivered  # every copy Telegram got is recorded
    assert statuses["pending"] == MEMBERS - delivered > 0, "stopped too late to test anything"
    code, out = await _probe(env)
    assert code == 1 and "no answer" in out  # the stopped process is not healthy

    async with _chibo_run(env) as again:

        async def drained() -> bool:
            assert again.returncode is None, "the restarted chibo run died"
            statuses = await _statuses(db)
            return statuses["pending"] == 0 and statuses["sending"] == 0

        await _until(drained, timeout=60)
        code, _, err = await _sigterm(again)
    assert code == 0, err
    copies = [watch.per_chat[FIRST_MEMBER + i] for i in range(MEMBERS)]
    assert Counter(copies) == {1: MEMBERS}, "every member gets exactly one copy"
    assert (await _statuses(db)) == {"sent": MEMBERS}
    print(f"clean stop after {delivered} of {MEMBERS} messages: {stopped_in:.2f} s")
