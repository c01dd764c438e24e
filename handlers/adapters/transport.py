"""The Bot API's HTTP transport on aiohttp, through PTB's documented ``BaseRequest`` port.

Why not PTB's default ``HTTPXRequest``: its connection pool (httpcore) spends CPU per request
that grows with the requests in flight. Measured here against the fake server, CPU per POST:
0.59 ms one at a time, 0.76 ms at 4 in flight, 2.5 ms at 32; aiohttp 0.10–0.16 ms at each.
In a tap storm a tap makes two or three requests (its answer, its confirmation, its share of
getUpdates) with dozens in flight, so the transport was the largest share of the bot's CPU.
PTB's own aiohttp transport lives in ptbcontrib, which is not published on PyPI; aiohttp is
already the webhook server's library. So the port is implemented here, kept small.

Timeouts follow ``HTTPXRequest``'s defaults and meaning where aiohttp has them: ``connect``
(aiohttp's ``sock_connect``), ``pool`` (added to it as aiohttp's ``connect``, the wait for a
pooled connection plus connecting), ``read`` (``sock_read``, between two reads). aiohttp has
no write timeout; the sum of all four (the media write timeout for uploads) bounds the whole
request instead.
"""

from __future__ import annotations

import re
import ssl
from typing import Any

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0

# Raised before the request left this machine (no connection made, or none free in time): a
# send that met one of these was not delivered and may be tried again.
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


def request_not_sent(error: NetworkError) -> bool:
    """True if the transport failed before the request reached Telegram."""
    return isinstance(error.__cause__, _NOT_SENT)


# An address in an error's text: the Bot API's path holds the token (/bot<token>/method).
_ADDRESS_PATH = re.compile(r"(https?://[^/\s]+)/\S*")


def _described(error: BaseException) -> str:
    """The error's text for logs, the outbox's error column and the console, without the path
    of any address in it (aiohttp's timeouts name the whole URL, token included)."""
    return _ADDRESS_PATH.sub(r"\1/…", f"aiohttp.{error.__class__.__name__}: {error}")


def _given(value: Any, default: float | None) -> float | None:
    """PTB passes ``BaseRequest.DEFAULT_NONE`` for "not given"; None means "no limit"."""
    return default if value is BaseRequest.DEFAULT_NONE else value


def _total(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(p for p in parts if p is not None)


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    """A form as PTB builds it: url-encoded fields, or multipart when a file goes with them."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of ``pool_size`` connections (PTB's own defaults: 256
    for the bot's requests, 1 for getUpdates)."""

    __slots__ = ("_pool_size", "_session", "_timeouts")

    def __init__(self, pool_size: int = 256) -> None:
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        self._timeouts = (CONNECT_TIMEOUT, READ_TIMEOUT, WRITE_TIMEOUT, POOL_TIMEOUT)

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # certifi's roots, as httpx used: a slim image may lack the system's.
            tls = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        connect_default, read_default, write_default, pool_default = self._timeouts
        uploading = request_data is not None and request_data.contains_files
        connect = _given(connect_timeout, connect_default)
        pool = _given(pool_timeout, pool_default)
        read = _given(read_timeout, read_default)
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if uploading else write_default)
        timeout = aiohttp.ClientTimeout(
            total=_total(pool, connect, write, read),
            connect=_total(pool, connect),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors
            raise TimedOut(_described(err)) from err
        except aiohttp.ClientError as err:
            raise NetworkError(_described(err)) from err
