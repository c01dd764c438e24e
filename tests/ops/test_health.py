"""/healthz says 200 only when the process, its database and its outbox worker all work."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.ops.health import WorkerProbe
from bot.ops.server import DEFAULT_HOST, OpsServer, start_ops_server
from bot.services import Services
from bot.settings import Settings
from tests.ops.conftest import Answer, RunningWorker, closed_port, get, services_on

pytestmark = pytest.mark.timeout(30)


def _checks(body: str) -> dict[str, str]:
    answer = json.loads(body)
    assert set(answer) == {"status", "checks"}
    checks: dict[str, str] = answer["checks"]
    return checks


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers: a hung database server."""

    async def swallow(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        await reader.read()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def _healthz(services: Services, probe: WorkerProbe, db_timeout: float = 2.0) -> Answer:
    server = await start_ops_server(services, probe, port=0, db_timeout=db_timeout)
    try:
        return await get(server, "/healthz")
    finally:
        await server.close()


async def test_healthz_is_ok_when_the_database_answers_and_the_worker_loops(
    ops_server: OpsServer,
) -> None:
    answer = await get(ops_server, "/healthz")
    assert answer.status == 200
    assert json.loads(answer.body) == {
        "status": "ok",
        "checks": {"database": "ok", "outbox_worker": "ok"},
    }


async def test_healthz_fails_when_the_database_refuses_connections(
    settings: Settings, clock: ManualClock, running_worker: RunningWorker
) -> None:
    port = await closed_port()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x"
    async with services_on(url, settings, clock) as gone:
        answer = await _healthz(gone, running_worker.probe())
    assert answer.status == 503
    checks = _checks(answer.body)
    assert checks["database"].startswith("unreachable")
    assert checks["outbox_worker"] == "ok"


async def test_healthz_answers_within_its_timeout_when_the_database_hangs(
    settings: Settings, clock: ManualClock, running_worker: RunningWorker, silent_port: int
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_port}/x"
    started = time.monotonic()
    async with services_on(url, settings, clock) as hung:
        answer = await _healthz(hung, running_worker.probe(), db_timeout=0.5)
    assert time.monotonic() - started < 3
    assert answer.status == 503
    assert _checks(answer.body)["database"] == "no answer within 0.5 s"


async def test_healthz_fails_when_the_sqlite_file_cannot_be_opened(
    settings: Settings, clock: ManualClock, running_worker: RunningWorker, tmp_path: Path
) -> None:
    folder = tmp_path / "not-a-database"
    folder.mkdir()  # a directory where the database file should be
    async with services_on(f"sqlite+aiosqlite:///{folder}", settings, clock) as broken:
        answer = await _healthz(broken, running_worker.probe())
    assert answer.status == 503
    assert _checks(answer.body)["database"].startswith("unreachable")


async def test_healthz_fails_when_the_outbox_worker_has_stopped(
    services: Services, running_worker: RunningWorker
) -> None:
    running_worker.stop.set()
    await running_worker.task
    answer = await _healthz(services, running_worker.probe())
    assert answer.status == 503
    assert _checks(answer.body) == {"database": "ok", "outbox_worker": "stopped"}


async def test_healthz_fails_when_the_outbox_worker_task_was_killed(
    services: Services, running_worker: RunningWorker
) -> None:
    running_worker.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running_worker.task
    answer = await _healthz(services, running_worker.probe())
    assert answer.status == 503
    assert _checks(answer.body)["outbox_worker"] == "stopped"


async def test_healthz_fails_when_the_outbox_worker_stops_looping(
    services: Services, running_worker: RunningWorker
) -> None:
    # A worker that naps 30 s between loops looks stuck to a probe that allows 0.3 s.
    running_worker.worker.poll_interval = 30.0
    await asyncio.sleep(0.8)  # its current 0.2 s nap ends; the next one lasts 30 s
    answer = await _healthz(services, running_worker.probe(stale_after=0.3))
    assert answer.status == 503
    assert _checks(answer.body)["outbox_worker"].startswith("no loop for ")


async def test_the_ops_server_listens_on_loopback_only_by_default(
    services: Services, running_worker: RunningWorker
) -> None:
    assert DEFAULT_HOST == "127.0.0.1"
    server = await start_ops_server(services, running_worker.probe(), port=0)
    try:
        assert server.host == "127.0.0.1"
        assert (await get(server, "/healthz")).status == 200
    finally:
        await server.close()
