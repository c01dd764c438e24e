"""Validation of names people type (a member's full name, a cell's name)."""

from __future__ import annotations

import unicodedata

from bot.errors import InvalidInput
from bot.text_input import fold_for_matching

MAX_NAME_LENGTH = 80


def clean_full_name(raw: str) -> str:
    """Return a tidy full name (NFC, single spaces) or raise ``InvalidInput``."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if text.startswith("/"):
        raise InvalidInput("name_is_command")
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or len(text) < 3:
        raise InvalidInput("name_too_short")
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidInput("name_too_long")
    if any(ch.isdigit() for ch in text) or not all(ch.isalpha() or ch in " .'-" for ch in text):
        raise InvalidInput("name_bad_chars")
    return text


def clean_cell_name(raw: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not 3 <= len(text) <= 200:
        raise InvalidInput("cell_name_length")
    return text


def fold_name(name: str) -> str:
    """A name for matching, with case, accents and spacing folded ("Lê  Văn Đức" → "le van duc")."""
    return fold_for_matching(name)
