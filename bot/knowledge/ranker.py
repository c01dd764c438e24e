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

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.text_input import fold

from . import lexicon
from .base import Entry
from .normalize import Analyzed, Analyzer, has_diacritics
from .typos import TypoFixer

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
# ... counted by share in a question of more than UNKNOWN_REF distinct words.
UNKNOWN_REF = 6
# Ranking bonus for entries whose anchor words occur in the question.
ANCHOR_BONUS = 0.15
# Confidence factor when the question names a party topic ("kết nạp", "khai trừ") that few
# entries mention (at most FOREIGN_TOPIC_SHARE of them) and this entry does not: the entry
# is a neighbour of what is asked ("quy trình kết nạp" is not the order of a meeting).
FOREIGN_TOPIC_FACTOR = 0.6
FOREIGN_TOPIC_SHARE = 0.25
# Confidence factor when the question names a member's private dealing (`lexicon.
# CONDUCT_TOPICS`: "bán hàng", "du lịch") that this entry never mentions; not for an entry
# about absences when the question names one ("đi bán hàng có được coi là lý do chính đáng
# để vắng không": the dealing is the reason given for missing a meeting).
CONDUCT_TOPIC_FACTOR = 0.5
ABSENCE = ("vắng",)
# Questions (and clauses) whose analysis is kept, so one answer analyzes each text once.
ANALYZED_CACHE = 512
# Bigrams ("đảng_phí") reward phrase matches but count less than words.
BIGRAM_WEIGHT = 0.5
# Ranking bonus for exact (accented) matches, when the question has diacritics.
EXACT_BONUS = 0.25


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
        self._party_terms: list[frozenset[str]] = []
        self._conduct_terms: list[frozenset[str]] = []
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
            self._party_terms.append(frozenset(terms & lexicon.PARTY_TERMS_FOLDED))
            self._conduct_terms.append(frozenset(terms & lexicon.CONDUCT_TOPICS))
        party_df = Counter(t for terms in self._party_terms for t in terms)
        self._distinctive = frozenset(
            t for t, n in party_df.items() if n <= FOREIGN_TOPIC_SHARE * len(self.entries)
        )
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
        # The same anchors as sets of phrases, so that a question's anchors are looked up
        # once per phrase and each entry's test is a subset check (the hot path of ranking).
        self._anchor_sets_folded = [[frozenset(a) for a in x] for x in self._anchors_folded]
        self._anchor_sets_exact = [[frozenset(a) for a in x] for x in self._anchors_exact]
        self._exact_phrases = sorted(
            {part for anchors in self._anchors_exact for anchor in anchors for part in anchor}
        )
        self._spellings = _anchor_spellings(self._anchors_folded, self._anchors_exact)
        absence = _fold_phrase(ABSENCE)
        self._about_absence = frozenset(
            i
            for i, anchors in enumerate(self._anchors_folded)
            if any(anchor == (absence,) for anchor in anchors)
        )
        # Accented words as the curated text spells them (answers, titles, keywords): sample
        # questions are typed as members type, with their accent typos ("dư bị").
        self._exact_vocabulary = frozenset(self._answers.exact.idf)
        self._lexicon = TypoFixer(lexicon_counts) if analyzer.vietnamese else None
        self._analyzed: dict[str, tuple[Analyzed, float]] = {}
        self._ranked: dict[str, list[Scored]] = {}

    # -- query side -------------------------------------------------------------------------

    def analyze_query(self, question: str) -> tuple[Analyzed, float]:
        """Terms of the question after typo correction, and the typo penalty factor
        (memoized until `forget`: one answer analyzes a question and its clauses several
        times)."""
        cached = self._analyzed.get(question)
        if cached is not None:
            return cached
        syllables = self.analyzer.syllables(question)
        penalty = 1.0
        if self._lexicon is not None:
            syllables, penalty = self._lexicon.correct(syllables)
        if len(self._analyzed) >= ANALYZED_CACHE:
            self._analyzed.clear()
        result = self._analyzed[question] = (self.analyzer.terms(syllables), penalty)
        return result

    def forget(self) -> None:
        """Drop the memoized analyses (called before each question is answered)."""
        self._analyzed.clear()
        self._ranked.clear()

    def query_words(self, question: str) -> tuple[str, ...]:
        """The question's folded words after normalization, synonyms and typo correction."""
        analyzed, _ = self.analyze_query(question)
        return _unigrams(analyzed.folded)

    def topic_words(
        self, words: Sequence[str], entries: Iterable[int] | None = None, *, whole: bool = False
    ) -> list[str]:
        """The topic phrases (anchors, folded) of the given entries (default: all) that occur
        in ``words`` (from `query_words`). ``whole``: only anchors that are a topic on their
        own ("đảng phí"), not a part of a combined one ("đóng + sinh viên")."""
        if entries is None:
            phrases: Iterable[tuple[str, ...]] = self._anchor_phrases
        else:
            phrases = sorted(
                {
                    part
                    for i in entries
                    for anchor in self._anchors_folded[i]
                    if not whole or len(anchor) == 1
                    for part in anchor
                }
            )
        present = set(words)
        return [" ".join(p) for p in phrases if p[0] in present and _contains(words, p)]

    def unknown_share(self, question: str) -> float:
        """The share of the question's words (numbers aside) that no entry uses."""
        words = {w for w in self.query_words(question) if not w.isdigit()}
        return sum(w not in self._entry_idf for w in words) / len(words) if words else 0.0

    def _anchored_entries(self, occurs: _Occurs) -> list[bool]:
        """For each entry, whether its topic words occur in the question (see `_Occurs`)."""
        if occurs.accented:
            phrases, sets = self._exact_phrases, self._anchor_sets_exact
        else:
            phrases, sets = self._anchor_phrases, self._anchor_sets_folded
        present = {p for p in phrases if occurs.may_hold(p) and occurs(p)}
        return [not anchors or any(a <= present for a in anchors) for anchors in sets]

    def anchored(self, question: str) -> frozenset[str]:
        """The ids of the entries whose topic words the question names (the anchor gate)."""
        analyzed, _ = self.analyze_query(question)
        gate = self._anchored_entries(self._occurs(question, analyzed))
        return frozenset(e.id for e, passed in zip(self.entries, gate, strict=True) if passed)

    def _occurs(self, question: str, analyzed: Analyzed) -> _Occurs:
        """How the question's topic words are matched.

        Accented when the accents look right; a question with a word of its own accent that
        the base never uses ("môi tháng", "dư bị") is matched folded, after the folded
        synonyms ("moi thang" → "hằng tháng"), but still by the accents it typed.
        """
        exact_words = _unigrams(analyzed.exact)
        use_exact = has_diacritics(question)
        accented = use_exact and all(
            w in self._exact_vocabulary or not has_diacritics(w) for w in exact_words
        )
        if accented:
            return _Occurs(exact_words, self._exact_vocabulary)
        return _Occurs(
            _unigrams(analyzed.folded),
            None,
            typed=_typed_accents(exact_words) if use_exact else None,
            spellings=self._spellings,
        )

    def rank(self, question: str) -> list[Scored]:
        """All entries with a positive score, best first (memoized until `forget`, like the
        analyses: the clauses of one question are ranked more than once)."""
        cached = self._ranked.get(question)
        if cached is None:
            if len(self._ranked) >= ANALYZED_CACHE:
                self._ranked.clear()
            cached = self._ranked[question] = self._rank(question)
        return cached

    def _rank(self, question: str) -> list[Scored]:
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
        unique_words = set(words)
        ideal = sum(self._entry_idf.get(t, self._entry_max_idf) for t in unique_words)
        unknown = sum(1 for t in unique_words if t not in self._entry_idf and not t.isdigit())
        # By share, not count: a long question's situation words (names, places) are not
        # an off-topic sign the way they are in a short one.
        share = UNKNOWN_REF / max(UNKNOWN_REF, len(unique_words))
        penalty *= UNKNOWN_WORD_FACTOR ** (unknown * share)
        named = self._distinctive.intersection(analyzed.folded)
        dealings = _dealings(analyzed)
        results: list[Scored] = []
        occurs = self._occurs(question, analyzed)
        anchored_entries = self._anchored_entries(occurs)
        absent = bool(dealings) and _names_absence(occurs)
        for i in set(q_fold) | set(a_fold):
            bm25 = min(
                1.0,
                QUESTION_WEIGHT * q_fold.get(i, 0.0) + (1 - QUESTION_WEIGHT) * a_fold.get(i, 0.0),
            )
            covered = sum(self._entry_idf[t] for t in unique_words & self._entry_terms[i])
            coverage = covered / (ideal + COVERAGE_SMOOTHING)
            conf = (BM25_SHARE * bm25 + (1 - BM25_SHARE) * coverage) * penalty
            anchored = anchored_entries[i]
            if not anchored:
                conf *= ANCHOR_MISS_FACTOR
            if not named <= self._party_terms[i]:
                conf *= FOREIGN_TOPIC_FACTOR
            if self._foreign_dealing(dealings, i, absent=absent):
                conf *= CONDUCT_TOPIC_FACTOR
            bonus = min(
                1.0,
                QUESTION_WEIGHT * q_exact.get(i, 0.0) + (1 - QUESTION_WEIGHT) * a_exact.get(i, 0.0),
            )
            rank_score = bm25 + EXACT_BONUS * bonus + (ANCHOR_BONUS if anchored else 0.0)
            results.append(Scored(i, rank_score, conf))
        results.sort(key=lambda s: (-s.rank_score, s.entry_index))
        return results

    def _foreign_dealing(self, dealings: frozenset[str], i: int, *, absent: bool) -> bool:
        """Whether the question names a private dealing entry i never mentions (an entry
        about absences excepted when the question names one: the dealing is its reason)."""
        return not dealings <= self._conduct_terms[i] and not (absent and i in self._about_absence)

    def dealing_factor(self, question: str, clause: str, i: int) -> float:
        """The confidence factor for entry i, picked by a clause of the question, for the
        private dealings the rest of the question names ("con gái sắp cưới chồng người nước
        ngoài, … có phải xin phép gì không": the permission asked is for the marriage, which
        no entry is about). Dealings the clause names itself were counted in its rank."""
        analyzed, _ = self.analyze_query(question)
        dealings = _dealings(analyzed) - _dealings(self.analyze_query(clause)[0])
        if not dealings:
            return 1.0
        absent = _names_absence(self._occurs(question, analyzed))
        return CONDUCT_TOPIC_FACTOR if self._foreign_dealing(dealings, i, absent=absent) else 1.0

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


