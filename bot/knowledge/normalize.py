"""Vietnamese text normalization for matching chat questions against the knowledge base.

Members type in many ways: with or without diacritics, with old- or new-style tone placement
("hoà"/"hòa", "thuỷ"/"thủy"), with chat abbreviations ("ko", "dc", "dv") and typos. This
module turns such text into two parallel term lists:

* ``exact`` terms keep the diacritics (after NFC and one tone-placement convention, the
  traditional one used in party documents: "hòa", "thủy", "khỏe", "xóa"), so a
  correctly accented question can prefer "đăng" (post) over "đảng" (party);
* ``folded`` terms drop every mark and map đ → d, so "dang vien" still finds "đảng viên".

The two lists are kept apart (never mixed in one field) because folding changes term
frequencies: many distinct syllables collapse to one folded form.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.text_input import fold

from . import lexicon

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Old keyboards sometimes produce the Vietnamese-specific tone marks.
_TONE_ALIASES = {"\u0340": "\u0300", "\u0341": "\u0301", "\u0342": "\u0303"}
_PLAIN_VOWELS = frozenset("aeiouy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_VOWELS = _PLAIN_VOWELS | _MARKED_VOWELS
_WORD_RE = re.compile(r"[^\W\d_]+")
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")
# "10k", "10tr", "5 nghìn" written the chat way.
_MONEY_RE = re.compile(r"(\d)\s*(k|ng|tr|trieu|triệu)\b", re.IGNORECASE)
_MONEY_WORDS = {"k": "nghìn", "ng": "nghìn", "tr": "triệu", "trieu": "triệu", "triệu": "triệu"}
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark (so it was typed "with accents")."""
    return fold(text) != text


def _split_tone(word: str) -> tuple[str, str | None]:
    """Return (word without its tone mark, the tone mark or None), both NFC."""
    decomposed = unicodedata.normalize("NFD", word)
    tone: str | None = None
    kept: list[str] = []
    for ch in decomposed:
        ch = _TONE_ALIASES.get(ch, ch)
        if ch in _TONE_MARKS:
            if tone is None:
                tone = ch
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_position(toneless: str) -> int | None:
    """Index of the vowel that carries the tone, in the traditional "hòa, thủy, khỏe" style.

    Rules: a vowel with its own mark (â ê ô ơ ư ă) takes the tone (the last one, for "ươ");
    otherwise a lone vowel; otherwise, before a final consonant, the last vowel ("hoàn");
    otherwise the middle of three vowels ("ngoài") or the first of two ("hòa", "mùa").
    "qu" and "gi" before a vowel count as consonants ("quý", "giá").
    """
    start = 0
    if toneless[:2] in ("qu", "gi") and len(toneless) > 2 and toneless[2] in _VOWELS:
        start = 2
    first = next((i for i in range(start, len(toneless)) if toneless[i] in _VOWELS), None)
    if first is None:
        return None
    end = first
    while end < len(toneless) and toneless[end] in _VOWELS:
        end += 1
    nucleus = toneless[first:end]
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        return first + marked[-1]
    if len(nucleus) == 1:
        return first
    if end < len(toneless):  # a final consonant follows: "hoàn", "huỳnh"
        return end - 1
    if len(nucleus) >= 3:  # "ngoài", "khuỷu"
        return first + 1
    return first


@lru_cache(maxsize=50_000)
def _place_tone(word: str) -> str:
    """Put the tone of one lowercase word on its canonical vowel ("thuỷ" → "thủy")."""
    if word.isascii():
        return word
    toneless, tone = _split_tone(word)
    if tone is None:
        return toneless
    if not fold(toneless).isalpha() or not fold(toneless).isascii():
        return unicodedata.normalize("NFC", word)  # not a Vietnamese syllable; leave it
    pos = _tone_position(toneless)
    if pos is None:
        return unicodedata.normalize("NFC", word)
    return unicodedata.normalize("NFC", toneless[:pos] + toneless[pos] + tone + toneless[pos + 1 :])


def _fix_word(match: re.Match[str]) -> str:
    word = match.group(0)
    lower = word.lower()
    fixed = _place_tone(lower)
    if fixed == lower:
        return word
    if len(fixed) != len(word):
        return fixed
    return "".join(f.upper() if w.isupper() else f for f, w in zip(fixed, word, strict=True))


