"""Calibrate the confidence threshold: `python -m bot.knowledge.calibrate [--write]`.

Positives: every sample question of every entry, asked against a knowledge base built without
that question's fold (5-fold cross-validation, so the question is a new paraphrase to the
ranker). Negatives: the off-topic questions in calibration.toml. The threshold is the highest
off-topic confidence plus a safety margin, so no known off-topic question is ever answered.
The evaluation set in tests/knowledge/ is never used here.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .base import BUILTIN_DIR, META_FILE, PACKAGE_DIR, Entry, load_meta
from .entry_file import load_dir
from .normalize import Analyzer, get_analyzer
from .ranker import Ranker

CALIBRATION_FILE = PACKAGE_DIR / "calibration.toml"
FOLDS = 5
MARGIN = 0.05


@dataclass(frozen=True)
class Trial:
    question: str
    expected: str | None  # None for an off-topic question
    got: str | None
    confidence: float


def off_topic_questions(path: Path = CALIBRATION_FILE) -> list[str]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [str(q) for q in data["off_topic"]]


def cross_validate(entries: Sequence[Entry], analyzer: Analyzer, folds: int = FOLDS) -> list[Trial]:
    """Ask every sample question against a ranker that never saw it (k-fold)."""
    trials: list[Trial] = []
    for k in range(folds):
        reduced = [
            dataclasses.replace(
                e, questions=tuple(q for j, q in enumerate(e.questions) if j % folds != k)
            )
            for e in entries
        ]
        ranker = Ranker(reduced, analyzer)
        for entry in entries:
            for j, question in enumerate(entry.questions):
                if j % folds == k:
                    trials.append(_trial(ranker, question, entry.id))
    return trials


def off_topic_trials(entries: Sequence[Entry], analyzer: Analyzer) -> list[Trial]:
    ranker = Ranker(list(entries), analyzer)
    return [_trial(ranker, q, None) for q in off_topic_questions()]


def _trial(ranker: Ranker, question: str, expected: str | None) -> Trial:
    ranked = ranker.rank(question)
    if not ranked:
        return Trial(question, expected, None, 0.0)
    best = ranked[0]
    return Trial(question, expected, ranker.entries[best.entry_index].id, best.confidence)


def choose_threshold(negatives: Sequence[Trial], margin: float = MARGIN) -> float:
    """Highest off-topic confidence plus a margin (rounded up to 0.01)."""
    worst = max((t.confidence for t in negatives), default=0.0)
    return round(min(0.95, worst + margin) + 0.004, 2)


def summarize(positives: Sequence[Trial], threshold: float) -> tuple[float, float]:
    """(share ranked first correctly, share correct and confident) of the positives."""
    n = len(positives) or 1
    top1 = sum(t.got == t.expected for t in positives) / n
    confident = sum(t.got == t.expected and t.confidence >= threshold for t in positives) / n
    return top1, confident


def calibrate(analyzer: Analyzer | None = None) -> tuple[float, list[Trial], list[Trial]]:
    """Return (threshold, positive trials, negative trials) for the built-in entries."""
    analyzer = analyzer or get_analyzer()
    entries, _ = load_dir(BUILTIN_DIR, load_meta(), local=False)
    positives = cross_validate(entries, analyzer)
    negatives = off_topic_trials(entries, analyzer)
    return choose_threshold(negatives), positives, negatives


def write_threshold(threshold: float, path: Path = META_FILE) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^threshold = .*$", f"threshold = {threshold}", text, count=1)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the threshold in meta.toml")
    parser.add_argument("--plain", action="store_true", help="calibrate the plain baseline")
    args = parser.parse_args(argv)
    analyzer = Analyzer(vietnamese=False) if args.plain else get_analyzer()
    threshold, positives, negatives = calibrate(analyzer)
    worst = sorted(negatives, key=lambda t: -t.confidence)[:5]
    print(f"{len(positives)} sample questions ({FOLDS}-fold), {len(negatives)} off-topic")
    for t in worst:
        print(f"  off-topic {t.confidence:.2f} -> {t.got}: {t.question}")
    for value in (threshold - 0.1, threshold - 0.05, threshold, threshold + 0.05, threshold + 0.1):
        top1, ok = summarize(positives, value)
        print(f"  threshold {value:.2f}: top-1 {top1:.1%}, correct and confident {ok:.1%}")
    print(f"recommended threshold: {threshold}")
    if args.write and not args.plain:
        write_threshold(threshold)
        print(f"written to {META_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
