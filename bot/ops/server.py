"""The operator's HTTP port: GET /healthz and GET /metrics, on 127.0.0.1 unless told otherwise.

Not for the public: nothing here needs to be reached from outside the machine (Docker's
HEALTHCHECK runs inside the container; Prometheus scrapes over a private network, for which
the operator binds another address and still publishes no port).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.ops import metrics
from bot.ops.health import DB_TIMEOUT, WorkerProbe, check
from bot.services import Services
from bot.settings import OPS_DEFAULT_HOST, OPS_DEFAULT_PORT, Settings

log = logging.getLogger(__name__)

DEFAULT_HOST = OPS_DEFAULT_HOST
DEFAULT_PORT = OPS_DEFAULT_PORT
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class OpsAddress:
    """Where ``chibo run`` serves /healthz and /metrics (OPS_HOST, OPS_PORT)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @classmethod
    def of(cls, settings: Settings) -> OpsAddress | None:
        """None when OPS_PORT is 0: the operator turned the server off."""
        return cls(settings.ops_host, settings.ops_port) if settings.ops_port else None


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


async def serve_ops(
    services: Services, worker_probe: WorkerProbe, address: OpsAddress
) -> OpsServer | None:
    """``start_ops_server`` for ``chibo run``: a port already taken costs the operator /healthz
    and /metrics (logged as an error; Docker's HEALTHCHECK then says unhealthy), not the
    members their bot."""
    try:
        server = await start_ops_server(
            services, worker_probe, host=address.host, port=address.port
        )
    except OSError as exc:
        log.error(
            "ops: cannot listen on %s:%s (%s): /healthz and /metrics are off; set OPS_PORT",
            address.host,
            address.port,
            exc.strerror or type(exc).__name__,
        )
        return None
    log.info("ops: /healthz and /metrics on http://%s:%s", server.host, server.port)
    return server
