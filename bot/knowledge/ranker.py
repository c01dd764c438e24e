"""BM25 ranking of knowledge-base entries for one question, with a normalized confidence.

Each entry is indexed twice over:

* question documents: every sample question and the title, scored separately (an entry scores
  as its best-matching question — the FAQ pattern);
* an answer document: the answer, title and keywords together.

and each of those in two fields: folded (no diacritics) and exact (accented). The confidence
uses the folded field only, so it does not depend on whether the member typed accents; the
exact field adds a ranking bonus, so an accented question prefers the accented match.

Confidence is a coverage ratio: the BM25 score divided by the score a document matching every
query term once would get. Query words never seen in the knowledge base count with the largest
possible IDF, so an off-topic word ("xăng", "bóng đá") drags the confidence down.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.text_input import fold

from . import lexicon
from .base import Entry
from .normalize import Analyzed, Analyzer, has_diacritics

# Share of the question-document score in the BM25 part; the rest is the answer document.
QUESTION_WEIGHT = 0.6
# Confidence = BM25_SHARE * normalized BM25 + (1 - BM25_SHARE) * topic coverage.
BM25_SHARE = 0.7
# Added to the IDF mass of the question when computing coverage, so a question with one
# content word ("tên") cannot reach full coverage.
COVERAGE_SMOOTHING = 4.0
# Added to the ideal BM25 score for the same reason (short questions).
BM25_SMOOTHING = 2.0
# Confidence factor when none of the entry's anchor words occurs in the question.
ANCHOR_MISS_FACTOR = 0.4
# Confidence factor per question word found nowhere in the knowledge base (an off-topic sign).
UNKNOWN_WORD_FACTOR = 0.9
# Ranking bonus for entries whose anchor words occur in the question.
ANCHOR_BONUS = 0.15
# Bigrams ("đảng_phí") reward phrase matches but count less than words.
BIGRAM_WEIGHT = 0.5
# Ranking bonus for exact (accented) matches, when the question has diacritics.
EXACT_BONUS = 0.25
# Confidence factor per unknown syllable that had to be replaced by a known look-alike.
TYPO_PENALTY_INVALID = 0.97  # not a possible Vietnamese syllable ("hopj", "dag"): surely a typo
TYPO_PENALTY_VALID = 0.8  # a possible syllable ("sing"): maybe a typo, maybe an off-topic word

_SYLLABLE_RE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$"
)


class BM25Field:
    """Okapi BM25 over a list of term lists; per-posting contributions are precomputed."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(docs)
        lengths = [len(d) for d in docs]
        avgdl = (sum(lengths) / self.n_docs) if self.n_docs else 1.0
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        self.idf = {t: self._idf(n) for t, n in df.items()}
        self.max_idf = self._idf(0)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(docs):
            norm = k1 * (1 - b + b * lengths[i] / avgdl) if avgdl else k1
            for term, tf in Counter(doc).items():
                contrib = self.idf[term] * tf * (k1 + 1) / (tf + norm)
                self.postings.setdefault(term, []).append((i, contrib))

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def idf_of(self, term: str) -> float:
        return self.idf.get(term, self.max_idf)

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        acc: dict[int, float] = {}
        for term in terms:
            weight = BIGRAM_WEIGHT if "_" in term else 1.0
            for doc, contrib in self.postings.get(term, ()):
                acc[doc] = acc.get(doc, 0.0) + weight * contrib
        return acc

    def ideal(self, terms: Iterable[str]) -> float:
        """Score of a document matching each query term once, at average length.

        Unknown words count with the largest IDF (an off-topic word lowers the confidence);
        unknown bigrams are left out (their words already count, and a bigram only adds a
        bonus for matching a phrase).
        """
        total = 0.0
        for term in terms:
            if "_" in term:
                if term in self.idf:
                    total += BIGRAM_WEIGHT * self.idf[term]
            else:
                total += self.idf_of(term)
        return total


@dataclass(frozen=True, slots=True)
class Scored:
    entry_index: int
    rank_score: float
    confidence: float


class _Pair:
    """Folded and exact BM25 fields over the same documents."""

    def __init__(self, analyzed: Sequence[Analyzed], *, k1: float, b: float) -> None:
        self.folded = BM25Field([a.folded for a in analyzed], k1=k1, b=b)
        self.exact = BM25Field([a.exact for a in analyzed], k1=k1, b=b)


