"""Evaluation of the rules Q&A on realistic member questions: eval_questions.toml, the
by-class tuning_questions.toml and the earlier check sets check_questions.toml,
check2_questions.toml to check4_questions.toml and check6_questions.toml to
check8_questions.toml and check14_questions.toml (all tuned on), and the check sets not
tuned on (evalset.UNTUNED: check5, check9, check10 and check13), each guarded at
its first score, as are check15 and check16, studied in the eighth round, check17, studied
in the ninth, check18, studied in the tenth, check19, studied in the eleventh, check20,
studied in the twelfth, check21, studied in the thirteenth, check22, studied in the
fourteenth, check23, studied in the fifteenth, check24, studied in the sixteenth, and
check25, studied in the seventeenth (evalset.STUDIED).

Fails below 95% correct, or if any off-topic question is answered confidently.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.knowledge import default_kb
from bot.knowledge.normalize import has_diacritics
from bot.text_input import fold

from .evalset import (
    CHECK2_FILE,
    CHECK3_FILE,
    CHECK4_FILE,
    CHECK6_FILE,
    CHECK7_FILE,
    CHECK8_FILE,
    CHECK14_FILE,
    CHECK_FILE,
    EVAL_FILE,
    KINDS,
    STUDIED,
    TUNING_FILE,
    UNTUNED,
    Case,
    judge,
    load_all,
    load_cases,
)

MIN_ACCURACY = 0.95
SAMPLES = Path("/work/shared/domain/questions-sample.md")

CASES = load_all(
    (EVAL_FILE, TUNING_FILE, CHECK_FILE, CHECK2_FILE, CHECK3_FILE, CHECK4_FILE, CHECK6_FILE,
     CHECK7_FILE, CHECK8_FILE, CHECK14_FILE)
)  # fmt: skip
# Check sets not tuned on, and those studied since, each with its first score.
GUARDED = (*UNTUNED, *STUDIED)
CHECK_SETS = [(load_cases(path), first) for path, first in GUARDED]
CHECK_CASES = [case for cases, _ in CHECK_SETS for case in cases]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text).lower()))


def test_eval_set_is_realistic() -> None:
    kinds = Counter(c.kind for c in CASES)
    assert set(kinds) <= set(KINDS)
    assert len(CASES) >= 80
    assert sum(not has_diacritics(c.q) for c in CASES) >= len(CASES) / 2
    assert kinds["off_topic"] >= 8 and kinds["no_rule"] >= 8 and kinds["data"] >= 3
    ids = {e.id for e in default_kb().topics()}
    for case in CASES:
        assert {*case.expect, *case.also} <= ids, case.q
        if case.expect:
            assert case.must, f"no required facts for {case.q!r}"


def test_eval_set_is_separate_from_sample_questions() -> None:
    """Eval questions are not copies of the entries' sample questions (or the style guide)."""
    samples = [q for e in default_kb().topics() for q in (e.title, *e.questions)]
    if SAMPLES.exists():
        samples += re.findall(r"^\| \d+ \| (.+?) \|", SAMPLES.read_text(encoding="utf-8"), re.M)
    sample_words = [_words(s) for s in samples]
    normalized = {" ".join(sorted(w)) for w in sample_words}
    near = []
    for case in (*CASES, *CHECK_CASES):
        words = _words(case.q)
        assert " ".join(sorted(words)) not in normalized, f"copied: {case.q!r}"
        overlap = max(len(words & s) / len(words | s) for s in sample_words)
        assert overlap < 0.8, f"near copy: {case.q!r}"
        if overlap >= 0.7:
            near.append(case.q)
    assert len(near) <= 0.1 * len(CASES), near


def _run(cases: list[Case]) -> tuple[list[str], list[str]]:
    kb = default_kb()
    failures, confident_off_topic = [], []
    for case in cases:
        answer = kb.ask(case.q)
        ok, why = judge(case, answer)
        if not ok:
            failures.append(f"[{case.split}/{case.kind}] {case.q!r}: {why}")
            if case.kind == "off_topic" and answer.confident:
                confident_off_topic.append(case.q)
    return failures, confident_off_topic


def test_eval_accuracy() -> None:
    failures, _ = _run(CASES)
    accuracy = 1 - len(failures) / len(CASES)
    assert accuracy >= MIN_ACCURACY, f"{accuracy:.1%} correct; failures:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("cases", "first"),
    CHECK_SETS,
    ids=[path.stem.removesuffix("_questions") for path, _ in GUARDED],
)
def test_a_check_set_does_not_fall_below_its_first_score(cases: list[Case], first: int) -> None:
    """A regression guard, not a target: a check set is reported as scored once."""
    failures, _ = _run(cases)
    assert len(cases) - len(failures) >= first, failures


def test_no_off_topic_question_is_answered_confidently() -> None:
    _, confident = _run([c for c in CASES if c.kind in ("off_topic", "data")])
    assert confident == []


@pytest.mark.parametrize("kind", ["no_rule", "off_topic", "data"])
def test_each_kind_mostly_right(kind: str) -> None:
    cases = [c for c in CASES if c.kind == kind]
    failures, _ = _run(cases)
    assert len(failures) <= 0.1 * len(cases), failures


def test_latency_sanity() -> None:
    """The real target (p99 < 20 ms) is measured by bench/qa_bench.py; this only guards
    against a gross regression without being flaky on a busy machine."""
    kb = default_kb()
    for case in CASES[:10]:
        kb.ask(case.q)  # warm caches
    timings = []
    for case in CASES:
        start = time.perf_counter()
        kb.ask(case.q)
        timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[int(0.99 * (len(timings) - 1))] < 0.1
