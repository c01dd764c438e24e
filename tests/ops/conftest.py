"""Shared pieces of the operator tests: a real outbox worker running, and the ops server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.clock import ManualClock
from bot.delivery.outbox import OutboxWorker
from bot.ops.health import WorkerProbe, outbox_worker_probe
from bot.ops.server import OpsServer, start_ops_server
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from tests.fakes import ScriptedSender, fast_limiter


@dataclass
class RunningWorker:
    worker: OutboxWorker
    stop: asyncio.Event
    task: asyncio.Task[None]

    def probe(self, stale_after: float | None = None) -> WorkerProbe:
        return outbox_worker_probe(self.worker, self.task, stale_after=stale_after)


@pytest.fixture
async def running_worker(services: Services) -> AsyncIterator[RunningWorker]:
    worker = OutboxWorker(
        services.db,
        services.clock,
        ScriptedSender(),
        fast_limiter(),
        renderers=services.renderers,
        poll_interval=0.2,
    )
    stop = asyncio.Event()
    running = RunningWorker(worker, stop, asyncio.create_task(worker.run_forever(stop)))
    await asyncio.sleep(0)  # its first loop starts
    assert worker.last_loop_at is not None
    try:
        yield running
    finally:
        stop.set()
        if not running.task.cancelled():
            await running.task


async def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a database server that is down."""
    server = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


@asynccontextmanager
async def services_on(url: str, settings: Settings, clock: ManualClock) -> AsyncIterator[Services]:
    services = Services.build(settings, Database(url), clock)
    try:
        yield services
    finally:
        await services.db.dispose()


@dataclass
class Answer:
    status: int
    body: str


async def get(server: OpsServer, path: str) -> Answer:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://{server.host}:{server.port}{path}") as response,
    ):
        return Answer(response.status, await response.text())


@pytest.fixture
async def ops_server(services: Services, running_worker: RunningWorker) -> AsyncIterator[OpsServer]:
    server = await start_ops_server(services, running_worker.probe(), port=0)
    try:
        yield server
    finally:
        await server.close()


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(server: OpsServer) -> Samples:
    """GET /metrics, parsed: (sample name, sorted labels) -> value."""
    answer = await get(server, "/metrics")
    assert answer.status == 200
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]
