"""The one callback-data codec: what a button carries back when it is pressed.

Callback data is short ASCII, ``<route>:<int>[:<code>]``, always within Telegram's 64-byte
limit. It only names ids; every id is looked up in the database and checked against the
person pressing, so forged or stale data changes nothing. Pure string work: the core builds
buttons with it (bot/attendance/buttons.py) and the handlers decode presses with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
MAX_ID = 2**31 - 1  # keys and counters are 32-bit integers in the database
_PATTERN = re.compile(r"^([a-z]{1,6}):(\d{1,18})(?::([a-z0-9_]{1,40}))?$")


@dataclass(frozen=True)
class CallbackData:
    route: str
    id: int
    arg: str | None = None

    def encode(self) -> str:
        data = f"{self.route}:{self.id}" + (f":{self.arg}" if self.arg else "")
        if len(data.encode()) > MAX_CALLBACK_BYTES or decode(data) != self:
            raise ValueError(f"bad callback data {data!r}")
        return data


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; ``None`` for anything we did not produce."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    match = _PATTERN.match(data)
    if not match or small_int(match.group(2)) is None:
        return None
    return CallbackData(match.group(1), int(match.group(2)), match.group(3))


def small_int(text: str) -> int | None:
    """A decimal number from a button or a text that fits the database's 32-bit integers."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if value <= MAX_ID else None
