"""The roll's name search: diacritics and case folded, every word must match, word starts win."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.attendance.roll import matching
from bot.attendance.views import Roll, RollEntry
from bot.delivery.limits import MAX_TEXT, telegram_length
from handlers.attendance.roll import render_search
from storage.enums import PartyStatus
from tests.unit.test_ics import _meeting


def _entry(member_id: int, name: str) -> RollEntry:
    return RollEntry(
        member_id,
        name,
        PartyStatus.FULL,
        True,
        True,
        True,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )


ROLL = [
    _entry(1, "Trần Thị Thanh Bình"),
    _entry(2, "Nguyễn Văn An"),
    _entry(3, "Lê Đức Anh"),
    _entry(4, "Đỗ  Văn   Đông"),
]


def _names(query: str) -> list[str]:
    return [e.full_name for e in matching(ROLL, query)]


def test_folded_words_all_match_and_word_starts_come_first() -> None:
    assert _names("an") == ["Nguyễn Văn An", "Lê Đức Anh"]  # not every "Văn"
    assert _names("inh") == ["Trần Thị Thanh Bình"]  # no word starts so: inside a word
    assert _names("NGUYEN van") == ["Nguyễn Văn An"]
    assert _names("đông") == _names("dong") == ["Đỗ  Văn   Đông"]
    assert _names("duc anh") == ["Lê Đức Anh"]
    assert _names("   ") == [] and _names("xyz") == []


def test_inactive_and_other_fields_do_not_matter() -> None:
    gone = replace(ROLL[1], active=False)
    assert [e.member_id for e in matching([gone], "an")] == [2]


def test_search_screen_fits_telegram_with_the_longest_names() -> None:
    wide = "📘" * 120  # the longest name a member row holds, in the widest characters
    entries = tuple(_entry(i, f"{wide[:-4]} an{i}") for i in range(1, 40))
    meeting = _meeting(starts_at=datetime(2026, 12, 5, 7, tzinfo=UTC))
    roll = Roll(meeting, "Chi bộ", None, "Asia/Ho_Chi_Minh", entries, False)
    for mode in ("k", "p"):
        text, markup = render_search(roll, mode, "📘" * 40)
        assert telegram_length(text) <= MAX_TEXT
        assert sum(len(row) for row in markup.inline_keyboard) <= 100
        assert "Còn" in text  # the rest are counted, not dropped silently
