"""Cleaning free text members type (absence reasons, comments): any script, any length."""

from __future__ import annotations

import unicodedata

from bot.errors import InvalidInput


def clean_text(raw: str | None, *, limit: int, empty_key: str, long_key: str) -> str:
    """NFC, no control characters except line breaks, trimmed; raise ``InvalidInput``."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").replace(
        "\t", " "
    )
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text:
        raise InvalidInput(empty_key)
    if len(text) > limit:
        raise InvalidInput(long_key)
    return text