class _Occurs:
    """Which anchor phrases occur in one question, memoized per phrase.

    With diacritics typed (``vocabulary`` given), phrases match accented: "đăng" (post) is
    not "đảng". A phrase typed with a wrong accent on a known word matches folded when the
    words as typed never stand together in the knowledge base ("biên bàn" for "biên bản":
    "bàn" is a word, "biên bàn" is not). (A question with an accented word the base never
    uses is matched folded as a whole: see `Ranker.rank`.)

    Typed accents are evidence even then (``typed``: folded word → the accented forms the
    member typed, see `_typed_accents`): a one-word topic matches folded only when the member
    typed it without accents or with the topic's own accents, so "hội đồng" is not "đóng"
    (dues) and "miền núi" is not "miễn"; inside a phrase the other words carry the match
    ("dư bị", "môi tháng").
    """

    def __init__(
        self,
        words: Sequence[str],
        vocabulary: frozenset[str] | None,
        *,
        typed: dict[str, frozenset[str]] | None = None,
        spellings: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.accented = vocabulary is not None
        self.typed = typed or {}
        self.spellings = spellings or {}
        self.words = tuple(words)
        self.vocabulary = vocabulary or frozenset()
        self.folded = tuple(fold(w) for w in words)
        self.seen: dict[tuple[str, ...], bool] = {}
        self.starts: dict[str, list[int]] = {}
        self.folded_starts: dict[str, list[int]] = {}
        for k, (word, folded) in enumerate(zip(self.words, self.folded, strict=True)):
            self.starts.setdefault(word, []).append(k)
            self.folded_starts.setdefault(folded, []).append(k)

    def may_hold(self, phrase: tuple[str, ...]) -> bool:
        """A cheap first test: the phrase's first word occurs, as typed or folded."""
        return phrase[0] in self.starts or (
            self.accented and _fold_phrase(phrase)[0] in self.folded_starts
        )

    def __call__(self, phrase: tuple[str, ...]) -> bool:
        found = self.seen.get(phrase)
        if found is None:
            found = self.seen[phrase] = (
                self._find(phrase) and not self._other_accent(phrase)
            ) or self._mistyped(phrase)
        return found

    def _other_accent(self, phrase: tuple[str, ...]) -> bool:
        """A one-word folded topic the member typed only with other accents than its own."""
        if len(phrase) != 1 or phrase[0] not in self.typed:
            return False
        return not self.typed[phrase[0]] & self.spellings.get(phrase[0], frozenset())

    def _find(self, phrase: tuple[str, ...]) -> bool:
        size = len(phrase)
        return any(self.words[k : k + size] == phrase for k in self.starts.get(phrase[0], ()))

    def _mistyped(self, phrase: tuple[str, ...]) -> bool:
        """A phrase of known words with a wrong accent, never together in the base."""
        if not self.accented or len(phrase) < 2:
            return False
        folded, size = _fold_phrase(phrase), len(phrase)
        for k in self.folded_starts.get(folded[0], ()):
            if self.folded[k : k + size] == folded:
                typed = self.words[k : k + size]
                pairs = (f"{a}_{b}" for a, b in itertools.pairwise(typed))
                if not all(pair in self.vocabulary for pair in pairs):
                    return True
        return False


def _dealings(analyzed: Analyzed) -> frozenset[str]:
    """The private dealings (`lexicon.CONDUCT_TOPICS`) the text names."""
    return lexicon.CONDUCT_TOPICS.intersection(analyzed.folded)


def _names_absence(occurs: _Occurs) -> bool:
    return occurs(ABSENCE if occurs.accented else _fold_phrase(ABSENCE))


def _typed_accents(words: Sequence[str]) -> dict[str, frozenset[str]]:
    """Folded word → the accented forms typed, for words the member always typed accented
    (a form typed without accents anywhere leaves that word free to match folded)."""
    forms: dict[str, set[str]] = {}
    plain: set[str] = set()
    for word in words:
        folded = fold(word)
        if word == folded:
            plain.add(folded)
        else:
            forms.setdefault(folded, set()).add(word)
    return {f: frozenset(s) for f, s in forms.items() if f not in plain}


def _anchor_spellings(
    folded: Sequence[Sequence[Anchor]], exact: Sequence[Sequence[Anchor]]
) -> dict[str, frozenset[str]]:
    """Folded one-word topic → its accented spellings in the anchors ("dong" → "đóng")."""
    spellings: dict[str, set[str]] = {}
    for entry_folded, entry_exact in zip(folded, exact, strict=True):
        for anchor_folded, anchor_exact in zip(entry_folded, entry_exact, strict=False):
            for part_folded, part_exact in zip(anchor_folded, anchor_exact, strict=False):
                if len(part_folded) == 1 and len(part_exact) == 1:
                    spellings.setdefault(part_folded[0], set()).add(part_exact[0])
    return {f: frozenset(s) for f, s in spellings.items()}


@lru_cache(maxsize=4096)
def _fold_phrase(phrase: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(p) for p in phrase)


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
