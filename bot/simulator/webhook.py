"""Webhooks: setWebhook, deleteWebhook, getWebhookInfo, and the delivery of updates by POST.

Follows https://core.telegram.org/bots/api#setwebhook: while a webhook is set each
pending update is POSTed as JSON to its URL (with ``X-Telegram-Bot-Api-Secret-Token``
when a secret token was given) and kept until the answer is a 2XX; at most
``max_connections`` deliveries run at once, so with 1 they arrive one at a time and in
order.  A failed delivery is retried later with a growing pause, and getWebhookInfo
reports the pending count and the last error.

Telegram only posts to HTTPS URLs on ports 443, 80, 88 or 8443, while the bot listens
on plain HTTP behind a reverse proxy that terminates TLS.  :meth:`route_webhook` plays
that proxy: it says where a public URL is forwarded to.  Not modelled: certificates,
the source IP ranges, and giving up on an update after 24 hours.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from urllib.parse import urlsplit

import aiohttp

from bot.simulator.protocol import JSON, Upload, as_int, bad
from bot.simulator.state import WebhookConfig
from bot.simulator.world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookDelivery(World):
    """The webhook methods and the workers that POST updates while a webhook is set."""

    # ------------------------------------------------------------ control API

    def route_webhook(self, public_url: str, *upstreams: str) -> None:
        """Forward webhook requests for ``public_url`` to ``upstreams``, as a reverse proxy.

        Any path below ``public_url`` is kept: routing ``https://bot.example.org`` to
        ``http://127.0.0.1:8080`` sends ``https://bot.example.org/tg`` to
        ``http://127.0.0.1:8080/tg``.  Several upstreams take turns (a round-robin
        load balancer); like nginx and Caddy, the proxy passes a request it could not
        connect with to the next upstream, and answers 502 Bad Gateway when none is
        up or the bot went away while it had the request, so Telegram retries later.
        Routing the same public URL again replaces its upstreams.
        """
        if not upstreams:
            raise ValueError("route_webhook needs at least one upstream URL")
        self._webhook_routes[public_url.rstrip("/")] = (list(upstreams), itertools.count())

    @property
    def webhook_redeliveries(self) -> int:
        """Updates delivered after a failed POST (an instance killed while it had them, ...)."""
        return self._webhook_redelivered

    async def post_to_webhook(
        self, url: str, update: JSON, *, secret_token: str | None = None
    ) -> int:
        """POST ``update`` to the local ``url`` straight away, as anyone on the network
        could; the HTTP status it got.  For tests of a wrong or missing secret header:
        the update is not one of the fake's and nothing about it is kept."""
        status, _reason = await self._post(url, update, secret_token)
        return status

    # ------------------------------------------------------------ Bot API methods

    async def _m_set_webhook(self, p: JSON, files: dict[str, Upload]) -> bool:
        url = str(p.get("url") or "")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self._drop_webhook()
            return True
        if not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        try:
            port = urlsplit(url).port or 443
        except ValueError:
            raise bad("bad webhook: Wrong port number specified in the URL") from None
        if port not in _WEBHOOK_PORTS:
            raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = str(p.get("secret_token") or "") or None
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad("secret token contains unallowed characters")
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) or None
        connections = as_int(p.get("max_connections", 40), "bad max_connections")
        hook = WebhookConfig(
            url=url,
            max_connections=min(100, max(1, connections)),
            secret_token=secret,
            allowed_updates=[str(a) for a in allowed] if isinstance(allowed, list) else None,
        )
        self._webhook_description = "Webhook was set"
        self._start_webhook_delivery(hook)
        return True

    async def _m_delete_webhook(self, p: JSON, files: dict[str, Upload]) -> bool:
        self._drop_webhook()
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _drop_webhook(self) -> None:
        self._webhook_description = (
            "Webhook was deleted" if self._webhook else "Webhook is already deleted"
        )
        self._start_webhook_delivery(None)

    async def _m_get_webhook_info(self, p: JSON, files: dict[str, Upload]) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info.update(self._webhook.info())
        return info

    # ------------------------------------------------------------ delivery

    def _start_webhook_delivery(self, hook: WebhookConfig | None) -> None:
        """Make ``hook`` the webhook (None: no webhook) and start its workers; the
        workers of an earlier webhook finish the POST they are in and stop."""
        self._webhook = hook
        self._webhook_failures = 0
        self._webhook_retry_at = 0.0
        if hook is not None:
            for _ in range(hook.max_connections):
                task = asyncio.create_task(self._deliver_while_set(hook))
                self._webhook_tasks.add(task)
                task.add_done_callback(self._webhook_tasks.discard)
        self._wake_pollers()

    async def _stop_webhook_delivery(self) -> None:
        tasks = list(self._webhook_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._webhook_session is not None:
            await self._webhook_session.close()
            self._webhook_session = None

    async def _deliver_while_set(self, hook: WebhookConfig) -> None:
        """One of ``max_connections`` workers: POST the oldest update no other worker
        holds, until the webhook changes or the server stops."""
        while self._webhook is hook and not self._closing:
            event = self._update_event
            update = next(
                (u for u in self._updates if u["update_id"] not in self._webhook_taken), None
            )
            pause = self._webhook_retry_at - time.monotonic()
            if update is None or pause > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), pause if update is not None else None)
                continue
            update_id = update["update_id"]
            self._webhook_taken.add(update_id)
            self._inflight += 1
            try:
                error = await self._deliver(hook, update)
            finally:
                self._webhook_taken.discard(update_id)
                self._inflight -= 1
                self._last_activity = time.monotonic()
            if error is None:
                self._delivered(update_id)
            else:
                self._webhook_failed.add(update_id)
                self._delivery_failed(hook, error)

    async def _deliver(self, hook: WebhookConfig, update: JSON) -> str | None:
        """POST one update through the proxy; None if it was taken, else the error
        getWebhookInfo reports."""
        targets = self._upstreams(hook.url)
        if not targets:
            return "Failed to resolve host: Name or service not known"
        status, reason = 502, "Bad Gateway"  # what the proxy answers if no upstream is up
        for target in targets:
            try:
                status, reason = await self._post(target, update, hook.secret_token)
            except aiohttp.ClientConnectorError:
                continue  # not connected, nothing sent: the proxy tries the next upstream
            except TimeoutError:
                return "Read timeout expired"
            except aiohttp.ClientError:  # the bot went away while it had the request
                status, reason = 502, "Bad Gateway"
            break
        if 200 <= status < 300:
            return None
        return f"Wrong response from the webhook: {status} {reason}"

    def _upstreams(self, url: str) -> list[str]:
        """Where the proxy may forward ``url``, in the order it tries them: the longest
        routed prefix wins, and its upstreams take turns to be tried first."""
        for prefix in sorted(self._webhook_routes, key=len, reverse=True):
            rest = url[len(prefix) :]
            if url.startswith(prefix) and (not rest or rest[0] in "/?"):
                upstreams, turn = self._webhook_routes[prefix]
                first = next(turn)
                return [
                    upstreams[(first + i) % len(upstreams)].rstrip("/") + rest
                    for i in range(len(upstreams))
                ]
        return []

    async def _post(self, url: str, update: JSON, secret_token: str | None) -> tuple[int, str]:
        if self._webhook_session is None:
            self._webhook_session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers[SECRET_HEADER] = secret_token
        body = json.dumps(update, ensure_ascii=False).encode()
        async with self._webhook_session.post(
            url, data=body, headers=headers, timeout=timeout
        ) as resp:
            await resp.read()
            return resp.status, resp.reason or ""

    def _delivered(self, update_id: int) -> None:
        for i, update in enumerate(self._updates):
            if update["update_id"] == update_id:
                del self._updates[i]
                break
        if update_id in self._webhook_failed:
            self._webhook_failed.discard(update_id)
            self._webhook_redelivered += 1
        self._webhook_failures = 0
        self._delivered_upto = max(self._delivered_upto, update_id)
        self._changed()

    def _delivery_failed(self, hook: WebhookConfig, error: str) -> None:
        hook.last_error_date = self.now()
        hook.last_error_message = error
        if self._webhook is not hook:
            return
        self._webhook_failures += 1
        pause = self.webhook_retry_delay * 2 ** min(self._webhook_failures - 1, 20)
        self._webhook_retry_at = time.monotonic() + min(self.webhook_retry_max, pause)
        self._changed()
