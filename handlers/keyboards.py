"""Inline keyboards and the callback-data codec.

Callback data is short ASCII, ``<route>:<int>[:<code>]``, always within Telegram's 64-byte
limit. It only names ids; every id is looked up in the database and checked against the
person pressing, so forged or stale data changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_CALLBACK_BYTES = 64
_PATTERN = re.compile(r"^([a-z]{1,6}):(\d{1,18})(?::([a-z0-9_]{1,40}))?$")


@dataclass(frozen=True)
class CallbackData:
    route: str
    id: int
    arg: str | None = None

    def encode(self) -> str:
        data = f"{self.route}:{self.id}" + (f":{self.arg}" if self.arg else "")
        if len(data.encode()) > MAX_CALLBACK_BYTES or not _PATTERN.match(data):
            raise ValueError(f"bad callback data {data!r}")
        return data


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; ``None`` for anything we did not produce."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    match = _PATTERN.match(data)
    if not match:
        return None
    return CallbackData(match.group(1), int(match.group(2)), match.group(3))


def button(text: str, route: str, id_: int, arg: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=CallbackData(route, id_, arg).encode())


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])
