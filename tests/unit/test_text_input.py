"""The one text cleaner and the one fold (bot/text_input.py)."""

from __future__ import annotations

import unicodedata

import pytest

from bot.errors import InvalidInput
from bot.meetings.dateparse import normalize
from bot.text_input import clean_text, fold, fold_for_matching


def _clean(raw: str | None, limit: int = 50) -> str:
    return clean_text(raw, limit=limit, empty_key="empty", long_key="long")


def test_clean_text_keeps_any_script_and_tidies_spacing() -> None:
    raw = "  Đi  công tác\tHà Nội \x00\r\n\n\n\nbáo cáo 🙂 "
    assert _clean(raw) == "Đi công tác Hà Nội\n\nbáo cáo 🙂"
    assert _clean(unicodedata.normalize("NFD", "thủy")) == "thủy"


def test_clean_text_errors_name_their_key_and_limit() -> None:
    with pytest.raises(InvalidInput) as empty:
        _clean(" \x07 \n ")
    assert empty.value.args == ("empty",)
    with pytest.raises(InvalidInput) as long:
        _clean("x" * 11, limit=10)
    assert long.value.args == ("long", {"limit": 10})


@pytest.mark.parametrize("text", ["Lê  Văn Đức", "THỨ SÁU tuần sau", "chiều   thứ 3", "Nguyễn"])
def test_fold_for_matching_agrees_with_the_date_parser(text: str) -> None:
    """A drop-in for dateparse's own fold (which the integrator switches over)."""
    assert fold_for_matching(text) == normalize(text)


def test_fold_keeps_case() -> None:
    assert fold("Đảng Ủy") == "Dang Uy"
