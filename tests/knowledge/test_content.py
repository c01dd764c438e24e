"""Content rules for the shipped entries: short, polite, sourced, and no invented numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import Answer, default_kb, format_answer, format_entry_details, normalize_text

DOMAIN = Path("/work/shared/domain")
DIGEST = DOMAIN / "rules-digest.md"
SAMPLES = DOMAIN / "questions-sample.md"

# Every topic of the research digest has an entry (the list).
REQUIRED_TOPICS = {
    "meeting_frequency", "combined_meeting", "meeting_duration", "meeting_preparation",
    "documents_in_advance", "order_of_business", "minutes", "thematic_topics",
    "thematic_lead_paper", "attendance_duty", "absence_reporting", "removal_from_list",
    "discipline", "exemption", "temporary_transfer", "probationary_rights", "voting_majority",
    "meeting_quality", "chi_bo_bon_tot", "dues_rates", "dues_payment", "dues_exemption",
    "so_tay_app", "confidentiality", "online_meetings", "superseded_documents",
    "hd12_name_clash", "thematic_frequency", "quorum", "valid_reason", "flag_salute",
}  # fmt: skip


def _formatted(entry_id: str) -> str:
    """The short answer and the details, as a member can read them."""
    entry = default_kb().entry(entry_id)
    assert entry is not None
    return f"{format_answer(Answer.of('', [entry], 1.0))}\n{format_entry_details(entry)}"


def test_all_digest_topics_are_covered() -> None:
    ids = {e.id for e in default_kb().topics()}
    assert ids >= REQUIRED_TOPICS


@pytest.mark.parametrize("entry", default_kb().topics(), ids=lambda e: e.id)
def test_answer_style(entry: object) -> None:
    from bot.knowledge import Entry

    assert isinstance(entry, Entry)
    assert len(entry.answer) <= 900
    assert "đồng chí" in entry.answer.lower()
    assert normalize_text(entry.answer) == entry.answer  # one tone style, NFC
    assert normalize_text(entry.reply) == entry.reply
    assert len(format_entry_details(entry)) <= 1500  # the details fit a phone screen or two
    assert entry.anchors, "built-in entries need anchor words"


def test_superseded_documents_are_marked() -> None:
    text = _formatted("superseded_documents")
    for old in ("12-HD/BTCTW", "24-QĐ/TW", "342-QĐ/TW", "124-QĐ/TW"):
        assert old in text
    assert "chưa được kiểm chứng" in text  # the 2026 numbers seen only in weak sources


def test_no_rule_entries_send_members_to_the_chi_uy() -> None:
    for entry in default_kb().topics():
        if entry.no_rule_found:
            lowered = entry.answer.lower()
            assert "chưa tìm thấy" in lowered and ("chi ủy" in lowered or "bí thư" in lowered)


def _numbers_vi(text: str) -> set[str]:
    """Numbers as written in Vietnamese: "100.000" is a thousand separator, "0,5" a decimal."""
    found = set()
    for raw in re.findall(r"\d+(?:[.,]\d+)*", text):
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
            raw = raw.replace(".", "")
        found.add(_canonical(raw.replace(",", ".")))
    return found


def _numbers_en(text: str) -> set[str]:
    """Numbers as written in the English digest: "100,000" thousands, "0.5" decimal."""
    found = set()
    for raw in re.findall(r"\d+(?:[.,]\d+)*", text):
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
            raw = raw.replace(",", "")
        found.add(_canonical(raw))
        found.update(_canonical(part) for part in re.split(r"[.,]", raw))
    return found


def _canonical(number: str) -> str:
    if number.count(".") > 1:  # an address such as 118.69.201.251
        return number
    if "." in number:
        return str(float(number)).rstrip("0").rstrip(".")
    return str(int(number))


@pytest.mark.skipif(not DIGEST.exists(), reason="research digest not available")
def test_no_number_is_invented() -> None:
    """Every number in an answer or title appears in the research digest (or the sample
    questions, for the worked dues example)."""
    allowed = _numbers_en(DIGEST.read_text(encoding="utf-8"))
    if SAMPLES.exists():
        allowed |= _numbers_en(SAMPLES.read_text(encoding="utf-8"))
    problems = {}
    for entry in default_kb().topics():
        unknown = _numbers_vi(f"{entry.title}\n{entry.reply}\n{entry.answer}") - allowed
        if unknown:
            problems[entry.id] = sorted(unknown)
    assert problems == {}


@pytest.mark.skipif(not DIGEST.exists(), reason="research digest not available")
def test_number_check_catches_an_invented_figure() -> None:
    allowed = _numbers_en(DIGEST.read_text(encoding="utf-8"))
    assert _numbers_vi("đóng 123.456 đ, tối thiểu 0,5%") - allowed == {"123456"}
