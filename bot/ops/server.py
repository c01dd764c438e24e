"""The operator's HTTP port: GET /healthz and GET /metrics, on 127.0.0.1 unless told otherwise.

Not for the public: nothing here needs to be reached from outside the machine (Docker's
HEALTHCHECK runs inside the container; Prometheus scrapes over a private network, for which
the operator binds another address and still publishes no port).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.ops import metrics
from bot.ops.health import DB_TIMEOUT, WorkerProbe, check
from bot.services import Services

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9180
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class OpsServer:
    """A running ops server; ``port`` is the one bound (useful when asked for port 0)."""

    host: str
    port: int
    _runner: web.AppRunner

    async def close(self) -> None:
        await self._runner.cleanup()


def ops_app(services: Services, worker_probe: WorkerProbe, db_timeout: float) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        health = await check(services.db, worker_probe, db_timeout)
        return web.json_response(health.as_json(), status=200 if health.ok else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        body = await metrics.render(services.db, services.clock, services.renderers, db_timeout)
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def start_ops_server(
    services: Services,
    worker_probe: WorkerProbe,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    db_timeout: float = DB_TIMEOUT,
) -> OpsServer:
    """Serve /healthz and /metrics until ``close()``; database errors are counted from now."""
    metrics.count_db_errors(services.db.engine)
    runner = web.AppRunner(ops_app(services, worker_probe, db_timeout), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    return OpsServer(str(bound_host), int(bound_port), runner)
