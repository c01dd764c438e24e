"""Typo correction of question syllables against the knowledge base's own words.

Unknown syllables are tried, in order: as a chat spelling of a known word ("fut" → "phut");
a well-formed Vietnamese syllable is then kept as it is (a real word the base does not use,
"lớp", "đều"); anything else as two known syllables run together ("sinhhoat"), then as the
nearest known word by one insertion, deletion or substitution ("hopj", "dag").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.text_input import fold

from . import lexicon
from .normalize import has_diacritics

# Confidence factor per unknown syllable that had to be replaced by a known look-alike.
TYPO_PENALTY_INVALID = 0.97  # not a possible Vietnamese syllable ("hopj", "dag"): surely a typo

# Initials no Vietnamese syllable has: a word starting so is a chat spelling or a foreign word.
_NOT_VIETNAMESE = ("f", "j", "w", "z", "dz")
_SYLLABLE_RE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$"
)


class TypoFixer:
    """Known folded syllables, for correcting typos by one insertion, deletion or substitution
    (symmetric-delete lookup, as in SymSpell)."""

    def __init__(self, counts: Counter[str]) -> None:
        known = Counter(counts)
        for phrase in (*lexicon.SYNONYMS, *(v for vs in lexicon.SYNONYMS.values() for v in vs)):
            known.update(fold(phrase).lower().split())
        known.update(list(lexicon.ABBREVIATIONS))
        known.update(lexicon.STOPWORDS_FOLDED)
        self.counts = known
        self.deletes: dict[str, list[str]] = {}
        for word in known:
            if word.isalpha():
                for variant in {word, *_deletes(word)}:
                    self.deletes.setdefault(variant, []).append(word)

    def correct(self, syllables: Sequence[str]) -> tuple[list[str], float]:
        out: list[str] = []
        penalty = 1.0
        for syllable in syllables:
            folded = fold(syllable)
            chat = self._chat_spelling(syllable, folded)
            if chat is not None:
                out.append(chat)
                continue
            if folded in self.counts or not folded.isalpha():
                out.append(syllable)
                continue
            respelled = None if has_diacritics(syllable) else _respell(folded, self.counts)
            if respelled is not None:
                out.append(respelled)
                continue
            if len(folded) < 3:
                out.append(syllable)
                continue
            if _SYLLABLE_RE.match(folded):
                # Well formed: a real word the base does not use ("lớp", "đều", "tăng"),
                # not a typo. "Correcting" it made false topics ("lop" → "hop", "deu dan"
                # → "đề dẫn"); left as it is, it counts as an unknown word.
                out.append(syllable)
                continue
            split = self._split(folded)
            if split is not None:
                out.extend(split)
                penalty *= TYPO_PENALTY_INVALID
                continue
            candidate = self._nearest(folded)
            if candidate is None:
                out.append(syllable)
                continue
            out.append(candidate)
            penalty *= TYPO_PENALTY_INVALID
        return out, penalty

    def _chat_spelling(self, syllable: str, folded: str) -> str | None:
        """A word starting with f, j, w, z or dz, which no Vietnamese syllable does, respelled
        even when the base knows it (a sample question typed "fut" makes "fut" known) if the
        respelled word is the more common one ("fut" → "phut"; "zalo", "zoom" stay)."""
        if len(folded) < 2 or has_diacritics(syllable) or not folded.startswith(_NOT_VIETNAMESE):
            return None
        respelled = _respell(folded, self.counts)
        if respelled is None or self.counts[respelled] <= self.counts[folded]:
            return None
        return respelled

    def _nearest(self, word: str) -> str | None:
        candidates: set[str] = set()
        for variant in {word, *_deletes(word)}:
            candidates.update(self.deletes.get(variant, ()))
        candidates.discard(word)
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda w: self.counts[w])

    def _split(self, word: str) -> list[str] | None:
        """ "sinhhoat" → ["sinh", "hoat"] when both halves are known syllables."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            known = left in self.counts and right in self.counts
            if known and _SYLLABLE_RE.match(left) and _SYLLABLE_RE.match(right):
                return [left, right]
        return None


def _respell(word: str, known: Counter[str]) -> str | None:
    """The known word a chat spelling stands for ("fut" → "phut", "wy" → "quy"), if any."""
    for chat, standard in lexicon.CHAT_INITIALS:
        if word.startswith(chat):
            candidate = standard + word[len(chat) :]
            if candidate in known:
                return candidate
    return None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
