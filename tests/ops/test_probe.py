"""``python -m bot.ops.probe``, Docker's HEALTHCHECK: 0 only when /healthz says ok."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.ops import probe
from bot.ops.health import WorkerProbe
from bot.ops.server import start_ops_server
from bot.services import Services
from bot.settings import load_settings
from tests.ops.conftest import RunningWorker, closed_port

pytestmark = pytest.mark.timeout(30)

ProbeRun = Callable[[int], Awaitable[tuple[int, str]]]


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 9180, "http://127.0.0.1:9180/healthz"),
        ("0.0.0.0", 9464, "http://127.0.0.1:9464/healthz"),  # bound everywhere: ask loopback
        ("::", 9180, "http://127.0.0.1:9180/healthz"),
        ("::1", 9180, "http://[::1]:9180/healthz"),
        ("10.0.0.5", 9180, "http://10.0.0.5:9180/healthz"),
        ("127.0.0.1", 0, None),  # OPS_PORT=0: off
    ],
)
def test_the_probe_asks_where_chibo_run_listens(host: str, port: int, url: str | None) -> None:
    settings = load_settings(_env_file=None, ops_host=host, ops_port=port)
    assert probe.healthz_url(settings) == url


@pytest.fixture
def run_probe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> ProbeRun:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's in the way
    monkeypatch.setenv("OPS_HOST", "127.0.0.1")

    async def run(port: int) -> tuple[int, str]:
        monkeypatch.setenv("OPS_PORT", str(port))
        # urllib blocks: off the event loop, which serves /healthz meanwhile.
        code = await asyncio.to_thread(probe.main)
        return code, capsys.readouterr().out

    return run


async def _probe_against(
    services: Services, worker_probe: WorkerProbe, run_probe: ProbeRun
) -> tuple[int, str]:
    server = await start_ops_server(services, worker_probe, port=0)
    try:
        return await run_probe(server.port)
    finally:
        await server.close()


async def test_the_probe_passes_when_healthz_is_ok(
    services: Services,
    running_worker: RunningWorker,
    run_probe: ProbeRun,
) -> None:
    code, out = await _probe_against(services, running_worker.probe(), run_probe)
    assert code == 0
    assert '"status": "ok"' in out


async def test_the_probe_fails_and_says_which_check_failed(
    services: Services, run_probe: ProbeRun
) -> None:
    code, out = await _probe_against(services, lambda: "stopped", run_probe)
    assert code == 1
    assert '"outbox_worker": "stopped"' in out


async def test_the_probe_fails_when_nothing_listens(run_probe: ProbeRun) -> None:
    code, out = await run_probe(await closed_port())
    assert code == 1
    assert "no answer" in out


async def test_the_probe_checks_nothing_when_the_ops_port_is_off(run_probe: ProbeRun) -> None:
    code, out = await run_probe(0)
    assert code == 0
    assert "OPS_PORT=0" in out
