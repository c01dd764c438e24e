"""Rules Q&A benchmark: accuracy and latency of the Vietnamese ranker against a plain baseline.

    .venv/bin/python bench/qa_bench.py [--runs 5]

Both rankers use the same BM25 code, the same entries and the same threshold calibration
(bot/knowledge/calibrate.py). The baseline only lowercases and splits words: no Unicode/tone
normalization, accent folding, abbreviations, synonyms or typo correction. Each run asks every
question of tests/knowledge/eval_questions.toml once; latency is per question, in-process.
"""

from __future__ import annotations

import argparse
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
from bot.knowledge.calibrate import calibrate  # noqa: E402
from bot.knowledge.normalize import Analyzer, get_analyzer  # noqa: E402
from tests.knowledge.evalset import Case, judge, load_cases  # noqa: E402


@dataclass
class Result:
    name: str
    threshold: float
    load_ms: float
    memory_kib: float
    accuracy: float
    by_split: dict[str, float]
    by_kind: dict[str, float]
    off_topic_confident: int
    p50_ms: float
    p99_ms: float
    max_ms: float


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


def run(name: str, analyzer: Analyzer, cases: list[Case], runs: int) -> Result:
    threshold, _, _ = calibrate(analyzer)
    kb, load_ms, memory_kib = _load(analyzer, threshold)
    ok = Counter[str]()
    total = Counter[str]()
    off_topic_confident = 0
    timings: list[float] = []
    for case in cases[:10]:
        kb.ask(case.q)  # warm-up
    for i in range(runs):
        for case in cases:
            start = time.perf_counter()
            answer = kb.ask(case.q)
            timings.append((time.perf_counter() - start) * 1000)
            if i:
                continue
            good, _ = judge(case, answer)
            for key in ("all", f"split:{case.split}", f"kind:{case.kind}"):
                ok[key] += good
                total[key] += 1
            off_topic_confident += case.kind == "off_topic" and answer.confident
    timings.sort()
    return Result(
        name=name,
        threshold=threshold,
        load_ms=load_ms,
        memory_kib=memory_kib,
        accuracy=ok["all"] / total["all"],
        by_split={k[6:]: ok[k] / total[k] for k in total if k.startswith("split:")},
        by_kind={k[5:]: ok[k] / total[k] for k in total if k.startswith("kind:")},
        off_topic_confident=off_topic_confident,
        p50_ms=statistics.median(timings),
        p99_ms=timings[int(0.99 * (len(timings) - 1))],
        max_ms=timings[-1],
    )


def _table(results: list[Result], cases: list[Case], runs: int) -> str:
    full, base = results
    rows: list[tuple[str, str, str, str]] = [
        ("metric", full.name, base.name, "ratio"),
        ("threshold (calibrated)", f"{full.threshold:.2f}", f"{base.threshold:.2f}", ""),
        ("accuracy, all", f"{full.accuracy:.1%}", f"{base.accuracy:.1%}",
         f"{full.accuracy / base.accuracy:.2f}x" if base.accuracy else "-"),
    ]  # fmt: skip
    for split in sorted(full.by_split):
        rows.append(
            (f"  set {split}", f"{full.by_split[split]:.1%}", f"{base.by_split[split]:.1%}", "")
        )
    for kind in sorted(full.by_kind):
        rows.append(
            (f"  kind {kind}", f"{full.by_kind[kind]:.1%}", f"{base.by_kind[kind]:.1%}", "")
        )
    rows += [
        ("off-topic answered confidently", str(full.off_topic_confident),
         str(base.off_topic_confident), ""),
        ("latency p50 (ms)", f"{full.p50_ms:.2f}", f"{base.p50_ms:.2f}",
         f"{full.p50_ms / base.p50_ms:.1f}x"),
        ("latency p99 (ms)", f"{full.p99_ms:.2f}", f"{base.p99_ms:.2f}",
         f"{full.p99_ms / base.p99_ms:.1f}x"),
        ("latency max (ms)", f"{full.max_ms:.2f}", f"{base.max_ms:.2f}", ""),
        ("load time (ms)", f"{full.load_ms:.0f}", f"{base.load_ms:.0f}", ""),
        ("index memory (KiB, tracemalloc)", f"{full.memory_kib:.0f}", f"{base.memory_kib:.0f}",
         f"{full.memory_kib / base.memory_kib:.1f}x"),
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        f"{len(cases)} questions x {runs} runs; "
        f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
    ]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Rules Q&A benchmark")
    parser.add_argument("--runs", type=int, default=5, help="passes over the eval set")
    args = parser.parse_args()
    cases = load_cases()
    results = [
        run("vietnamese", get_analyzer(), cases, args.runs),
        run("plain baseline", Analyzer(vietnamese=False), cases, args.runs),
    ]
    print(_table(results, cases, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