def normalize_text(text: str) -> str:
    """NFC plus one tone-placement convention, keeping case and punctuation.

    Also repairs misplaced marks such as "nghìên" → "nghiền" and decomposed input.
    """
    return _WORD_RE.sub(_fix_word, unicodedata.normalize("NFC", text))


def _canonical_number(token: str) -> str:
    """ "05" → "5", "100.000" → "100000", "0,5" → "0.5" (Vietnamese decimal comma)."""
    if _THOUSANDS_RE.fullmatch(token):
        return token.replace(".", "").replace(",", "")
    token = token.replace(",", ".")
    head, dot, tail = token.partition(".")
    return f"{int(head)}{dot}{tail}" if head.isdigit() else token


def tokenize(text: str) -> list[str]:
    """Lowercase syllables and numbers of an already normalized text."""
    text = _MONEY_RE.sub(lambda m: f"{m.group(1)} {_MONEY_WORDS[m.group(2).lower()]}", text)
    return [_canonical_number(t) if t[0].isdigit() else t for t in _TOKEN_RE.findall(text.lower())]


def _canonical_iy(syllable: str) -> str:
    """Write the i/y spelling variants one way ("kỉ luật" → "kỷ luật", "lí do" → "lý do")."""
    if len(syllable) >= 2 and syllable[-1] in "iìíỉĩị":
        head = syllable[:-1]
        if head in lexicon.IY_INITIALS:
            return head + lexicon.I_TO_Y[syllable[-1]]
    return syllable


_DURATION_UNITS = frozenset({"tiếng", "phút", "tieng", "phut"})
# Chat units after a number: "60p", "90ph", "45 fut" are minutes.
_MINUTE_CHAT = frozenset({"p", "ph", "fut", "phut"})
# After a vehicle word, a chat abbreviation is the vehicle's model name ("xe sh").
_VEHICLE = frozenset({"xe", "chiec"})
_COUNT_WORDS = frozenset({"một", "hai", "ba", "nửa", "mot", "nua"})


def _mark_durations(syllables: list[str]) -> list[str]:
    """ "1 tiếng", "45 phút" are durations: add the concept word so they meet "thời lượng"."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if syllable in _DURATION_UNITS and i > 0:
            previous = syllables[i - 1]
            if previous[0].isdigit() or previous in _COUNT_WORDS:
                out.extend(("thời", "lượng"))
    return out


_ADMISSION_WORDS = frozenset({"đảng", "dang", "nạp", "nap"})
# Dues are waived from 50 years of membership (Quy định 01-QĐ/TW, 2026).
PARTY_AGE_MARK = 50


_PARTY_AGE_WORDS = ("nam", "tuoi", "dang")


def _mark_party_age(syllables: list[str], this_year: int) -> list[str]:
    """ "vào đảng từ 1972" means 50 years of membership or more: add "50 năm tuổi đảng"; so
    does "52 năm tuổi đảng" (any number of years from 50 on, as the dues rule counts)."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if len(syllable) == 4 and syllable.isdigit() and 1930 <= int(syllable) <= this_year:
            admitted = any(s in _ADMISSION_WORDS for s in syllables[max(0, i - 4) : i])
            if admitted and this_year - int(syllable) >= PARTY_AGE_MARK:
                out.extend((str(PARTY_AGE_MARK), "năm", "tuổi", "đảng"))
        elif (
            syllable.isdigit()
            and PARTY_AGE_MARK < int(syllable) <= 100
            and tuple(fold(s) for s in syllables[i + 1 : i + 4]) == _PARTY_AGE_WORDS
        ):
            out.extend((str(PARTY_AGE_MARK), "năm", "tuổi", "đảng"))
    return out


_BADGE_WORDS = ("huy", "hieu")