class Ranker:
    """Ranks entries for a question. Build once per knowledge base (tens of ms)."""

    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer) -> None:
        self.entries = list(entries)
        self.analyzer = analyzer
        q_docs: list[Analyzed] = []
        self._q_owner: list[int] = []
        a_docs: list[Analyzed] = []
        lexicon_counts: Counter[str] = Counter()
        self._entry_terms: list[frozenset[str]] = []
        for i, entry in enumerate(self.entries):
            terms: set[str] = set()
            for text in (entry.title, *entry.questions):
                syllables = analyzer.syllables(text)
                lexicon_counts.update(fold(s) for s in syllables)
                q_docs.append(analyzer.terms(syllables))
                terms.update(q_docs[-1].folded)
                self._q_owner.append(i)
            body = " . ".join((entry.title, entry.answer, *entry.keywords))
            syllables = analyzer.syllables(body)
            lexicon_counts.update(fold(s) for s in syllables)
            a_docs.append(analyzer.terms(syllables))
            terms.update(a_docs[-1].folded)
            self._entry_terms.append(frozenset(t for t in terms if "_" not in t))
        self._questions = _Pair(q_docs, k1=1.2, b=0.5)
        self._answers = _Pair(a_docs, k1=1.2, b=0.75)
        self._entry_idf = _entry_idf(self._entry_terms)
        self._entry_max_idf = math.log(1 + (len(self.entries) + 0.5) / 0.5)
        self._anchors_folded = [
            _compile_anchors(analyzer, e.anchors, folded=True) for e in self.entries
        ]
        self._anchors_exact = [
            _compile_anchors(analyzer, e.anchors, folded=False) for e in self.entries
        ]
        self._anchor_phrases = sorted(
            {part for anchors in self._anchors_folded for anchor in anchors for part in anchor}
        )
        self._exact_vocabulary = frozenset(self._questions.exact.idf) | frozenset(
            self._answers.exact.idf
        )
        self._lexicon = _Lexicon(lexicon_counts) if analyzer.vietnamese else None

    # -- query side -------------------------------------------------------------------------

    def analyze_query(self, question: str) -> tuple[Analyzed, float]:
        """Terms of the question after typo correction, and the typo penalty factor."""
        syllables = self.analyzer.syllables(question)
        penalty = 1.0
        if self._lexicon is not None:
            syllables, penalty = self._lexicon.correct(syllables)
        return self.analyzer.terms(syllables), penalty

    def topic_words(self, question: str, entries: Iterable[int] | None = None) -> list[str]:
        """The topic phrases (anchors, folded) of the given entries (default: all) that occur
        in the question."""
        analyzed, _ = self.analyze_query(question)
        words = _unigrams(analyzed.folded)
        if entries is None:
            phrases: Iterable[tuple[str, ...]] = self._anchor_phrases
        else:
            phrases = sorted(
                {part for i in entries for anchor in self._anchors_folded[i] for part in anchor}
            )
        return [" ".join(p) for p in phrases if _contains(words, p)]

    def _anchored(self, i: int, exact_words: Sequence[str], folded_words: Sequence[str]) -> bool:
        """Whether entry i's topic words occur in the question.

        With diacritics typed, anchors match accented ("đăng" (post) is not "đảng"), except
        that an accented word the knowledge base never uses is taken for an accent typo and
        matched folded ("dư bị" for "dự bị").
        """
        if not exact_words:
            return not self._anchors_folded[i] or _any_anchor(self._anchors_folded[i], folded_words)
        anchors = self._anchors_exact[i]
        return not anchors or any(
            all(self._contains_typo(exact_words, part) for part in anchor) for anchor in anchors
        )

    def _contains_typo(self, words: Sequence[str], phrase: Sequence[str]) -> bool:
        def same(word: str, wanted: str) -> bool:
            if word == wanted:
                return True
            return word not in self._exact_vocabulary and fold(word) == fold(wanted)

        size = len(phrase)
        return any(
            all(same(words[k + j], phrase[j]) for j in range(size))
            for k in range(len(words) - size + 1)
        )

    def rank(self, question: str) -> list[Scored]:
        """All entries with a positive score, best first."""
        analyzed, penalty = self.analyze_query(question)
        folded = list(dict.fromkeys(analyzed.folded))
        if not folded:
            return []
        words = _unigrams(analyzed.folded)
        q_fold = self._best_question_scores(self._questions.folded, folded)
        a_fold = _normalized(self._answers.folded, folded)
        exact = list(dict.fromkeys(analyzed.exact))
        use_exact = has_diacritics(question)
        q_exact = self._best_question_scores(self._questions.exact, exact) if use_exact else {}
        a_exact = _normalized(self._answers.exact, exact) if use_exact else {}
        exact_words = _unigrams(analyzed.exact) if use_exact else ()
        unique_words = set(words)
        ideal = sum(self._entry_idf.get(t, self._entry_max_idf) for t in unique_words)
        unknown = sum(1 for t in unique_words if t not in self._entry_idf and not t.isdigit())
        penalty *= UNKNOWN_WORD_FACTOR**unknown
        results: list[Scored] = []
        for i in set(q_fold) | set(a_fold):
            bm25 = min(
                1.0,
                QUESTION_WEIGHT * q_fold.get(i, 0.0) + (1 - QUESTION_WEIGHT) * a_fold.get(i, 0.0),
            )
            covered = sum(self._entry_idf[t] for t in unique_words & self._entry_terms[i])
            coverage = covered / (ideal + COVERAGE_SMOOTHING)
            conf = (BM25_SHARE * bm25 + (1 - BM25_SHARE) * coverage) * penalty
            anchored = self._anchored(i, exact_words, words)
            if not anchored:
                conf *= ANCHOR_MISS_FACTOR
            bonus = min(
                1.0,
                QUESTION_WEIGHT * q_exact.get(i, 0.0) + (1 - QUESTION_WEIGHT) * a_exact.get(i, 0.0),
            )
            rank_score = bm25 + EXACT_BONUS * bonus + (ANCHOR_BONUS if anchored else 0.0)
            results.append(Scored(i, rank_score, conf))
        results.sort(key=lambda s: (-s.rank_score, s.entry_index))
        return results

    def _best_question_scores(self, field: BM25Field, terms: Sequence[str]) -> dict[int, float]:
        ideal = field.ideal(terms) + BM25_SMOOTHING
        best: dict[int, float] = {}
        if ideal <= 0:
            return best
        for doc, score in field.scores(terms).items():
            owner = self._q_owner[doc]
            value = score / ideal
            if value > best.get(owner, 0.0):
                best[owner] = value
        return best


