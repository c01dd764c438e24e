"""Rules Q&A benchmark: accuracy and latency of the Vietnamese ranker against a plain baseline.

    .venv/bin/python bench/qa_bench.py [--runs 5]

Reports, for the Vietnamese matcher and for the plain BM25 baseline (same ranking code,
entries and threshold calibration, but no Unicode/tone normalization, accent folding,
abbreviations, chat spellings, synonyms, typo correction or clause splitting… only words):

* the held-out set (tests/knowledge/heldout_questions.toml): written before tuning, never
  tuned on;
* the tuning set (tests/knowledge/eval_questions.toml), scored directly (tuned on) and by
  k-fold cross-validation: each fold is asked against a knowledge base that holds the other
  folds' questions as extra sample questions, never its own;
* latency p50/p99 per question (in-process), the knowledge base's load time and memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.knowledge import KnowledgeBase  # noqa: E402
from bot.knowledge.base import BUILTIN_DIR, load_meta  # noqa: E402
from bot.knowledge.calibrate import calibrate  # noqa: E402
from bot.knowledge.entry_file import load_dir  # noqa: E402
from bot.knowledge.normalize import Analyzer, get_analyzer  # noqa: E402
from tests.knowledge.evalset import HELDOUT_FILE, Case, judge, load_cases  # noqa: E402

FOLDS = 5


@dataclass
class Result:
    name: str
    threshold: float
    load_ms: float
    memory_kib: float
    heldout: float
    heldout_by_kind: dict[str, float]
    tuned: float
    cross_validated: float
    off_topic_confident: int
    p50_ms: float
    p99_ms: float


def _load(analyzer: Analyzer, threshold: float) -> tuple[KnowledgeBase, float, float]:
    gc.collect()
    start = time.perf_counter()
    kb = KnowledgeBase.load(analyzer=analyzer, threshold=threshold)
    load_ms = (time.perf_counter() - start) * 1000
    tracemalloc.start()
    KnowledgeBase.load(analyzer=analyzer, threshold=threshold)
    memory, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return kb, load_ms, memory / 1024


def _score(kb: KnowledgeBase, cases: list[Case]) -> tuple[float, dict[str, float], int]:
    ok, total = Counter[str](), Counter[str]()
    off_topic_confident = 0
    for case in cases:
        answer = kb.ask(case.q)
        good, _ = judge(case, answer)
        for key in ("all", case.kind):
            ok[key] += good
            total[key] += 1
        off_topic_confident += case.kind == "off_topic" and answer.confident
    by_kind = {k: ok[k] / total[k] for k in total if k != "all"}
    return ok["all"] / total["all"], by_kind, off_topic_confident


def cross_validate(analyzer: Analyzer, threshold: float, cases: list[Case]) -> float:
    """k-fold: fold k is asked against the entries plus the other folds' one-entry questions."""
    meta = load_meta()
    entries, _ = load_dir(BUILTIN_DIR, meta, local=False)
    correct = 0
    for k in range(FOLDS):
        extra: dict[str, list[str]] = {}
        for i, case in enumerate(cases):
            if i % FOLDS != k and len(case.expect) == 1:
                extra.setdefault(case.expect[0], []).append(case.q)
        augmented = [
            dataclasses.replace(e, questions=(*e.questions, *extra.get(e.id, ()))) for e in entries
        ]
        kb = KnowledgeBase(augmented, meta, analyzer=analyzer, threshold=threshold)
        correct += sum(judge(c, kb.ask(c.q))[0] for i, c in enumerate(cases) if i % FOLDS == k)
    return correct / len(cases)


def run(name: str, analyzer: Analyzer, runs: int) -> Result:
    threshold, _, _ = calibrate(analyzer)
    kb, load_ms, memory_kib = _load(analyzer, threshold)
    heldout_cases, tuning_cases = load_cases(HELDOUT_FILE), load_cases()
    heldout, by_kind, off_topic = _score(kb, heldout_cases)
    tuned, _, tuned_off_topic = _score(kb, tuning_cases)
    timings: list[float] = []
    questions = [c.q for c in (*heldout_cases, *tuning_cases)]
    for question in questions[:10]:
        kb.ask(question)  # warm-up
    for _ in range(runs):
        for question in questions:
            start = time.perf_counter()
            kb.ask(question)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return Result(
        name=name,
        threshold=threshold,
        load_ms=load_ms,
        memory_kib=memory_kib,
        heldout=heldout,
        heldout_by_kind=by_kind,
        tuned=tuned,
        cross_validated=cross_validate(analyzer, threshold, tuning_cases),
        off_topic_confident=off_topic + tuned_off_topic,
        p50_ms=statistics.median(timings),
        p99_ms=timings[int(0.99 * (len(timings) - 1))],
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def _table(full: Result, base: Result, runs: int) -> str:
    n_heldout, n_tuning = len(load_cases(HELDOUT_FILE)), len(load_cases())
    rows: list[tuple[str, str, str, str]] = [
        ("metric", full.name, base.name, "ratio"),
        ("threshold (calibrated)", f"{full.threshold:.2f}", f"{base.threshold:.2f}", ""),
        (f"held-out set ({n_heldout}, never tuned on)", f"{full.heldout:.1%}",
         f"{base.heldout:.1%}", _ratio(full.heldout, base.heldout)),
    ]  # fmt: skip
    for kind in sorted(full.heldout_by_kind):
        rows.append(
            (f"  held-out, {kind}", f"{full.heldout_by_kind[kind]:.1%}",
             f"{base.heldout_by_kind[kind]:.1%}", "")
        )  # fmt: skip
    rows += [
        (f"tuning set ({n_tuning}), {FOLDS}-fold cross-validated", f"{full.cross_validated:.1%}",
         f"{base.cross_validated:.1%}", _ratio(full.cross_validated, base.cross_validated)),
        (f"tuning set ({n_tuning}), tuned on", f"{full.tuned:.1%}", f"{base.tuned:.1%}",
         _ratio(full.tuned, base.tuned)),
        ("out of scope answered confidently", str(full.off_topic_confident),
         str(base.off_topic_confident), ""),
        ("latency p50 (ms)", f"{full.p50_ms:.2f}", f"{base.p50_ms:.2f}",
         f"{full.p50_ms / base.p50_ms:.1f}x"),
        ("latency p99 (ms)", f"{full.p99_ms:.2f}", f"{base.p99_ms:.2f}",
         f"{full.p99_ms / base.p99_ms:.1f}x"),
        ("KB load time (ms)", f"{full.load_ms:.0f}", f"{base.load_ms:.0f}", ""),
        ("KB memory (KiB, tracemalloc)", f"{full.memory_kib:.0f}", f"{base.memory_kib:.0f}",
         f"{full.memory_kib / base.memory_kib:.1f}x"),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [f"{n_heldout + n_tuning} questions x {runs} runs for latency; max RSS {rss:.0f} MiB"]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Rules Q&A benchmark")
    parser.add_argument("--runs", type=int, default=5, help="passes over the questions")
    args = parser.parse_args()
    full = run("vietnamese", get_analyzer(), args.runs)
    base = run("plain BM25", Analyzer(vietnamese=False), args.runs)
    print(_table(full, base, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
