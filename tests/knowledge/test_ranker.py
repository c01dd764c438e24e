"""Ranking: BM25 fields, accent preference, typo correction, anchors, confidence range."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge import default_kb
from bot.knowledge.base import Entry, Source
from bot.knowledge.normalize import Analyzer, get_analyzer
from bot.knowledge.ranker import BM25Field, Ranker

_SOURCE = (Source("Điều lệ Đảng", "2011", None, "S"),)


def _entry(
    entry_id: str, title: str, questions: tuple[str, ...], answer: str, **kw: object
) -> Entry:
    return Entry(
        id=entry_id, group="g", order=1, title=title, questions=questions, answer=answer,
        sources=_SOURCE, path=Path(entry_id), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


POST = _entry(
    "post_documents",
    "Đăng tài liệu",
    ("tài liệu đăng ở đâu", "đăng tài liệu lên ứng dụng"),
    "Đồng chí đăng tài liệu lên ứng dụng.",
)
PARTY = _entry(
    "party_members",
    "Đảng viên",
    ("đảng viên có quyền gì", "quyền của đảng viên"),
    "Đồng chí là đảng viên.",
)


def test_bm25_prefers_documents_with_rare_terms() -> None:
    field = BM25Field([["a", "b"], ["a", "c"], ["a", "d"]])
    scores = field.scores(["a", "c"])
    assert max(scores, key=lambda i: scores[i]) == 1
    assert field.idf_of("zzz") == field.max_idf > field.idf_of("a")
    assert field.ideal(["c", "zzz"]) == field.idf_of("c") + field.max_idf
    assert field.ideal(["c_unknown"]) == 0.0  # unseen bigrams are not counted


def test_accented_question_prefers_accented_match() -> None:
    ranker = Ranker([POST, PARTY], get_analyzer())
    # "dang" folds both "đăng" (post) and "đảng" (party); accents decide.
    assert ranker.entries[ranker.rank("đăng")[0].entry_index].id == "post_documents"
    assert ranker.entries[ranker.rank("đảng")[0].entry_index].id == "party_members"


def test_typo_correction() -> None:
    ranker = Ranker([POST, PARTY], get_analyzer())
    analyzed, penalty = ranker.analyze_query("tài liẹu dangj")
    assert "lieu" in analyzed.folded or "liệu" in analyzed.exact
    assert "dang" in analyzed.folded
    assert penalty < 1.0
    # Two syllables typed together are split.
    analyzed, _ = ranker.analyze_query("tailieu")
    assert "tai" in analyzed.folded and "lieu" in analyzed.folded


def test_confidence_is_bounded_and_short_questions_are_damped() -> None:
    ranker = Ranker([POST, PARTY], get_analyzer())
    for question in ("tài liệu đăng ở đâu", "quyền", "xyz abc", "đảng viên có quyền gì"):
        for scored in ranker.rank(question):
            assert 0.0 <= scored.confidence <= 1.0
    full = ranker.rank("đăng tài liệu lên ứng dụng")[0].confidence
    one_word = ranker.rank("ứng dụng")[0].confidence
    assert one_word < full


def test_anchor_gate_and_conjunction() -> None:
    anchored = _entry(
        "online",
        "Họp trực tuyến",
        ("họp trực tuyến được không", "sinh hoạt qua zalo được không"),
        "Đồng chí lưu ý về họp trực tuyến.",
        anchors=("trực tuyến", "mạng xã hội + sinh hoạt"),
    )
    ranker = Ranker([anchored, PARTY], get_analyzer())
    with_meeting = ranker.rank("họp qua zalo được không")[0]
    without_meeting = ranker.rank("cài zalo được không")[0]
    assert ranker.entries[with_meeting.entry_index].id == "online"
    assert without_meeting.confidence < 0.5 * with_meeting.confidence


def test_unknown_words_lower_confidence() -> None:
    ranker = Ranker([POST, PARTY], get_analyzer())
    known = ranker.rank("quyền của đảng viên")[0].confidence
    unknown = ranker.rank("quyền của đảng viên chứng khoán bóng đá")[0].confidence
    assert unknown < known


def test_plain_baseline_has_no_typo_correction() -> None:
    ranker = Ranker([POST, PARTY], Analyzer(vietnamese=False))
    _, penalty = ranker.analyze_query("tài liẹu")
    assert penalty == 1.0
    assert ranker.rank("dang vien") == []  # no folding in the baseline


def test_a_party_topic_the_entry_never_mentions_lowers_its_confidence() -> None:
    """ "kết nạp" is named by few entries; the order of a meeting (which has "các bước")
    must not answer a question about the admission procedure."""
    kb = default_kb()
    answer = kb.ask("quy trình kết nạp đảng viên mới gồm những bước nào")
    assert not answer.confident and not answer.out_of_scope
    assert kb.ask("buổi sinh hoạt gồm những bước nào").entry_id == "order_of_business"
