"""Long and two-part questions (issue 14): clauses ranked in the context of the whole."""

from __future__ import annotations

import pytest

from bot.knowledge import default_kb, format_answer
from bot.knowledge.clauses import split_clauses


@pytest.mark.parametrize(
    ("question", "clauses"),
    [
        ("đảng phí đóng bao nhiêu, đóng ở đâu?", ["đảng phí đóng bao nhiêu", "đóng ở đâu"]),
        ("họp bao lâu còn mấy tháng một lần", ["họp bao lâu", "còn mấy tháng một lần"]),
        ("tự phê bình và phê bình", ["tự phê bình và phê bình"]),  # too short to be a part
        ("hop chi bo it nhat bao lau", ["hop chi bo it nhat bao lau"]),
    ],
)
def test_split_clauses(question: str, clauses: list[str]) -> None:
    assert split_clauses(question) == clauses


@pytest.mark.parametrize(
    ("question", "entries"),
    [
        ("về hưu đóng thế nào, có được miễn không?", ["dues_rates", "dues_exemption"]),
        ("đảng phí mỗi tháng đóng bao nhiêu, nộp ở đâu?", ["dues_rates", "dues_payment"]),
        (
            "sinh hoat chi bo toi thieu bao lau, 1 thang may lan",
            ["meeting_duration", "meeting_frequency"],
        ),
    ],
)
def test_two_part_question_answers_both_in_order(question: str, entries: list[str]) -> None:
    answer = default_kb().ask(question)
    assert answer.confident and [e.id for e in answer.entries] == entries
    text = format_answer(answer)
    assert text.index(answer.entries[0].reply) < text.index(answer.entries[1].reply)
    assert text.count("Nguồn:") == 2 and len(text) <= 600


def test_one_question_with_two_clauses_gets_one_answer() -> None:
    answer = default_kb().ask("chi bộ mình ít người, thì họp tối thiểu bao nhiêu phút")
    assert [e.id for e in answer.entries] == ["meeting_duration"]


def test_long_question_is_answered_from_its_relevant_clause() -> None:
    question = (
        "chi bộ tôi ở tổ dân phố có 9 đảng viên, đa số là các bác cựu chiến binh, mỗi lần họp "
        "thường chỉ được chừng 1 tiếng là mọi người về, như thế có đúng hướng dẫn không ạ"
    )
    assert len(question.split()) >= 20
    answer = default_kb().ask(question)
    assert answer.confident and answer.entry_id == "meeting_duration"


def test_long_question_never_picks_an_entry_one_clause_matches_weakly() -> None:
    question = (
        "hôm qua tôi đi chợ mua rau, gặp mấy đồng chí trong chi bộ, trời mưa to quá nên ai "
        "cũng về sớm, không biết mai có nắng không"
    )
    answer = default_kb().ask(question)
    assert not answer.confident and answer.entries == ()
