"""Answers for a phone (issue 14): a direct reply, short sources, details on request; and
still never wrong: no number that the entry does not hold, superseded documents flagged."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.knowledge import (
    Answer,
    Entry,
    default_kb,
    format_answer,
    format_details,
    format_entry_details,
)
from bot.knowledge.base import load_meta
from bot.knowledge.entry_file import parse_entry
from bot.knowledge.numbers import numbers_in
from bot.knowledge.render import MAX_SHORT_CHARS, sources_line
from bot.texts import knowledge as texts

from .evalset import QUESTION_FILES, TUNING_FILES, load_all, load_cases

ENTRIES = default_kb().topics()


def _held(entry: Entry) -> set[str]:
    """Every number the entry holds: its answer and its sources."""
    sources = " ".join(
        " ".join(filter(None, (s.document, s.date, s.point, s.note))) for s in entry.sources
    )
    return numbers_in(f"{entry.answer} {sources}")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_short_answer_is_the_reply_then_one_sources_line(entry: Entry) -> None:
    text = format_answer(Answer.of("", [entry], 1.0))
    reply, sources = text.split("\n")
    assert reply == entry.reply and len(reply) <= 205  # about 3 lines at 80 columns
    assert sources.startswith("Nguồn:") and len(sources) <= 90
    assert entry.reply not in format_entry_details(entry).split("\n\n", 1)[0]


def test_two_answers_fit_before_the_button() -> None:
    longest = max(
        len(format_answer(Answer.of("", [a, b], 1.0)))
        for a, b in itertools.permutations(ENTRIES, 2)
    )
    assert longest <= MAX_SHORT_CHARS


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_superseded_documents_are_always_flagged(entry: Entry) -> None:
    line = sources_line(entry)
    for source in entry.sources:
        if source.replaced_by and source.document in line:
            assert f"{source.document}" in line and "đã được thay thế" in line
    bullets = [
        line
        for line in format_entry_details(entry).split("\n")
        if line.startswith("• ") and "[" in line
    ]
    for source in entry.sources:
        if source.replaced_by:
            line = next(b for b in bullets if b.startswith(f"• {source.document}"))
            assert "thay" in line


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.stem)
def test_no_answer_states_a_number_its_entries_do_not_hold(path: Path) -> None:
    kb = default_kb()
    for case in load_cases(path):
        answer = kb.ask(case.q)
        held = set().union(*(_held(e) for e in answer.entries)) if answer.entries else set()
        stated = numbers_in(format_answer(answer))
        assert stated <= held, (case.q, sorted(stated - held))


def test_a_reply_with_an_invented_number_is_rejected(tmp_path: Path) -> None:
    entry = default_kb().entry("meeting_duration")
    assert entry is not None and entry.path is not None
    text = entry.path.read_text(encoding="utf-8").replace("Ít nhất 90 phút;", "Ít nhất 60 phút;")
    parsed, issues = parse_entry(tmp_path / "x.toml", text, load_meta(), local=False)
    assert parsed is None
    assert any("số không có" in i.message and "60" in i.message for i in issues)


def test_out_of_scope_questions_are_always_refused_in_one_line() -> None:
    kb = default_kb()
    for case in load_all(QUESTION_FILES):
        if case.kind == "off_topic":
            answer = kb.ask(case.q)
            assert not answer.confident and answer.entries == (), case.q
            assert answer.out_of_scope and format_answer(answer) == texts.OUT_OF_SCOPE, case.q
    assert "\n" not in texts.OUT_OF_SCOPE and "sinh hoạt chi bộ" in texts.OUT_OF_SCOPE


def test_every_tuning_answer_fits_a_phone() -> None:
    """On every question set here: at most ~600 characters before the button; a confident
    answer starts with its entry's direct reply (1–3 lines) and gives its sources on one
    short line per part."""
    kb = default_kb()
    for case in load_all(QUESTION_FILES):
        answer = kb.ask(case.q)
        text = format_answer(answer)
        assert len(text) <= MAX_SHORT_CHARS, case.q
        if not answer.confident:
            continue
        first = answer.entries[0]
        assert text.startswith(first.reply) or text.startswith(f"• {first.reply}"), case.q
        lines = text.split("\n")
        sources = [line for line in lines if line.startswith("Nguồn:")]
        assert len(sources) == len(answer.entries), case.q
        assert all(len(line) <= 90 for line in sources), case.q
        assert all(len(e.reply) <= 205 for e in answer.entries)


def test_party_questions_with_no_rule_get_the_honest_answer() -> None:
    """No central rule: "not found, the chi ủy decides"; never a neighbouring topic. Checked on
    the tuning sets only: the untuned check set is scored, not fixed (its one neighbouring
    answer, "vắng quá nửa thì buổi họp có tính không" → the majority for resolutions, is
    reported in bench/README.md); the number checks above run on every set."""
    kb = default_kb()
    for case in load_all(TUNING_FILES):
        if case.kind != "no_rule":
            continue
        answer = kb.ask(case.q)
        if case.expect:  # an entry that itself says no central rule was found
            if answer.confident:
                full = f"{format_answer(answer)}\n{format_details(answer)}".casefold()
                assert "chưa tìm thấy" in full, case.q
        elif not answer.confident:
            text = format_answer(answer)
            assert text.startswith(texts.NOT_FOUND) and "chi ủy" in text, case.q
