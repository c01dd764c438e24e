"""The rules Q&A question sets: loading and judging (shared by the tests and the bench).

Tuning sets (the matcher was tuned on them): eval_questions.toml; tuning_questions.toml (by
class of cause, issue 14's second round); heldout_questions.toml (frozen, written before
tuning for issue 14 and scored once, 90/96 on 2026-12-01, then tuned on); the check batches
check_questions.toml (written after the second round's last change, scored once 18/23),
check2_questions.toml (before the third round's first change, 37/43), check3_questions.toml
(22/26), check4_questions.toml (23/26), check6_questions.toml (written before the fourth
round, 42/46), check7_questions.toml (written with batch 6 and only counted, 33/37, before
and after the first fixes) and check8_questions.toml (written before the fourth round's
second pass, 28/34), each scored once, then studied. Not tuned on: check5_questions.toml
(written after the third round's last change, scored once 19/26), check9_questions.toml
(written after the fourth round's second pass, scored once 31/34) and check10_questions.toml
(written after the round's last change, scored once 26/32). Fifth round: check11_questions.toml
(written before its first change, scored once 38/44) and check12_questions.toml (written
before its second pass, 31/35), each then studied; check13_questions.toml (written after the
round's last change, scored once 37/40; 34/37 once three near copies of sample questions,
answered right, were dropped) is not tuned on. Sixth round: check14_questions.toml (written
before its first change, at 64b3ee7, scored once 42/52, then studied, 48/52 after) and
check15_questions.toml (written after its last change, 3a9786f, scored once 32/43, not tuned
on). Seventh round: check16_questions.toml (written before any change, at cbff250, scored once
40/46; the round ran out of time before a matcher change, so neither it nor check15 has been
tuned on). Eighth round: check17_questions.toml (written before its first change, at 3d82fde,
scored once 36/45; studied in the ninth round, tuned on since). Ninth round:
check18_questions.toml (written before its first change, at 759339c, scored once 49/60;
studied in the tenth round, tuned on since). Tenth round: check19_questions.toml (written
before its first change, at 1dacdc1, scored once 59/65; studied in the eleventh round, tuned
on since). Eleventh round: check20_questions.toml (written before its first change, at
652c4cc, scored once 49/63; studied in the twelfth round, 62/63 after it, tuned on since).
Twelfth round: check21_questions.toml (written before its first change, at 8c25bd5, scored
once 65/71: rule 49/55, no rule 6/6, off topic 6/6, data 4/4; its misses not looked at in
that round; 66/71 after the round's changes, 65 stays its held-out figure; studied in the
thirteenth round, 66 -> 71/71, tuned on since). Thirteenth round:
check22_questions.toml (written before its first change, at 21382f5, scored once 57/70: rule
44/53, no rule 3/6, off topic 6/6, data 4/5; its misses not looked at in that round; 57/70
after the round's changes too; studied in the fourteenth round, 57 -> 65/70, tuned on since).
Fourteenth round: check23_questions.toml (written before its first change, at dff7dc5, scored
once 88/99: rule 63/74, no rule 10/10, off topic 10/10, data 5/5; its misses not looked at
in that round; 88/99 after the round's changes too. One comparison printed, by name, a
check23 question that a tried change, reverted, made right; no change kept was chosen by it;
studied in the fifteenth round, 88 -> 97/99, tuned on since).
Fifteenth round: check24_questions.toml (written before its first change, at f9d9801, scored
once 82/101: rule 60/77, no rule 9/10, off topic 10/10, data 3/4; not tuned on, its misses
not looked at, only its total counted while tuning; 83/101 after the round's changes;
studied in the sixteenth round, 83 -> 96/101, tuned on since).
Sixteenth round: check25_questions.toml (written before its first change, at 1c7862a, scored
once 73/93: rule 52/69, no rule 9/10, off topic 9/10, data 3/4; not tuned on, its misses not
looked at but one: the out-of-scope safety test, run on every set, named its one off-topic
question not refused, whose class ("xe sh", a motorbike) was then fixed; only its total
counted while tuning, 74/93 after the round's changes; studied in the seventeenth round,
74 -> 81/93, tuned on since). Seventeenth round: no fresh set was written; held out now are
only check5, check9, check10, check13 (guarded at their first scores) and heldout2. The
misses of check5,
check9 and check10 that the fourth round reported were studied by class in the fifth round
(their first scores stay the regression guard). The eighth round studied the misses of
check15 and check16, the ninth those of check17, the tenth those of check18, the eleventh
those of check19, the twelfth those of check20, the thirteenth those of check21, the
fourteenth those of check22, the fifteenth those of check23, the sixteenth those of check24,
the seventeenth those of check25: they are tuned on since
(evalset.STUDIED keeps each at or above its first score). The fresh held-out set is
heldout2_questions.toml: only its path is named here; it is scored by the coordinator.
All use the same format (see their headers).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import Answer, format_answer, format_details

EVAL_FILE = Path(__file__).with_name("eval_questions.toml")
TUNING_FILE = Path(__file__).with_name("tuning_questions.toml")
HELDOUT_FILE = Path(__file__).with_name("heldout_questions.toml")
HELDOUT2_FILE = Path(__file__).with_name("heldout2_questions.toml")
# Scored once each before being studied (second round: 18/23; third: 37/43, 22/26, 23/26).
CHECK_FILE = Path(__file__).with_name("check_questions.toml")
CHECK2_FILE = Path(__file__).with_name("check2_questions.toml")
CHECK3_FILE = Path(__file__).with_name("check3_questions.toml")
CHECK4_FILE = Path(__file__).with_name("check4_questions.toml")
# Written after the last change of the third round, scored once, not tuned on.
CHECK5_FILE = Path(__file__).with_name("check5_questions.toml")
# Fourth round: batches 6 and 7 written before its first change (6 scored once, 42/46, and
# studied; 7 only counted, 33/37, then studied in the second pass), batch 8 before the second
# pass (28/34, studied), batch 9 after the last change (scored once, not tuned on).
CHECK6_FILE = Path(__file__).with_name("check6_questions.toml")
CHECK7_FILE = Path(__file__).with_name("check7_questions.toml")
CHECK8_FILE = Path(__file__).with_name("check8_questions.toml")
CHECK9_FILE = Path(__file__).with_name("check9_questions.toml")
CHECK9_FIRST = 31  # of 34
# Written after the round's last change (949630c), scored once, not tuned on.
CHECK10_FILE = Path(__file__).with_name("check10_questions.toml")
# Fifth round: batch 11 before its first change (38/44), batch 12 before its second pass
# (31/35), both studied; batch 13 after its last change (4ea09e2), scored once, not tuned on.
CHECK11_FILE = Path(__file__).with_name("check11_questions.toml")
CHECK12_FILE = Path(__file__).with_name("check12_questions.toml")
CHECK13_FILE = Path(__file__).with_name("check13_questions.toml")
# Sixth round: batch 14 before its first change (64b3ee7), scored once, then studied.
CHECK14_FILE = Path(__file__).with_name("check14_questions.toml")
CHECK14_FIRST = 42  # of 52
# ... and batch 15 after its last change (3a9786f), scored once, not tuned on.
CHECK15_FILE = Path(__file__).with_name("check15_questions.toml")
CHECK15_FIRST = 32  # of 43
# Seventh round: batch 16 before any change (cbff250), scored once; studied in the eighth.
CHECK16_FILE = Path(__file__).with_name("check16_questions.toml")
CHECK16_FIRST = 40  # of 46
# Eighth round: batch 17 before its first change (3d82fde), scored once; studied in the ninth.
CHECK17_FILE = Path(__file__).with_name("check17_questions.toml")
CHECK17_FIRST = 36  # of 45
# Ninth round: batch 18 before its first change (759339c), scored once; studied in the tenth.
CHECK18_FILE = Path(__file__).with_name("check18_questions.toml")
CHECK18_FIRST = 49  # of 60
# Tenth round: batch 19 before its first change (1dacdc1), scored once; not tuned on.
CHECK19_FILE = Path(__file__).with_name("check19_questions.toml")
CHECK19_FIRST = 59  # of 65
# Eleventh round: batch 20 before its first change (652c4cc), scored once; studied in the
# twelfth.
CHECK20_FILE = Path(__file__).with_name("check20_questions.toml")
CHECK20_FIRST = 49  # of 63
# Twelfth round: batch 21 before its first change (8c25bd5), scored once; studied in the
# thirteenth.
CHECK21_FILE = Path(__file__).with_name("check21_questions.toml")
CHECK21_FIRST = 65  # of 71
# Thirteenth round: batch 22 before its first change (21382f5), scored once; studied in the
# fourteenth.
CHECK22_FILE = Path(__file__).with_name("check22_questions.toml")
CHECK22_FIRST = 57  # of 70
# Fourteenth round: batch 23 before its first change (dff7dc5), scored once; studied in the
# fifteenth.
CHECK23_FILE = Path(__file__).with_name("check23_questions.toml")
CHECK23_FIRST = 88  # of 99
# Fifteenth round: batch 24 before its first change (f9d9801), scored once; studied in the
# sixteenth.
CHECK24_FILE = Path(__file__).with_name("check24_questions.toml")
CHECK24_FIRST = 82  # of 101
# Sixteenth round: batch 25 before its first change (1c7862a), scored once; studied in the
# seventeenth.
CHECK25_FILE = Path(__file__).with_name("check25_questions.toml")
CHECK25_FIRST = 73  # of 93
# Every question the matcher has been tuned on (cross-validated in bench/qa_bench.py).
TUNING_FILES = (
    EVAL_FILE, TUNING_FILE, HELDOUT_FILE, CHECK_FILE, CHECK2_FILE, CHECK3_FILE, CHECK4_FILE,
    CHECK6_FILE, CHECK7_FILE, CHECK8_FILE, CHECK11_FILE, CHECK12_FILE, CHECK14_FILE,
    CHECK15_FILE, CHECK16_FILE, CHECK17_FILE, CHECK18_FILE, CHECK19_FILE, CHECK20_FILE,
    CHECK21_FILE, CHECK22_FILE, CHECK23_FILE, CHECK24_FILE, CHECK25_FILE,
)  # fmt: skip
# Not tuned on when first run, with the score each had then (a regression guard, not a
# target; the fifth round studied the misses the fourth reported for check5, 9 and 10).
UNTUNED = (
    (CHECK5_FILE, 19), (CHECK9_FILE, CHECK9_FIRST), (CHECK10_FILE, 26), (CHECK13_FILE, 34),
)  # fmt: skip
# Scored once, then studied (tuned on) in the eighth round (check15, check16), the ninth
# (check17), the tenth (check18), the eleventh (check19), the twelfth (check20), the
# thirteenth (check21), the fourteenth (check22), the fifteenth (check23), the sixteenth
# (check24) and the seventeenth (check25): still guarded at the first score.
STUDIED = (
    (CHECK15_FILE, CHECK15_FIRST), (CHECK16_FILE, CHECK16_FIRST), (CHECK17_FILE, CHECK17_FIRST),
    (CHECK18_FILE, CHECK18_FIRST), (CHECK19_FILE, CHECK19_FIRST), (CHECK20_FILE, CHECK20_FIRST),
    (CHECK21_FILE, CHECK21_FIRST), (CHECK22_FILE, CHECK22_FIRST), (CHECK23_FILE, CHECK23_FIRST),
    (CHECK24_FILE, CHECK24_FIRST), (CHECK25_FILE, CHECK25_FIRST),
)  # fmt: skip
# Every question set here (the safety checks run on all of them).
QUESTION_FILES = (*TUNING_FILES, *(path for path, _ in UNTUNED))
KINDS = ("rule", "no_rule", "off_topic", "data")


@dataclass(frozen=True)
class Case:
    q: str
    expect: tuple[str, ...]  # empty: no confident answer expected; two: a two-part question
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
                expect=()
                if expect == "none"
                else tuple([expect] if isinstance(expect, str) else expect),
                also=tuple(raw.get("also", ())),
                must=tuple(raw.get("must", ())),
                kind=raw.get("kind", "rule"),
                intent=raw.get("intent"),
                split=raw.get("set", "main"),
            )
        )
    return cases


def load_all(paths: tuple[Path, ...] = TUNING_FILES) -> list[Case]:
    return [case for path in paths for case in load_cases(path)]


def judge(case: Case, answer: Answer) -> tuple[bool, str]:
    """Whether the answer is correct for the case, and why not."""
    if case.kind == "data":
        if answer.data_intent != case.intent:
            return False, f"intent {answer.data_intent!r}, expected {case.intent!r}"
        return (not answer.confident), "answered from the rules"
    if not case.expect:
        if answer.confident:
            return False, f"answered confidently with {answer.entry_id} ({answer.score})"
        if answer.out_of_scope != (case.kind == "off_topic"):
            return False, "out of scope" if answer.out_of_scope else "not refused as out of scope"
        return True, ""
    if not answer.confident:
        best = answer.suggestions[0][0] if answer.suggestions else None
        return False, f"not confident ({answer.score}); closest {best}"
    got = [e.id for e in answer.entries]
    if len(case.expect) == 1:
        if got[0] not in (*case.expect, *case.also):
            return False, f"entries {got}, expected {case.expect[0]}"
    elif [g for g in got if g in case.expect] != list(case.expect):
        return False, f"entries {got}, expected {list(case.expect)}"
    text = f"{format_answer(answer)}\n{format_details(answer)}".casefold()
    missing = [m for m in case.must if m.casefold() not in text]
    if missing:
        return False, f"missing {missing}"
    return True, ""
