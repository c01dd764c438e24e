"""Splitting a member's question into clauses, so each part of a two-part question and the
one relevant clause of a long, rambling question can be ranked on its own.

"đảng phí bây giờ đóng bao nhiêu, đóng ở đâu?" → ["đảng phí bây giờ đóng bao nhiêu",
"đóng ở đâu"]. Clauses are cut at punctuation and at the connectors that can start a new
question ("và", "còn", "mà", "với", "rồi", "thì", "với lại"). A connector also joins words
inside one question ("miễn công tác và sinh hoạt", "ghép với chuyên đề"), so it cuts only
when the words before it and the words after it each ask something (see `asks`): "về hưu
thì đóng thế nào" stays one clause (the condition belongs to its question). A piece of fewer
than ``MIN_WORDS`` words is joined to the one before it, because alone it carries no topic.
"""

from __future__ import annotations

import itertools
import re

from bot.text_input import fold

from . import lexicon
from .normalize import has_diacritics

MIN_WORDS = 3
# A "?" stays with the clause it ends (it marks a clause that asks).
_PUNCTUATION_RE = re.compile(r"(?<=\?)|[!;.,\n]+")
# Connectors compared on folded words, so "va" and "và" split alike.
_CONNECTORS = frozenset(
    {"con", "va", "ma", "voi", "roi", "thi", "hay la", "voi lai", "ngoai ra", "con nua"}
)
# Question words: accented as typed ("đâu", not "đầu"), or folded when typed without marks.
_WH_EXACT = frozenset({"gì", "nào", "sao", "đâu", "bao", "mấy", "ai"})
_WH_FOLDED = frozenset({"gi", "nao", "sao", "dau", "bao", "may", "ai"})
# A question particle at the end ("… được không", "… chưa") makes the words a question; the
# politeness and chat words after it are skipped ("… không ạ", "… ko z ad").
_FINALS = frozenset({"khong", "chua", "ha", "chang", "nhi", "chu"})
# ... of which these fold like other words: they ask only typed plain or with their own
# accents ("… được chứ", not "… làm chủ").
_FINALS_SPELLED = {"chu": "chứ"}
# Negations that make a following "gì/ai/đâu/nào" indefinite, and the words that lift it.
_NEGATIONS = frozenset({"khong", "chua", "chang", "cha"})
_INDEFINITE = frozenset({"gi", "ai", "dau", "nao"})
_KNOW = frozenset({"biet", "ro", "hieu", "nho"})
_THEN = frozenset({"thi", "neu", "vay", "con"})
_TRAILING = frozenset(
    {"a", "vay", "the", "nhe", "ad", "admin", "oi", "ban", "bot", "day", "ta", "nua"}
)
# A question word followed by "cũng" is "every": "ai cũng lớn tuổi" (everyone), "tháng nào
# cũng họp" (every month), "bao giờ cũng" (always); typed "cũng" or plain "cung", not "cùng"
# ("ai cùng đi" asks who goes along).
_EVERY = frozenset({"cũng", "cung"})
# ... at most this many words after it, the subject between: "tháng nào chi bộ cũng họp".
EVERY_SPAN = 4
# Typed without marks, "dau" is "đầu" (first, beginning) in these phrases, not "đâu" (where):
# "buổi họp đầu tiên", "bắt đầu", "ban đầu", "đầu năm".
_DAU_AFTER = frozenset({"bat", "ban", "mo", "hang"})
_DAU_BEFORE = frozenset({"tien", "nam", "thang", "buoi", "ky", "quy", "tuan", "gio"})
# "bao" asks only with the word that makes it a question ("bao giờ", "bao nhiêu", "bao
# lâu"); otherwise a plain "bao" is "bảo" (said) or "báo" (report): "bí thư bao để tháng sau".
_BAO_ASKS = frozenset({"gio", "nhieu", "lau", "xa", "tuoi", "lam"})
# "có mấy" + people + what they do tells of a few of them: "chi bộ em có mấy bạn trẻ vào
# đảng" (some young people joined), "có mấy đồng chí vắng"; "chi bộ có mấy đảng viên?" asks.
_PEOPLE = frozenset({"ban", "anh", "chi", "em", "nguoi", "bac", "chu", "cu", "ong", "ba"})


def _folded_words(text: str) -> list[str]:
    return [fold(w).lower() for w in text.split()]


