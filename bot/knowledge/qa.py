"""Question answering over the knowledge base: `KnowledgeBase.ask`.

The bot never composes an answer: it returns curated entries when the match is confident (one
per part of a two-part question), and otherwise says plainly that it found no rule and points
to the cell committee, or, for a question that is not about the party, what it can help with.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.texts import knowledge as texts

from . import lexicon
from .base import (
    BUILTIN_DIR,
    Entry,
    Group,
    Issue,
    KnowledgeBaseError,
    Meta,
    Source,
    cross_check,
    load_meta,
    merge,
)
from .entry_file import load_dir
from .intents import about_the_party, detect_data_intent
from .normalize import Analyzer, get_analyzer
from .parts import pick_entries
from .ranker import Ranker

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3
# A topic is suggested only if it scores at least this share of the threshold.
SUGGESTION_SHARE = 0.6


@dataclass(frozen=True)
class Answer:
    """The result of `KnowledgeBase.ask`.

    ``entries`` are the entries that answer the question, in the order of the question's
    parts (two for a two-part question); ``entry_id``, ``title``, ``text`` and ``sources``
    describe the first. ``suggestions`` holds (entry id, title) of the closest topics when
    not confident. ``out_of_scope``: the question is not about the party at all.
    ``data_intent`` is set when the question is about the cell's own data ("next_meeting",
    "next_thematic", "my_answer"): the caller should answer it from the database.
    """

    question: str
    entry_id: str | None
    title: str | None
    text: str
    sources: tuple[Source, ...]
    confident: bool
    score: float
    suggestions: tuple[tuple[str, str], ...]
    data_intent: str | None = None
    local: bool = False
    entries: tuple[Entry, ...] = ()
    out_of_scope: bool = False

    @classmethod
    def of(cls, question: str, entries: Sequence[Entry], score: float) -> Answer:
        first = entries[0]
        return cls(
            question=question,
            entry_id=first.id,
            title=first.title,
            text=first.answer,
            sources=first.sources,
            confident=True,
            score=round(score, 4),
            suggestions=(),
            local=first.local,
            entries=tuple(entries),
        )


class KnowledgeBase:
    """The rules knowledge base: built-in entries plus the cell's own (local) entries."""

    def __init__(
        self,
        entries: list[Entry],
        meta: Meta,
        *,
        issues: tuple[Issue, ...] = (),
        analyzer: Analyzer | None = None,
        threshold: float | None = None,
    ) -> None:
        self.meta = meta
        self.issues = issues
        self.threshold = meta.threshold if threshold is None else threshold
        self._entries = sorted(entries, key=lambda e: (meta.group_order(e.group), e.order, e.id))
        self._by_id = {e.id: e for e in self._entries}
        self.ranker = Ranker(self._entries, analyzer or get_analyzer())

    @classmethod
    def load(
        cls,
        local_dir: Path | None = None,
        *,
        analyzer: Analyzer | None = None,
        threshold: float | None = None,
    ) -> KnowledgeBase:
        """Load the built-in entries and, if given, the cell's folder of local entries.

        Raises KnowledgeBaseError if a built-in entry is invalid (a bug in the shipped data).
        Invalid local entries are skipped and logged; `chibo kb check` shows the details.
        """
        meta = load_meta()
        builtin, issues = load_dir(BUILTIN_DIR, meta, local=False)
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise KnowledgeBaseError("; ".join(str(i) for i in errors))
        local: list[Entry] = []
        if local_dir is not None:
            local, local_issues = load_dir(local_dir, meta, local=True)
            issues = [*issues, *local_issues]
            for issue in local_issues:
                log.warning("local knowledge base: %s", issue)
        entries = merge(builtin, local)
        issues = [*issues, *cross_check(entries)]
        return cls(entries, meta, issues=tuple(issues), analyzer=analyzer, threshold=threshold)

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def topics(self) -> list[Entry]:
        """All entries, ordered by group (as in meta.toml), then `order`, then id."""
        return list(self._entries)

    def groups(self) -> list[Group]:
        """Browsing groups that have at least one entry, in display order."""
        used = {e.group for e in self._entries}
        known = [g for g in self.meta.groups if g.id in used]
        extra = sorted(used - {g.id for g in known})
        return [*known, *(Group(id=g, title=g, order=10_000) for g in extra)]

    def _everyday_only(self, question: str) -> bool:
        """No party word, and no topic word but everyday ones ("online", "app"): the
        question is not about the party, however well it matches one entry's topic word."""
        if about_the_party(question):
            return False
        topics = self.ranker.topic_words(self.ranker.query_words(question))
        return not [t for t in topics if t not in lexicon.EVERYDAY_TOPICS]

    def ask(self, question: str) -> Answer:
        question = question.strip()
        if not question:
            return _no_answer(question, texts.EMPTY_QUESTION, 0.0, ())
        intent = detect_data_intent(question)
        if intent is not None:
            return Answer(
                question=question,
                entry_id=None,
                title=None,
                text=texts.DATA_INTENT[intent],
                sources=(),
                confident=False,
                score=0.0,
                suggestions=(),
                data_intent=intent,
            )
        self.ranker.forget()  # the memo serves one answer: latency is measured cold
        ranked = self.ranker.rank(question)
        # The plain baseline (bench/qa_bench.py) ranks the whole question only.
        vietnamese = self.ranker.analyzer.vietnamese
        if vietnamese and self._everyday_only(question):
            score = round(ranked[0].confidence, 4) if ranked else 0.0
            return replace(_no_answer(question, texts.OUT_OF_SCOPE, score, ()), out_of_scope=True)
        if vietnamese:
            picked = pick_entries(self.ranker, question, ranked, self.threshold)
        else:
            picked = ranked[:1] if ranked and ranked[0].confidence >= self.threshold else []
        if picked:
            entries = [self._entries[p.entry_index] for p in picked]
            return Answer.of(question, entries, min(p.confidence for p in picked))
        score = round(ranked[0].confidence, 4) if ranked else 0.0
        if vietnamese and not about_the_party(question):
            return replace(_no_answer(question, texts.OUT_OF_SCOPE, score, ()), out_of_scope=True)
        suggestions = tuple(
            (self._entries[s.entry_index].id, self._entries[s.entry_index].title)
            for s in ranked[:MAX_SUGGESTIONS]
            if s.confidence >= SUGGESTION_SHARE * self.threshold
        )
        return _no_answer(question, texts.NOT_FOUND, score, suggestions)


def _no_answer(
    question: str, text: str, score: float, suggestions: tuple[tuple[str, str], ...]
) -> Answer:
    return Answer(
        question=question,
        entry_id=None,
        title=None,
        text=text,
        sources=(),
        confident=False,
        score=score,
        suggestions=suggestions,
    )


@lru_cache(maxsize=4)
def default_kb(local_dir: Path | None = None) -> KnowledgeBase:
    """The shared knowledge base, loaded once (pass the cell's local folder if it has one)."""
    return KnowledgeBase.load(local_dir)
