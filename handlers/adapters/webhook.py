"""The webhook's HTTP server: Telegram's POST is answered only once its update is handled.

Why not PTB's own webhook server (``Updater.start_webhook``): it answers 200 as soon as the
update is queued, before any handler ran. Telegram never sends again an update that got a 2XX,
so a process killed (-9) between the two lost the update: a member's tap, gone. Telegram does
repeat a POST that got no 2XX (a dropped connection, a 5XX, no answer in time; Bot API,
setWebhook: "In case of an unsuccessful request (a request with response HTTP status code
different from 2XY), we will repeat the request and give up after a reasonable amount of
attempts"), and the proxy passes it to a live instance.
So here the answer waits for the handling. A redelivered tap is harmless: an attendance
answer carries the update's id (``answer_update_id``), so the same tap twice stores once, and
its second answer is refused by Telegram (the query was answered). Another update posted again
(the instance died after handling it, before answering) may get its reply twice: better than
none.

The update runs through the Application's update processor (``PerPersonOrder``), as PTB's own
queue would hand it over: one person's updates still run one at a time.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from telegram import Update

if TYPE_CHECKING:  # handlers.context keeps the running server: no import back at run time
    from handlers.context import ChiboApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# On SIGTERM the server stops taking requests and lets the ones it has finish (their
# handlers are short database transactions; a send waits for the rate limiter at most).
SHUTDOWN_GRACE = 10.0  # seconds
MAX_BODY = 1024 * 1024  # an update is a few KiB; Telegram's largest are far below this


@dataclass
class WebhookServer:
    """A running webhook server; ``port`` is the one bound (useful when asked for port 0)."""

    host: str
    port: int
    _runner: web.AppRunner

    async def close(self) -> None:
        """Take no new requests; the requests being handled finish (up to SHUTDOWN_GRACE)."""
        await self._runner.cleanup()


def _secret_matches(request: web.Request, secret: bytes) -> bool:
    given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
    return hmac.compare_digest(given, secret)


async def _update_of(request: web.Request, app: ChiboApp) -> Update | None:
    """The request's update, or None when the body is not one."""
    try:
        data = json.loads(await request.read())
    except ValueError:  # not JSON, or not UTF-8
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception:  # a malformed update is the sender's fault: 400
        return None


def webhook_app(app: ChiboApp, path: str, secret: str) -> web.Application:
    """POST /``path``: 403 without the secret header, 400 on a body that is no update, else
    200 once the update is handled (a handler that failed too: PTB's error handler already
    answered the person, and a redelivery would only repeat that)."""
    secret_bytes = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        if not _secret_matches(request, secret_bytes):
            return web.Response(status=403)
        update = await _update_of(request, app)
        if update is None:
            return web.Response(status=400)
        try:
            await app.update_processor.process_update(update, app.process_update(update))
        except Exception:
            log.exception("webhook: update %s failed outside its handlers", update.update_id)
        return web.Response(status=200)

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post("/" + path.strip("/"), receive)
    return server


async def start_webhook_server(
    app: ChiboApp, *, listen: str, port: int, path: str, secret: str
) -> WebhookServer:
    """Serve the webhook until ``close()``."""
    runner = web.AppRunner(
        webhook_app(app, path, secret), access_log=None, shutdown_timeout=SHUTDOWN_GRACE
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    return WebhookServer(str(bound_host), int(bound_port), runner)