def _expand(word: str) -> list[str]:
    """A folded chat abbreviation expanded ("ko" → ["khong"], "j" → ["gi"])."""
    expanded = lexicon.ABBREVIATIONS.get(word)
    return fold(expanded).split() if expanded is not None else [word]


def asks(text: str, *, accented: bool | None = None) -> bool:
    """Whether the words ask something: a question word ("gì", "bao nhiêu", "ai", "mấy"…)
    or a question particle at the end ("… được không", "… chưa"). "không" inside a clause is
    a negation: "tháng 11 không họp được vì bí thư ốm" tells, it does not ask. After a
    negation, "gì", "ai", "đâu", "nào" are indefinite ("không ai phát biểu gì", "chưa có thu
    nhập gì": nobody, nothing), unless a "thì" or "không biết" makes them ask again ("không
    đóng thì phải làm gì", "không biết nộp ở đâu"). A clause the member ended with "?" asks.
    ``accented``: the whole question was typed with diacritics, so a plain "may" is "may"
    ("công ty may"), not "mấy" (default: judged from the text itself)."""
    if text.rstrip().endswith("?"):
        return True
    words = text.split()
    if accented is None:
        accented = has_diacritics(text)
    folded: list[str] = []
    typed: list[str] = []  # the word as typed, for each folded word
    negated = False
    for k, word in enumerate(words):
        plain = fold(word).lower()
        expanded = _expand(plain)
        typed_marks = plain != word.lower().replace("đ", "d")
        if typed_marks or (accented and plain not in lexicon.ABBREVIATIONS):
            # As spelled: in an accented question a plain "may" is not "mấy".
            wh = _WH_EXACT.intersection({word.lower()})
        else:
            wh = _WH_FOLDED.intersection(expanded)
        if wh and _indefinite(words, k, negated=negated, accented=accented):
            wh = frozenset()
        if wh and len(expanded) > 1 and _bao_tells(expanded):
            wh = frozenset()  # "bhxh": "bảo hiểm xã hội"
        if wh and not (negated and {fold(w) for w in wh} <= _INDEFINITE):
            return True
        if folded and folded[-1] in _NEGATIONS and expanded[0] in _KNOW:
            negated = False
        elif expanded[-1] in _NEGATIONS:
            negated = True
        elif expanded[0] in _THEN:
            negated = False
        folded.extend(expanded)
        typed.extend(word.lower() for _ in expanded)
    while folded and folded[-1] in _TRAILING:
        folded.pop()
        typed.pop()
    if folded and folded[-1] in _FINALS_SPELLED:
        return typed[-1] in (folded[-1], _FINALS_SPELLED[folded[-1]])
    return bool(folded) and (folded[-1] in _FINALS or _chooses(folded))


def _chooses(folded: list[str]) -> bool:
    """A part opened by a connector that asks by a choice, "A hay B", with no question word:
    "…, còn đề tài do chi bộ tự chọn hay cấp trên giao", "mà đóng trực tiếp cho chi bộ hay
    qua mạng". Elsewhere "hay" is also "often" ("hay quên lịch"), so a clause that does not
    open a new part is not read so."""
    if _connector_at(folded, 0) == 0:
        return False
    start = _connector_at(folded, 0)
    return any(
        word == "hay" and k - start >= 2 and len(folded) - k - 1 >= 2
        for k, word in enumerate(folded)
    )


def _indefinite(words: list[str], k: int, *, negated: bool, accented: bool) -> bool:
    """Whether the question word at k does not ask: "ai cũng", "nào cũng" (every), "chưa …
    bao giờ" (never); in a question typed without marks, a "dau" that is "đầu" ("buổi họp
    dau tien", "bat dau") and a "bao" that is "bảo" or "báo" ("bi thu bao")."""
    plain = fold(words[k]).lower()
    after = [fold(w).lower() for w in words[k + 1 : k + 3]]
    # "bao" asks with the word after it ("bao giờ", "bao nhiêu"): "cũng" comes after both.
    at = k + 2 if plain == "bao" else k + 1
    if plain != "bao":
        # ... or after the subject of "every": "tháng nào bí thư cũng gửi giấy mời" (every
        # month the secretary sends), "việc gì chi bộ cũng bàn".
        at = next(
            (j for j in range(at, min(at + EVERY_SPAN, len(words))) if words[j].lower() in _EVERY),
            at,
        )
    if words[at : at + 1] and words[at].lower() in _EVERY:
        # … unless "cũng được" ends the clause: "đề tài nào cũng được" asks whether any is
        # allowed.
        tail = [w for w in _folded_words(" ".join(words[at + 1 :])) if w not in _TRAILING]
        return tail not in (["duoc"], ["dc"])
    if plain == "bao" and not accented and after and after[0] not in _BAO_ASKS:
        return True  # "bí thư bao …": "bảo", not "bao nhiêu"
    if plain == "may" and negated and not accented and not after:
        # "không nghe may" ends on "máy", "không đông mấy" is "not very": after a negation a
        # final "may" tells ("không đi họp mấy tháng thì …" still asks, with its noun).
        return True
    if plain == "may" and _a_few_people(words, k):
        return True
    if plain == "bao" and negated and after[:1] == ["gio"]:
        return True  # "tôi chưa viết bao giờ": never
    if plain == "dau" and not accented:
        before = fold(words[k - 1]).lower() if k else ""
        return before in _DAU_AFTER or (bool(after) and after[0] in _DAU_BEFORE)
    return False