Anchor = tuple[tuple[str, ...], ...]  # phrases that must all occur ("a + b")


def _compile_anchors(analyzer: Analyzer, anchors: Sequence[str], *, folded: bool) -> list[Anchor]:
    compiled: list[Anchor] = []
    for anchor in anchors:
        parts = []
        for part in anchor.split("+"):
            analyzed = analyzer.analyze(part)
            words = _unigrams(analyzed.folded if folded else analyzed.exact)
            if words:
                parts.append(words)
        if parts:
            compiled.append(tuple(parts))
    return compiled


def _any_anchor(anchors: Sequence[Anchor], words: Sequence[str]) -> bool:
    return any(all(_contains(words, part) for part in anchor) for anchor in anchors)


def _unigrams(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for t in terms if "_" not in t)


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    size = len(phrase)
    first = phrase[0]
    return any(
        words[i] == first and tuple(words[i : i + size]) == tuple(phrase)
        for i in range(len(words) - size + 1)
    )


def _entry_idf(entry_terms: Sequence[frozenset[str]]) -> dict[str, float]:
    """IDF over topics: a word found in every entry tells nothing about which topic is meant."""
    n = len(entry_terms)
    df: Counter[str] = Counter(t for terms in entry_terms for t in terms)
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def _normalized(field: BM25Field, terms: Sequence[str]) -> dict[int, float]:
    ideal = field.ideal(terms) + BM25_SMOOTHING
    if ideal <= 0:
        return {}
    return {doc: score / ideal for doc, score in field.scores(terms).items()}


class _Lexicon:
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
            valid = bool(_SYLLABLE_RE.match(folded))
            if valid and has_diacritics(syllable):
                out.append(syllable)  # typed with accents and well formed: a real word
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
            penalty *= TYPO_PENALTY_VALID if valid else TYPO_PENALTY_INVALID
        return out, penalty

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