def _mark_party_badge(syllables: list[str]) -> list[str]:
    """ "huy hiệu 55 năm" is the party badge for 55 years of membership: read "55 năm tuổi
    đảng" (the badge is named by the member's party age)."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if (
            fold(syllable) == "nam"
            and i >= 3
            and syllables[i - 1].isdigit()
            and tuple(fold(s) for s in syllables[i - 3 : i - 1]) == _BADGE_WORDS
            and tuple(fold(s) for s in syllables[i + 1 : i + 3]) != ("tuoi", "dang")
        ):
            out.extend(("tuổi", "đảng"))
    return out


def _mark_few_members(syllables: list[str]) -> list[str]:
    """ "chi bộ có 5 đảng viên thôi", "chỉ có 5 đảng viên": a cell of few members (the
    member says "only"): read "ít đảng viên" (no number is drawn from it)."""
    out: list[str] = []
    folded = [fold(s) for s in syllables]
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if not (syllable.isdigit() and folded[i + 1 : i + 3] == ["dang", "vien"]):
            continue
        only_before = folded[max(0, i - 2) : i] == ["chi", "co"]
        only_after = folded[i + 3 : i + 4] == ["thoi"] and folded[i + 4 : i + 5] != ["gian"]
        if only_before or only_after:
            out.append("ít")
    return out


# An age from which a member is "old" in everyday speech ("mẹ tôi 86 tuổi"): only a reading
# for matching (the exemption entry quotes no age).
OLD_AGE_MARK = 70


def _mark_old_age(syllables: list[str]) -> list[str]:
    """ "86 tuổi" (not "tuổi đảng") reads as "tuổi cao" (già yếu)."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        previous = syllables[i - 1] if i else ""
        following = fold(syllables[i + 1]) if i + 1 < len(syllables) else ""
        if (
            fold(syllable) == "tuoi"
            and previous.isdigit()
            and OLD_AGE_MARK <= int(previous) <= 120
            and following != "dang"
        ):
            out.append("cao")  # "tuổi cao": a synonym of "già yếu"
    return out


def _phrase_syllables(phrase: str) -> tuple[str, ...]:
    return tuple(_canonical_iy(t) for t in tokenize(normalize_text(phrase)))


PhraseTable = dict[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=2)
def phrase_table(*, folded: bool) -> PhraseTable:
    """Synonym, filler and number-word rewrites, keyed by syllable tuples.

    Keys go through the same normalization as questions, so they match what the analyzer sees.
    In the folded table the first canonical form wins when two variants fold alike; variants in
    ``lexicon.EXACT_ONLY`` are left out of it (their folded form means something else too).
    """
    table: PhraseTable = {}

    def put(key: tuple[str, ...], value: tuple[str, ...]) -> None:
        if key:
            table.setdefault(key, value)

    for spelled in (False, True):
        # Second pass: a variant with the meeting word "họp" holds with "sinh hoạt" too ("thôi
        # không đi họp" and "thôi không đi sinh hoạt"), unless a phrase says otherwise.
        for canonical, variants in lexicon.SYNONYMS.items():
            target = _phrase_syllables(canonical)
            for variant in (canonical, *variants):
                if folded and variant in lexicon.EXACT_ONLY:
                    continue
                key = _phrase_syllables(variant)
                if spelled:
                    key = _meeting_spelled(key) if _names_meeting(target) else ()
                if folded:
                    put(tuple(_canonical_iy(fold(s)) for s in key), tuple(fold(s) for s in target))
                else:
                    put(key, target)
    for filler in lexicon.FILLERS:
        key = _phrase_syllables(filler)
        put(tuple(_canonical_iy(fold(s)) for s in key) if folded else key, ())
    numbers = lexicon.NUMBER_WORDS_FOLDED if folded else lexicon.NUMBER_WORDS_EXACT
    for word, digit in numbers.items():
        put((word,), (digit,))
    if folded:
        for key, value in lexicon.NUMBER_PHRASES_FOLDED.items():
            put(key, value)
    for key, value in lexicon.FRACTIONS.items():
        put(tuple(fold(s) for s in key) if folded else key, value)
    return table


def _names_meeting(target: tuple[str, ...]) -> bool:
    """Whether a canonical phrase keeps the meeting word beside another ("miễn sinh hoạt"):
    only then is its "sinh hoạt" spelling rewritten too; "buổi sinh hoạt" keeps "buổi" and
    "tài liệu sinh hoạt" keeps "sinh hoạt"."""
    pairs = list(itertools.pairwise(target))
    return len(target) > 2 and ("sinh", "hoạt") in pairs


def _meeting_spelled(key: tuple[str, ...]) -> tuple[str, ...]:
    """The phrase with its meeting word "họp" spelled "sinh hoạt" (empty: it has none, or
    it is the bare word)."""
    if "họp" not in key or len(key) < 2:
        return ()
    return tuple(
        s for syllable in key for s in (("sinh", "hoạt") if syllable == "họp" else (syllable,))
    )


