"""Free text members type: the one cleaner (comments, reasons, agendas) and the one fold.

``clean_text`` accepts any script and length up to a limit; ``fold`` drops Vietnamese marks for
matching ("Đảng viên" → "Dang vien"), fast enough for every knowledge-base question.
"""

from __future__ import annotations

import unicodedata

from bot.errors import InvalidInput


def clean_text(raw: str | None, *, limit: int, empty_key: str, long_key: str) -> str:
    """NFC, no control characters except line breaks, single spaces, at most one blank line
    in a row, trimmed. Raises ``InvalidInput(empty_key)`` or ``InvalidInput(long_key,
    {"limit": limit})``."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text:
        raise InvalidInput(empty_key)
    if len(text) > limit:
        raise InvalidInput(long_key, {"limit": limit})
    return text


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Remove every diacritic and map đ → d ("Đảng viên" → "Dang vien"); case is kept."""
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    # Rare: marks that do not compose (stray combining characters).
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_for_matching(text: str) -> str:
    """Lower case, no diacritics, single spaces ("Lê  Văn Đức" → "le van duc")."""
    return " ".join(fold(text.lower()).split())
