"""The one callback-data codec: what a button carries back when it is pressed.

Callback data is short ASCII, ``<route>:<int>[:<code>]``, always within Telegram's 64-byte
limit. It only names ids; every id is looked up in the database and checked against the
person pressing, so forged or stale data changes nothing. Ids are the databases' 32-bit keys
(0 is "no id"): anything larger is refused here, before it could reach a query and fail there
(PostgreSQL rejects it as out of range). Pure string work: the core builds buttons with it
(bot/attendance/buttons.py) and the handlers decode presses with it; ``bounded_int`` reads any
other number a button argument, a deep link or a typed text carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
MAX_ID = 2**31 - 1  # the largest key of an INTEGER primary key on PostgreSQL and in our tables
_PATTERN = re.compile(r"([a-z]{1,6}):(0|[1-9][0-9]{0,9})(?::([a-z0-9_]{1,40}))?")
_DIGITS = re.compile(r"[0-9]{1,30}")


@dataclass(frozen=True)
class CallbackData:
    route: str
    id: int
    arg: str | None = None

    def encode(self) -> str:
        data = f"{self.route}:{self.id}" + (f":{self.arg}" if self.arg else "")
        if decode(data) != CallbackData(self.route, self.id, self.arg or None):
            raise ValueError(f"bad callback data {data!r}")
        return data


def decode(data: str | None) -> CallbackData | None:
    """Parse callback data; ``None`` for anything we did not produce."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    match = _PATTERN.fullmatch(data)
    if not match:
        return None
    id_ = int(match.group(2))
    if id_ > MAX_ID:
        return None
    return CallbackData(match.group(1), id_, match.group(3))


def bounded_int(text: str | None, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The number ``text`` spells in plain ASCII digits, if within bounds; else ``None``.

    No sign, spaces or other scripts' digits (``int("٣")`` would accept those): what a button,
    a deep link or a typed id carries is read here before it reaches the database.
    """
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None
