"""Detect questions about the cell's own data, which the knowledge base must not answer.

"Tháng này họp ngày nào?" asks for this cell's schedule, not for a rule, so the caller answers
it from the database. Patterns run on folded text with chat abbreviations expanded, so
"thang nay hop ngay nao" and "tháng này họp ngày nào" behave the same.
"""

from __future__ import annotations

import re

from bot.text_input import fold

from . import lexicon
from .normalize import get_analyzer, has_diacritics

NEXT_MEETING = "next_meeting"
NEXT_THEMATIC = "next_thematic"
MY_ANSWER = "my_answer"

_MEETING = r"(?:hop|sinh hoat)"
# With a date word and a "when" word, "tổ chức" is holding the meeting ("tháng 12 chi bộ tổ
# chức ngày nào"); alone it is also an organisation ("tổ chức đảng ở đâu").
_HELD = r"(?:hop|sinh hoat|to chuc)"
_WHEN = (
    r"(?:ngay nao|hom nao|bao gio|khi nao|may gio|luc may gio|o dau|cho nao|dia diem nao|"
    r"thu may|ngay may|ngay bao nhieu|tuan nao|luc nao|gio nao|"
    # southern "bữa" for a day: "buổi sinh hoạt sắp tới là bữa nào"
    r"bua nao|bua may)"
)
_DEICTIC = (
    r"(?:thang nay|thang sau|thang toi|ky nay|ky toi|ky sau|lan nay|lan toi|lan sau|sap toi|"
    r"tuan nay|tuan sau|tuan toi|hom nay|ngay mai|mai|toi nay|quy nay|quy toi|quy sau|nam nay|"
    # the edges of this period: "đợt sinh hoạt cuối năm … hẹn bữa nào"
    r"cuoi nam|cuoi thang|cuoi quy|dau thang|dau nam|dau quy|"
    r"thang (?:[1-9]|1[0-2])(?! lan| buoi)|quy (?:[1-4]|i{1,3}|iv)(?! lan| buoi)|"
    # one occurrence of a meeting: "kỳ, buổi, lần, cuộc", and "đợt, phiên" ("đợt sinh hoạt
    # tới … lúc mấy giờ")
    r"(?:ky|buoi|lan|cuoc|dot|phien) (?:hop|sinh hoat)(?: chi bo)? (?:toi|sau|nay|sap toi))"
)
_TOPIC = (
    r"(?:ve gi|ve van de gi|ve cai gi|chu de gi|chu de nao|noi dung gi|noi dung nao|de tai gi|"
    r"la gi|hoc gi|ban gi|van de gi|van de nao)"
)
_ME = r"(?:toi|minh|em|anh|con|chau|tui)"
_ACT = (
    r"(?:xac nhan|dang ky|tra loi|bao vang|bao co mat|diem danh|bam|chon|phan hoi|"
    r"bao tham du|bao (?:la )?(?:se )?(?:co )?(?:du|di|tham du|vang|nghi))"
)
_DONE_YET = r"(?:chua|roi a|roi phai khong|roi dung khong|roi nhi|hay chua|duoc chua)"


# Words that ask what the rule is ("phải đăng trước", "tối thiểu", "quy định"): such a
# question is for the rules even when it names this month ("tài liệu tháng này bao giờ thì
# phải đưa lên sổ tay"). "phải không" is only a question tag ("xác nhận rồi phải không").
_RULE_RE = re.compile(
    r"\b(?:phai (?!khong\b|ko\b|k\b)\w+|quy dinh|bat buoc|toi thieu|it nhat|duoc phep)\b"
)
# Words that ask whether something is right by the rule ("báo vắng … nhắn tin là đủ chưa hay
# phải làm đơn", "nên chọn chủ đề nào cho đúng hướng dẫn"): a rules question even when it
# also names this month or what the member did.
_RIGHT_RE = re.compile(
    r"\b(?:(?:la )?du chua|hay phai|cho dung|dung huong dan|theo huong dan|"
    # what one should choose asks for advice ("nên chọn đề tài gì", "gợi ý giúp")
    r"nen chon|nen lay|goi y)\b"
)


