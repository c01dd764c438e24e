"""The two ways a text is made to fit Telegram's limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.limits import MAX_TEXT, shorten, split_text, telegram_length

TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12_000)


def test_emoji_count_twice_as_telegram_counts_them() -> None:
    assert telegram_length("Đảng") == 4
    assert telegram_length("✅") == 1  # U+2705 is in the basic plane
    assert telegram_length("📅") == 2


def test_shorten_keeps_a_short_text_and_cuts_a_long_one_at_a_word() -> None:
    assert shorten("Học tập nghị quyết", 100) == "Học tập nghị quyết"
    cut = shorten("Học tập và làm theo tư tưởng Hồ Chí Minh " * 20, 60, pointer=" (/chuyende)")
    assert telegram_length(cut) <= 60
    assert cut.endswith("… (/chuyende)")
    assert not cut.removesuffix("… (/chuyende)").endswith(" ")


@given(TEXTS, st.integers(min_value=1, max_value=MAX_TEXT))
def test_shorten_always_fits(text: str, limit: int) -> None:
    assert telegram_length(shorten(text, limit, pointer=" (xem /lich)")) <= limit


@given(TEXTS, st.integers(min_value=2, max_value=MAX_TEXT))
def test_split_text_fits_and_loses_nothing(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(telegram_length(part) <= limit for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
