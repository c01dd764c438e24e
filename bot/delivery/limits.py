"""Telegram's size limits, and the two ways a text is made to fit them.

Every message the bot builds goes through one of these, so it fits by construction:
``shorten`` cuts one long field (at a word, with a pointer to where the full text is), and
``split_text`` breaks a long reply into parts sent in order. Limits are counted in characters
as Telegram counts them after entity parsing (UTF-16 code units for astral characters, so an
emoji counts twice).
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_TEXT = 4096  # sendMessage / editMessageText
MAX_CAPTION = 1024  # sendDocument / sendPhoto captions
MAX_CALLBACK_ANSWER = 200  # answerCallbackQuery text
ELLIPSIS = "…"


def telegram_length(text: str) -> int:
    """The length Telegram checks: UTF-16 code units, so characters beyond U+FFFF count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cut(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose Telegram length is at most ``limit``."""
    if telegram_length(text) <= limit:
        return text
    total = 0
    for index, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        if total > limit:
            return text[:index]
    return text


def shorten(text: str, limit: int, *, pointer: str = "") -> str:
    """``text`` if it fits in ``limit``; otherwise cut at a word, ending with "…" and
    ``pointer`` (e.g. " (xem đầy đủ: /chuyende)"), the whole within ``limit``."""
    if telegram_length(text) <= limit:
        return text
    tail = ELLIPSIS + pointer
    room = max(limit - telegram_length(tail), 0)
    head = _cut(text, room)
    space = head.rfind(" ")
    if space > room // 2:
        head = head[:space]
    return _cut(head.rstrip() + tail, limit)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at line breaks (a line longer than ``limit`` is cut) so that every part fits."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while telegram_length(line) > limit:
            if current:
                parts.append(current)
                current = ""
            piece = _cut(line, limit) or line[0]  # a limit below 2 cannot hold an emoji
            parts.append(piece)
            line = line[len(piece) :]
        candidate = f"{current}\n{line}" if current else line
        if telegram_length(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def listed(
    items: Sequence[str], room: int, *, sep: str, more: str, limit: int | None = None
) -> str:
    """As many of ``items`` (at most ``limit``) as fit in ``room`` as Telegram counts, joined
    by ``sep``, then ``more`` (a template with ``{count}``, e.g. "… và {count} đồng chí khác")
    for the rest: a list of names never overflows."""
    shown = used = 0
    for item in items[:limit]:
        cost = telegram_length(item) + (telegram_length(sep) if shown else 0)
        rest = len(items) - shown - 1
        tail = telegram_length(sep + more.format(count=rest)) if rest else 0
        if used + cost + tail > room:
            break
        used, shown = used + cost, shown + 1
    if shown == len(items):
        return sep.join(items)
    return sep.join([*items[:shown], more.format(count=len(items) - shown)])