# After a negation in the same sentence "bao giờ" is "ever", not "when": "tôi chưa làm bao
# giờ", "không bao giờ vắng" tell, they do not ask for a date ("không biết bao giờ họp", "có
# họp không, bao giờ họp" still ask).
_NEVER_RE = re.compile(
    r"\b((?:chua|khong|chang)(?: (?!biet\b|ro\b|hieu\b|nho\b)\w+){0,6}) bao gio\b"
)
_SENTENCE_RE = re.compile(r"[,.;:!?\n]+")


def _all(*parts: str) -> re.Pattern[str]:
    """A pattern that needs every part somewhere in the text, in any order."""
    # Anchored at the start: unanchored, every position would rescan the text (quadratic on
    # a pasted wall of text).
    return re.compile("^" + "".join(rf"(?=.*\b{p}\b)" for p in parts))


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # In this order; the atomic groups keep the first match of each part, so a long text is
    # scanned once instead of retried at every pair of positions.
    (MY_ANSWER, re.compile(rf"^(?>.*?\b{_ME}\b)(?>.*?\b{_ACT}\b).*?\b{_DONE_YET}\b")),
    (
        MY_ANSWER,
        re.compile(rf"\b{_ME} (?:co )?(?:ten )?trong danh sach (?:hop|sinh hoat|du hop)\b"),
    ),
    (NEXT_THEMATIC, _all("chuyen de", _DEICTIC, f"(?:{_TOPIC}|{_WHEN})")),
    (NEXT_THEMATIC, re.compile(r"\b(?:khi nao|bao gio) (?:hop |sinh hoat )?chuyen de\b")),
    (NEXT_MEETING, _all(_HELD, _DEICTIC, _WHEN)),
    (
        NEXT_MEETING,
        re.compile(rf"\b(?:khi nao|bao gio|may gio|ngay nao|hom nao) (?:thi )?{_MEETING}\b"),
    ),
    (NEXT_MEETING, re.compile(rf"\b(?:xem|cho xem|gui) lich {_MEETING}\b")),
    (
        NEXT_MEETING,
        re.compile(rf"\blich {_MEETING}(?: chi bo)? (?:thang|tuan|ky|sap|the nao|ra sao)\b"),
    ),
    (
        NEXT_MEETING,
        re.compile(rf"\b{_DEICTIC} (?:chi bo )?co {_MEETING}(?: chi bo)? (?:khong|chua)\b"),
    ),
    (NEXT_MEETING, re.compile(rf"\b{_MEETING}(?: chi bo)? (?:o dau|luc may gio|may gio)\b")),
)


def _folded_text(question: str) -> str:
    syllables = get_analyzer().syllables(question)
    return " ".join(fold(s) for s in syllables)


# A question about the cell's data is asked in one sentence or two next to each other: a date
# word told in a story ("Năm nay tôi được giao soạn bản đề dẫn chuyên đề …") and a "when" asked
# sentences later ("… bản đề dẫn thì ai duyệt và gửi cho mọi người lúc nào?") are a rules
# question.
WINDOW = 2


def detect_data_intent(question: str) -> str | None:
    """Return "next_meeting", "next_thematic", "my_answer" or None (a rules question)."""
    chunks = [_folded_text(chunk) for chunk in _SENTENCE_RE.split(question)]
    sentences = [_NEVER_RE.sub(r"\1", chunk) for chunk in chunks if chunk]
    if len(sentences) <= WINDOW:
        return _intent(" ".join(sentences))
    found = {_intent(" ".join(sentences[k : k + WINDOW])) for k in range(len(sentences) - 1)}
    whole = _intent(" ".join(sentences))
    return whole if whole in found else None


def _intent(text: str) -> str | None:
    if not text:
        return None
    if _RIGHT_RE.search(text):
        return None
    rule = _RULE_RE.search(text) is not None
    for intent, pattern in _PATTERNS:
        if pattern.search(text):
            return None if rule and intent != MY_ANSWER else intent
    return None


def about_the_party(question: str) -> bool:
    """Whether a question is about the party or the cell at all (else it is out of scope)."""
    analyzed = get_analyzer().analyze(question)
    if lexicon.PARTY_WORDS_EXACT & set(analyzed.exact):
        return True
    # Typed with accents, the words are read as typed: "thì hợp" (fits) is not "họp", which
    # the folded "hop" would be.
    terms = {fold(t) for t in analyzed.exact} if has_diacritics(question) else analyzed.folded
    return not lexicon.PARTY_TERMS_FOLDED.isdisjoint(terms)
