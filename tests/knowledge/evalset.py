"""The rules Q&A evaluation set: loading and judging (shared by test_eval.py and the bench)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import Answer, format_answer

EVAL_FILE = Path(__file__).with_name("eval_questions.toml")
KINDS = ("rule", "no_rule", "off_topic", "data")


@dataclass(frozen=True)
class Case:
    q: str
    expect: str | None  # None: no confident answer expected
    also: tuple[str, ...]
    must: tuple[str, ...]
    kind: str
    intent: str | None
    split: str = "main"


def load_cases(path: Path = EVAL_FILE) -> list[Case]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    cases = []
    for raw in data["case"]:
        expect = raw["expect"]
        cases.append(
            Case(
                q=raw["q"],
                expect=None if expect == "none" else expect,
                also=tuple(raw.get("also", ())),
                must=tuple(raw.get("must", ())),
                kind=raw.get("kind", "rule"),
                intent=raw.get("intent"),
                split=raw.get("set", "main"),
            )
        )
    return cases


def judge(case: Case, answer: Answer) -> tuple[bool, str]:
    """Whether the answer is correct for the case, and why not."""
    if case.kind == "data":
        if answer.data_intent != case.intent:
            return False, f"intent {answer.data_intent!r}, expected {case.intent!r}"
        return (not answer.confident), "answered from the rules"
    if case.expect is None:
        if answer.confident:
            return False, f"answered confidently with {answer.entry_id} ({answer.score})"
        return True, ""
    if not answer.confident:
        best = answer.suggestions[0][0] if answer.suggestions else None
        return False, f"not confident ({answer.score}); closest {best}"
    if answer.entry_id not in (case.expect, *case.also):
        return False, f"entry {answer.entry_id}, expected {case.expect}"
    text = format_answer(answer).casefold()
    missing = [m for m in case.must if m.casefold() not in text]
    if missing:
        return False, f"missing {missing}"
    return True, ""
