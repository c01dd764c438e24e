"""The old held-out question set (heldout_questions.toml): written before tuning for issue 14
and scored once, 90 of 96 (93.8%), on 2026-12-01. It has since been TUNED ON (the second
round of issue 14 studied its misses) and is now a tuning set; the fresh held-out set that
replaces it is heldout2_questions.toml. The file itself stays frozen: its hash is pinned
here so that any edit shows up in review."""

from __future__ import annotations

import hashlib
from collections import Counter

from bot.knowledge import default_kb
from bot.knowledge.normalize import has_diacritics

from .evalset import HELDOUT_FILE, judge, load_cases

FIRST_SCORE = 90  # of 96: the one scoring as a held-out set, 2026-12-01
TUNED_SCORE = 93  # of 96: after the second round tuned on it (bench/README.md)
HELDOUT_SHA256 = "758eb31c5f10fcf83d6dae64ca48c37340e2fc63dcb8818ac404d47299c99c79"


def test_heldout_set_is_frozen() -> None:
    digest = hashlib.sha256(HELDOUT_FILE.read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256, "heldout_questions.toml changed: it must stay frozen"


def test_heldout_set_is_realistic() -> None:
    """As issue 14 asks: ≥ 80 questions, half without diacritics, long and two-part ones,
    about 10 with no central rule and about 10 out of scope, and the cell's own data."""
    cases = load_cases(HELDOUT_FILE)
    kinds = Counter(c.kind for c in cases)
    assert len(cases) >= 80
    assert sum(not has_diacritics(c.q) for c in cases) >= len(cases) / 2
    assert sum(len(c.q.split()) >= 20 for c in cases) >= 8
    assert sum(len(c.expect) == 2 for c in cases) >= 5
    assert kinds["no_rule"] >= 10 and kinds["off_topic"] >= 10 and kinds["data"] >= 5
    ids = {e.id for e in default_kb().topics()}
    assert all({*c.expect, *c.also} <= ids for c in cases)


def test_heldout_accuracy_does_not_fall_below_what_tuning_reached() -> None:
    """Scored once as a held-out set: 90 of 96 (93.8%). Tuned on since, it reaches 93 of 96;
    this guards that figure against regressions. It is no longer an honest estimate for new
    phrasings (heldout2_questions.toml is)."""
    kb = default_kb()
    cases = load_cases(HELDOUT_FILE)
    correct = sum(judge(c, kb.ask(c.q))[0] for c in cases)
    assert correct >= TUNED_SCORE > FIRST_SCORE
    off_topic = [c for c in cases if c.kind == "off_topic"]
    assert not any(kb.ask(c.q).confident for c in off_topic)