def _phrase_starts(table: PhraseTable) -> dict[str, tuple[int, ...]]:
    """First syllable → phrase lengths starting with it, longest first."""
    starts: dict[str, set[int]] = {}
    for key in table:
        starts.setdefault(key[0], set()).add(len(key))
    return {first: tuple(sorted(sizes, reverse=True)) for first, sizes in starts.items()}


def _rewrite(
    syllables: Sequence[str],
    phrases: PhraseTable,
    starts: dict[str, tuple[int, ...]],
    stopwords: frozenset[str],
) -> list[str]:
    """Longest-match phrase rewriting (synonyms → canonical words), then stop words."""
    out: list[str] = []
    i = 0
    n = len(syllables)
    while i < n:
        for size in starts.get(syllables[i], ()):
            if i + size <= n:
                replacement = phrases.get(tuple(syllables[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
        else:
            out.append(syllables[i])
            i += 1
    return [t for t in out if t not in stopwords]


@dataclass(frozen=True, slots=True)
class Analyzed:
    """Terms of one text: accented (exact) and folded, each with adjacent-term bigrams."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]


class Analyzer:
    """Turns text into index terms.

    ``vietnamese=False`` gives the plain baseline used by the benchmark: lowercase words only,
    no folding, abbreviations, synonyms, spelling variants or stop words.
    """

    def __init__(self, *, vietnamese: bool = True, bigrams: bool = True) -> None:
        self.vietnamese = vietnamese
        self.bigrams = bigrams
        self._phrases_exact = phrase_table(folded=False)
        self._phrases_folded = phrase_table(folded=True)
        self._starts_exact = _phrase_starts(self._phrases_exact)
        self._starts_folded = _phrase_starts(self._phrases_folded)

    def syllables(self, text: str) -> list[str]:
        """Normalized syllables with chat abbreviations expanded (before synonyms)."""
        if not self.vietnamese:
            return _TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())
        out: list[str] = []
        for token in tokenize(normalize_text(text)):
            folded = fold(token)
            typed_plain = folded == token.replace("đ", "d")
            expansion = lexicon.ABBREVIATIONS.get(folded) if typed_plain else None
            if out and fold(out[-1]) in _VEHICLE:
                expansion = None  # "xe sh", "xe cb": a motorbike's model, not "sinh hoạt"
            if typed_plain and folded in _MINUTE_CHAT and out and out[-1][0].isdigit():
                out.append("phút")  # "hop 60p": 60 minutes
            elif folded == "h" and out and fold(out[-1]) == "may":
                out.append("giờ")  # "mấy h bắt đầu": what time
            elif folded == "hom" and out and out[-1].isdigit():
                out.append("ngày")  # "trước 3 hôm": three days
            elif expansion is not None:
                out.extend(expansion.split())
            else:
                out.append(_canonical_iy(token))
        return _mark_old_age(
            _mark_party_age(
                _mark_party_badge(_mark_few_members(_mark_durations(out))), date.today().year
            )
        )

    def terms(self, syllables: Sequence[str]) -> Analyzed:
        """Apply synonyms and stop words to syllables, in both accented and folded form."""
        if not self.vietnamese:
            plain = tuple(self._with_bigrams(syllables))
            return Analyzed(exact=plain, folded=plain)
        exact = _rewrite(
            syllables, self._phrases_exact, self._starts_exact, lexicon.STOPWORDS_EXACT
        )
        folded_syllables = [_canonical_iy(fold(s)) for s in syllables]
        folded = _rewrite(
            folded_syllables, self._phrases_folded, self._starts_folded, lexicon.STOPWORDS_FOLDED
        )
        return Analyzed(
            exact=tuple(self._with_bigrams(exact)), folded=tuple(self._with_bigrams(folded))
        )

    def analyze(self, text: str) -> Analyzed:
        return self.terms(self.syllables(text))

    def _with_bigrams(self, unigrams: Sequence[str]) -> Iterable[str]:
        yield from unigrams
        if self.bigrams:
            for a, b in itertools.pairwise(unigrams):
                yield f"{a}_{b}"


@lru_cache(maxsize=2)
def get_analyzer(vietnamese: bool = True) -> Analyzer:
    """Shared analyzers (the phrase tables are built once)."""
    return Analyzer(vietnamese=vietnamese)