def _a_few_people(words: list[str], k: int) -> bool:
    """ "có mấy bạn trẻ vào đảng": "mấy" after "có", before a word for people ("đồng chí"
    too) and what they did, is "a few", not "how many"."""
    folded = [fold(w).lower() for w in words]
    if k == 0 or folded[k - 1] != "co" or k + 1 >= len(words):
        return False
    noun = 2 if folded[k + 1 : k + 3] == ["dong", "chi"] else 1
    return (noun == 2 or folded[k + 1] in _PEOPLE) and len(words) - k - 1 - noun >= 2


def _bao_tells(expanded: list[str]) -> bool:
    """An abbreviation whose expansion holds a "bao" that does not ask ("bảo hiểm")."""
    return any(
        w == "bao" and (k + 1 == len(expanded) or expanded[k + 1] not in _BAO_ASKS)
        for k, w in enumerate(expanded)
    ) and not _WH_FOLDED.intersection(w for w in expanded if w != "bao")


def _connector_at(folded: list[str], i: int) -> int:
    """Length of the connector starting at word i (0: none)."""
    if " ".join(folded[i : i + 2]) in _CONNECTORS:
        return 2
    return 1 if folded[i] in _CONNECTORS else 0


def _split_connectors(piece: str, accented: bool) -> list[str]:
    """Cut before each connector that joins two questions (it stays with the clause it
    opens)."""
    words = piece.split()
    folded = _folded_words(piece)
    cuts = [0]
    for i in range(1, len(words)):
        size = _connector_at(folded, i)
        before, after = " ".join(words[cuts[-1] : i]), " ".join(words[i + size :])
        if size and folded[i] == "thi":
            # "bỏ họp bao nhiêu buổi thì bị xóa tên?": the "?" ends the sentence, and the
            # "thì" part answers the condition; it is a question of its own only with its own
            # question word ("… thì đóng ở đâu").
            after = after.rstrip().rstrip("?")
        if size and asks(before, accented=accented) and asks(after, accented=accented):
            cuts.append(i)
    cuts.append(len(words))
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(cuts) if b > a]


def split_clauses(question: str) -> list[str]:
    """The question's clauses in order (the question itself when it has only one)."""
    accented = has_diacritics(question)
    pieces: list[tuple[str, bool]] = []
    for chunk in _PUNCTUATION_RE.split(question):
        parts = _split_connectors(chunk.strip(), accented)
        pieces.extend((part, i == 0 and _alternative(part)) for i, part in enumerate(parts))
    clauses: list[str] = []
    for piece, alternative in pieces:
        if not clauses or (
            not alternative and _size(piece) >= MIN_WORDS and _size(clauses[-1]) >= MIN_WORDS
        ):
            clauses.append(piece)
        else:
            clauses[-1] = f"{clauses[-1]} {piece}"
    return clauses or [question]


def _alternative(piece: str) -> bool:
    """A piece after a comma that opens with "hay" is the other half of the question before
    it ("… tháng nào cũng phải có chuyên đề hả, hay bao lâu 1 lần"), not a question of its
    own: "bao lâu 1 lần" asks about the sessions the first half names. So is one that opens
    with a superlative ("… có mấy hình thức kỷ luật, nặng nhất là gì?": the heaviest of
    them)."""
    words = _folded_words(piece)
    return bool(words) and (words[0] == "hay" or words[1:2] == ["nhat"])


def _size(clause: str) -> int:
    """Words of a clause, not counting the connector that opens it."""
    words = _folded_words(clause)
    return len(words) - (_connector_at(words, 0) if words else 0)
