"""Vietnamese normalization: NFC, tone placement, folding, abbreviations, synonyms."""

from __future__ import annotations

import unicodedata

import pytest

from bot.knowledge import lexicon
from bot.knowledge.normalize import (
    Analyzer,
    _canonical_iy,
    _phrase_syllables,
    get_analyzer,
    has_diacritics,
    normalize_text,
    phrase_table,
    tokenize,
)
from bot.text_input import fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Chi uỷ", "Chi ủy"),
        ("xoá tên", "xóa tên"),
        ("nghìên cứu", "nghiền cứu"),  # mark typed on the wrong vowel
        ("quý", "quý"),
        ("giá", "giá"),
        ("ngoài", "ngoài"),
        ("hoàn thành", "hoàn thành"),
        ("khuỷu", "khuỷu"),
        ("người", "người"),
        ("THUỶ", "THỦY"),
    ],
)
def test_tone_placement(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Đảng viên dự bị")
    assert normalize_text(decomposed) == "Đảng viên dự bị"


def test_non_vietnamese_words_untouched() -> None:
    assert normalize_text("Zalo, Telegram 42-HD/BTCTW") == "Zalo, Telegram 42-HD/BTCTW"


def test_fold() -> None:
    assert fold("Đảng viên dự bị ỨNG CỬ") == "Dang vien du bi UNG CU"
    assert fold("plain ascii") == "plain ascii"
    assert fold(unicodedata.normalize("NFD", "thủy")) == "thuy"
    assert has_diacritics("họp") and not has_diacritics("hop")


def test_tokenize_numbers_and_money() -> None:
    assert tokenize("10tr") == ["10", "triệu"]
    assert tokenize("lương 5k") == ["lương", "5", "nghìn"]
    assert tokenize("100.000 đ, 0,5%, 01 ngày") == ["100000", "đ", "0.5", "1", "ngày"]


def _words(terms: tuple[str, ...]) -> list[str]:
    return [t for t in terms if "_" not in t]


def test_abbreviations_expand_only_when_typed_plain() -> None:
    analyzer = get_analyzer()
    assert analyzer.syllables("dv ko dc") == ["đảng", "viên", "không", "được"]
    assert analyzer.syllables("sh cb bn j ntn") == [
        "sinh", "hoạt", "chi", "bộ", "bao", "nhiêu", "gì", "như", "thế", "nào",
    ]  # fmt: skip
    assert analyzer.syllables("đv") == ["đảng", "viên"]
    # An accented word is never read as an abbreviation.
    assert analyzer.syllables("cụ") == ["cụ"]


def test_synonyms_meet_on_one_form() -> None:
    analyzer = get_analyzer()
    meeting = _words(analyzer.analyze("họp chi bộ").folded)
    assert meeting == _words(analyzer.analyze("sinh hoat chi bo").folded)
    absent = _words(analyzer.analyze("không đi họp").folded)
    assert absent == ["vang", "sinh", "hoat"]
    assert _words(analyzer.analyze("bị đuổi").exact) == ["xóa", "tên"]
    # "hợp" typed for "họp", and the protected "phù hợp" keeps its meaning.
    assert "sinh" in _words(analyzer.analyze("hợp chi bộ").exact)
    assert _words(analyzer.analyze("phù hợp").exact) == ["phù", "hợp"]
    # "bao lâu một lần" is about frequency, "bao lâu" about length.
    assert "lần" in _words(analyzer.analyze("bao lâu một lần").exact)
    assert _words(analyzer.analyze("bao lâu").exact) == ["thời", "lượng"]


def test_folded_collisions_are_guarded() -> None:
    analyzer = get_analyzer()
    # "nghi" folds both "nghỉ" (absent) and "nghị" (resolution): only the accented form maps.
    assert "vang" not in analyzer.analyze("nghi quyet").folded
    assert "vắng" in analyzer.analyze("nghỉ").exact


def test_spelling_variants_and_numbers() -> None:
    analyzer = get_analyzer()
    assert _words(analyzer.analyze("kỉ luật").exact) == _words(analyzer.analyze("kỷ luật").exact)
    assert _words(analyzer.analyze("lí do").folded) == _words(analyzer.analyze("ly do").folded)
    assert "4" in analyzer.analyze("chi bộ bốn tốt").exact


def test_durations_marked() -> None:
    words = _words(get_analyzer().analyze("họp 1 tiếng có đủ không").exact)
    assert "lượng" in words


def test_stop_words_removed_but_key_words_kept() -> None:
    folded = _words(get_analyzer().analyze("cho em hỏi tối thiểu bao nhiêu ạ").folded)
    assert "em" not in folded and "toi" in folded  # "tối" survives folding


def test_plain_analyzer_is_a_baseline() -> None:
    plain = Analyzer(vietnamese=False)
    analyzed = plain.analyze("Họp chi bộ ko")
    assert _words(analyzed.exact) == ["họp", "chi", "bộ", "ko"]
    assert analyzed.folded == analyzed.exact


def test_no_conflicting_synonyms() -> None:
    assert _synonym_conflicts() == []
    assert phrase_table(folded=False) and phrase_table(folded=True)


def _synonym_conflicts() -> list[str]:
    """Variants that normalize to the same key but belong to different canonical forms.

    Such a variant silently takes the first canonical form; the lexicon must have none.
    """
    conflicts: list[str] = []
    for folded in (False, True):
        owner: dict[tuple[str, ...], tuple[str, str]] = {}
        for canonical, variants in lexicon.SYNONYMS.items():
            for variant in (canonical, *variants):
                if folded and variant in lexicon.EXACT_ONLY:
                    continue
                key = _phrase_syllables(variant)
                if folded:
                    key = tuple(_canonical_iy(fold(s)) for s in key)
                seen = owner.setdefault(key, (variant, canonical))
                target = fold(seen[1]) if folded else seen[1]
                if target != (fold(canonical) if folded else canonical):
                    conflicts.append(f"{variant!r} → {canonical!r} / {seen[0]!r} → {seen[1]!r}")
    return conflicts


@pytest.mark.parametrize(
    ("spelled", "meant"),
    [
        ("thôi không đi sinh hoạt nữa", "thôi không đi họp nữa"),
        ("thoi khong di sinh hoat nua", "thoi khong di hop nua"),
        ("không sinh hoạt nữa", "không họp nữa"),
    ],
)
def test_a_meeting_phrase_holds_with_sinh_hoat_as_with_hop(spelled: str, meant: str) -> None:
    """A synonym written with "họp" is read the same with "sinh hoạt" (issue 14, round 11:
    "làm đơn thôi không đi sinh hoạt nữa" was read "vắng", one absence, not the exemption)."""
    analyzer = get_analyzer()
    assert _words(analyzer.analyze(spelled).folded) == _words(analyzer.analyze(meant).folded)
    assert "mien" in _words(analyzer.analyze(spelled).folded)


def test_an_abbreviation_after_a_vehicle_word_is_its_model_not_a_party_word() -> None:
    """ "xe sh" is a motorbike, not "sinh hoạt" (issue 14, round 16: a fuel price question
    about one was not refused as out of scope); "sh" alone still is."""
    analyzer = get_analyzer()
    assert "sinh" not in analyzer.syllables("do 1 binh xe sh het bn")
    assert "sinh" in analyzer.syllables("sh chi bo thang nay")


@pytest.mark.parametrize("spelled", ["hai phần ba", "hai phan ba", "2 phần 3", "2 phan ba"])
def test_a_fraction_spelled_out_reads_as_written_in_figures(spelled: str) -> None:
    """ "hai phần ba" is "2/3" (issue 14, round 16: the quorum question was not recognised)."""
    analyzer = get_analyzer()
    want = [t for t in analyzer.analyze("2/3").folded if "_" not in t]
    assert [t for t in analyzer.analyze(spelled).folded if "_" not in t] == want
