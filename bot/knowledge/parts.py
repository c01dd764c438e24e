"""Which entries answer a question: the whole question, and each of its clauses ranked in the
context of the whole.

A long, rambling question dilutes the confidence of the whole ("chi bộ mình ở khu phố có 12
đảng viên, phần lớn là các cụ đã về hưu, tháng nào họp cũng chỉ được khoảng 1 tiếng…"), while
one clause says what is asked; a two-part question ("đóng bao nhiêu, đóng ở đâu?") has two
answers. So every clause is ranked too:

* a clause borrows from the rest of the question the topic words (anchors) of the entries
  it ranks first on its own (and, when it is not confident on its own, of the entries the
  whole question ranks first), not other words: "đóng ở đâu" is about "đảng phí" when the
  question is, while "họp bao lâu" does not borrow "mấy lần" from "một tháng mấy lần". A
  clause confident on its own ("ai ghi biên bản", "có được miễn không") borrows nothing
  for an entry that another clause ranks first, so the parts of a two-part question
  are not pulled onto one answer ("ai chủ trì") and still get their context ("đảng phí");
* the clauses that ask something are answered ("… có được miễn không"); a clause that tells
  the situation ("tháng 11 không họp được vì bí thư ốm") is answered only when no clause
  that asks is answered confidently ("… thì như vậy có bị coi là thiếu không");
* a clause's confidence is scaled by how well the whole question matches the same entry
  (``CONTEXT_FLOOR`` … 1), and must reach the threshold on its own: an entry that one clause
  matches only weakly is never picked; not when two asking clauses are each sure on their own
  of a different entry (a two-part question halves the whole between its topics);
* two clauses that confidently pick different entries give a two-part answer, in the order
  of the question.
"""

from __future__ import annotations

from dataclasses import replace

from bot.text_input import fold

from . import lexicon
from .clauses import asks, split_clauses
from .normalize import has_diacritics
from .ranker import Ranker, Scored

# A pasted text of many clauses: only the last ones are ranked (the question is asked at the
# end of a ramble), so an answer stays fast whatever its length.
MAX_CLAUSES = 10
MAX_PARTS = 2  # two answers with their sources fit the ~600 characters before "Chi tiết"
# A clause's confidence is multiplied by CONTEXT_FLOOR + (1 - CONTEXT_FLOOR) × (how the whole
# question scores the clause's entry, relative to the whole question's best entry).
CONTEXT_FLOOR = 0.8
# How much more confident a confident whole question must be of its best entry than of the
# one entry its clauses pick, for the whole question's entry to be the answer.
PREFERRED_BY = 0.3
# A clause borrows the topic words of the entries it ranks first, second and third on its own.
BORROW_FROM = 3
# Entries a clause scores within this much of its best are a tie that the whole question
# breaks: "chi bộ nói em phải chuyển sinh hoạt" is as much temporary as official transfer,
# and "đi công trình khoảng 8 tháng" in the rest of the question says which.
CLAUSE_TIE = 0.03
# Of entries an asking clause is confident of within this much of its best, the one the whole
# question is confident of, when it is not of the clause's best (see `_whole_breaks`).
WHOLE_TIE = 0.1
# Rank scores this close are nearly as high (see `_whole_pick`).
RANK_NEAR = 0.1
# ... for a question of at least this many distinct words.
SECOND_MIN_WORDS = 3
# The clause just before a bare "có được không?" is read as the question when the whole
# question ranks its entry at most this far down (see `_focused`).
FOCUS_NEAR_TOP = 2
# ... and when the whole question is at most this much less confident of it than of its first
# entry: a whole question far surer of the situation's topic is asking about it.
FOCUS_WITHIN = 0.1
# The connector of contrast ("…, còn sổ biên bản thì ai ghi?"), folded.
_CONTRAST = "con"
# The connectors that open a new question of a two-part one (folded).
_NEW_PART = frozenset({"con", "ma"})


def pick_entries(
    ranker: Ranker, question: str, ranked: list[Scored], threshold: float
) -> list[Scored]:
    """The confident answers, in the question's order (empty: no confident answer)."""
    whole = _whole_pick(ranker, question, ranked, threshold)
    clauses = split_clauses(question)[-MAX_CLAUSES:]
    if len(clauses) < 2:
        return [whole] if whole else []
    accented = has_diacritics(question)
    questions = [asks(clause, accented=accented) for clause in clauses]
    found = _clause_picks(ranker, question, clauses, ranked, threshold, questions)
    contrast = _contrasted(clauses, questions, found, ranked, accented=accented)
    if contrast:
        return contrast
    focused = _focused(ranker, clauses, questions, ranked, threshold)
    if focused is not None:
        return [focused]
    # With no asking clause answered, a clause that tells the situation is answered ("… thì
    # như vậy có bị coi là thiếu không") only for an entry the whole question ranks near the
    # top: "bí thư đi công tác" told before "… điều hành buổi họp, có được không?" is not a
    # question about transfers.
    near_top = {s.entry_index for s in ranked[:FOCUS_NEAR_TOP]}
    picks = [p for _, p, q in found if q] or [p for _, p, _ in found if p.entry_index in near_top]
    distinct = list({p.entry_index: p for p in picks}.values())
    if len(distinct) == 1:
        asked = [(k, p) for k, p, q in found if q]
        shared = _shared_split(ranker, clauses, asked, threshold)
        if shared:
            return shared
    if len(distinct) >= 2:
        return distinct[:MAX_PARTS]
    if whole is not None and distinct and whole.entry_index != distinct[0].entry_index:
        # One clause picks an entry the whole question is far less sure of than of its own
        # best ("… đang dự bị, … có được đề cử hay bỏ phiếu không"): the whole wins.
        whole_conf = {s.entry_index: s.confidence for s in ranked}
        if whole_conf.get(distinct[0].entry_index, 0.0) + PREFERRED_BY <= whole.confidence:
            return [whole]
    best = [p for p in (whole, *distinct) if p is not None]
    return [max(best, key=lambda p: p.confidence)] if best else []


def _whole_pick(
    ranker: Ranker, question: str, ranked: list[Scored], threshold: float
) -> Scored | None:
    """The whole question's confident entry: its first, or, when the first names none of its
    topic words and is not confident, a second that does and is, ranked nearly as high
    ("nhắn tin trong nhóm thay cho buổi họp được ko": the online meetings, whose "mạng xã
    hội + thay" the question names, not the confidentiality a sample question matches). A
    vague question of a word or two ("dang vien") is offered topics instead."""
    if not ranked:
        return None
    first = ranked[0]
    if first.confidence >= threshold:
        return first
    if len(ranked) < 2 or len(set(ranker.query_words(question))) < SECOND_MIN_WORDS:
        return None
    second = ranked[1]
    if second.confidence < threshold or first.rank_score - second.rank_score > RANK_NEAR:
        return None
    anchored = ranker.anchored(question)
    entries = ranker.entries
    if entries[first.entry_index].id in anchored or entries[second.entry_index].id not in anchored:
        return None
    return second


def _clause_picks(
    ranker: Ranker,
    question: str,
    clauses: list[str],
    ranked: list[Scored],
    threshold: float,
    questions: list[bool],
) -> list[tuple[int, Scored, bool]]:
    """Each clause's confident pick (with the clause's index), and whether that clause asks
    something."""
    whole_conf = {s.entry_index: s.confidence for s in ranked}
    top = max(whole_conf.values(), default=0.0)
    whole_words = ranker.query_words(question)
    alone = [ranker.rank(clause) for clause in clauses]
    firsts = [f[0].entry_index if f and q else None for f, q in zip(alone, questions, strict=True)]
    picks: list[tuple[int, Scored, bool]] = []
    # The one clause that asks, if only one does (see `_judged_story`).
    sole = questions.index(True) if questions.count(True) == 1 else None
    # With two clauses or more that ask, one not sure of itself borrows from the parts asked,
    # not from the situation told ("Đi họp chi bộ, … được làm những gì, có được chất vấn …").
    asked = [c for c, q in zip(clauses, questions, strict=True) if q]
    asked_words = ranker.query_words(", ".join(asked)) if len(asked) >= 2 else whole_words
    # The entries the situation told names confidently, clause by clause.
    told = {
        f[0].entry_index
        for f, q in zip(alone, questions, strict=True)
        if f and not q and f[0].confidence >= threshold
    }
    two_parts = _two_sure_parts(alone, questions, threshold)
    for k, clause in enumerate(clauses):
        found = alone[k]
        if not found:
            continue
        lenders = [s.entry_index for s in found[:BORROW_FROM]]
        others = {f for j, f in enumerate(firsts) if j != k and f is not None}
        best = _tie_broken(found, whole_conf)
        if questions[k]:
            best = _told_breaks(found, best, told, whole_conf, threshold)
        if best.confidence >= threshold:
            # A clause that is a question of its own is not pulled onto another one's answer.
            lenders = [i for i in lenders if i not in others]
        else:
            # Not a question of its own ("như thế có đúng không"): the entries the whole
            # question ranks first lend their topic words too.
            lenders += [s.entry_index for s in ranked[:BORROW_FROM]]
        words = ranker.query_words(clause)
        # The context may refine the topic a confident clause names ("có được miễn
        # không" + "đóng"), never replace it with one the clause does not name; and it
        # lends such a clause no everyday word the situation told ("tài liệu phải gửi
        # trước bao lâu" + "nhóm Zalo" is not sharing documents on a chat group).
        confident = best.confidence >= threshold
        lending = asked_words if questions[k] and not confident else whole_words
        in_context = _in_context(
            ranker, clause, words, lending, lenders, others, everyday=not confident
        )
        context = in_context[0] if in_context else None
        if context is not None and not confident and sole == k and ranked:
            context = _judged_story(ranker, words, in_context, ranked, context)
        if context is not None and confident and context.entry_index in others:
            context = None  # "đóng đảng phí ở đâu" stays itself next to "lương hưu … bao nhiêu"
        if context is not None and confident and context.entry_index == best.entry_index:
            # The same entry: borrowed words only dilute a confident clause ("biên bản họp ai
            # giữ" + "tài liệu" from the other part), they never make it less sure.
            context = max(context, best, key=lambda s: s.confidence)
        if context is not None and (
            not confident
            or ranker.topic_words(words, [context.entry_index])
            or _judges_the_whole(best, context, ranked)
            # the clause ranks it first itself, the context makes it sure ("… 2 buổi chuyên
            # đề …, một năm tối thiểu phải mấy buổi?")
            or (context.entry_index == found[0].entry_index and context.confidence >= threshold)
        ):
            best = context
        if questions[k] and ranked and best.entry_index != ranked[0].entry_index:
            best = _sourced(ranker, clause, words, whole_words, ranked[0], threshold) or best
        if questions[k] and confident:
            # (a clause sure of itself only: one that borrowed its topic keeps what it borrowed)
            pool = in_context if best is context else found
            sure = {s.entry_index for s in found if s.confidence >= threshold}
            best = _whole_breaks(pool, best, whole_conf, threshold, others, sure)
        share = whole_conf.get(best.entry_index, 0.0) / top if top else 0.0
        if two_parts and questions[k] and best.entry_index == firsts[k]:
            share = 1.0
        confidence = best.confidence * (CONTEXT_FLOOR + (1 - CONTEXT_FLOOR) * share)
        confidence *= ranker.dealing_factor(question, clause, best.entry_index)
        if confidence >= threshold:
            picks.append((k, replace(best, confidence=confidence), questions[k]))
    return picks


def _shared_split(
    ranker: Ranker, clauses: list[str], asked: list[tuple[int, Scored]], threshold: float
) -> list[Scored]:
    """Two parts that ask, the second opened by "mà" or "còn" (a new question), both answered
    by one entry: the part less sure of it answers the next entry it is confident of, when the
    other part is not ("vắng họp 3 tháng thì sao, mà thế nào là lý do chính đáng?": the valid
    reason is the second part's; the first is also sure of the removal). Empty otherwise."""
    if len(asked) != 2:
        return []
    (k1, p1), (k2, p2) = asked
    if fold(clauses[k2].split()[0]).lower() not in _NEW_PART:
        return []
    owner, other = (k1, k2) if p1.confidence >= p2.confidence else (k2, k1)
    own = {s.entry_index: s.confidence for s in ranker.rank(clauses[owner])}
    for s in ranker.rank(clauses[other])[1:]:
        if s.confidence < threshold:
            break
        if s.entry_index != p1.entry_index and own.get(s.entry_index, 0.0) < threshold:
            shared = p1 if owner == k1 else p2
            return [s, shared] if other < owner else [shared, s]
    return []


def _contrasted(
    clauses: list[str],
    questions: list[bool],
    found: list[tuple[int, Scored, bool]],
    ranked: list[Scored],
    *,
    accented: bool,
) -> list[Scored]:
    """A two-part question whose first part is told, not asked: "phó bí thư đứng ra điều
    hành, còn sổ biên bản thì ai ghi?" asks about the chairing too, by the contrast "còn"
    (as for the other one) draws. The told clause just before a "còn" clause that asks is a
    part when both are confident of different entries and the whole question ranks the told
    one first: a situation ("bí thư đi công tác 4 tháng, còn … ai chủ trì?") is not a part.
    Empty otherwise."""
    if not ranked:
        return []
    picked = {k: p for k, p, _ in found}
    for k in range(1, len(clauses)):
        if not (_contrasts(clauses[k], accented) and questions[k] and not questions[k - 1]):
            continue
        told, asked = picked.get(k - 1), picked.get(k)
        if (
            told is not None
            and asked is not None
            and told.entry_index == ranked[0].entry_index != asked.entry_index
        ):
            return [told, asked]
    return []


def _contrasts(clause: str, accented: bool) -> bool:
    """Whether the clause opens with "còn" (as for …), typed so in an accented question."""
    words = clause.split()
    if not words:
        return False
    return words[0].lower() == "còn" if accented else fold(words[0]).lower() == _CONTRAST


def _judged_story(
    ranker: Ranker,
    words: tuple[str, ...],
    in_context: list[Scored],
    ranked: list[Scored],
    context: Scored,
) -> Scored:
    """The only clause that asks, naming no topic of its own ("như vậy có đúng không?"), judges
    the story told before it: which entry is the one the whole question ranks first ("… 52
    năm tuổi đảng … vẫn thu đảng phí") and the borrowed topic words only say how sure; they
    do not send it to a sibling entry that shares them ("lương hưu" → the rates)."""
    if ranker.topic_words(words):
        return context
    story = ranked[0].entry_index
    return next((s for s in in_context if s.entry_index == story), context)


def _judges_the_whole(best: Scored, context: Scored, ranked: list[Scored]) -> bool:
    """A confident clause asks for a judgement ("như vậy có vi phạm gì không") of what the
    whole question tells ("quay phim rồi đăng lên facebook"): its own entry is not among
    the whole question's first two, and with the context it lands on the whole's first."""
    near_top = [s.entry_index for s in ranked[:FOCUS_NEAR_TOP]]
    return (
        bool(ranked)
        and context.entry_index == near_top[0]
        and best.entry_index not in near_top
        and context.confidence >= best.confidence
    )


def _focused(
    ranker: Ranker,
    clauses: list[str],
    questions: list[bool],
    ranked: list[Scored],
    threshold: float,
) -> Scored | None:
    """The question read from the clause just before its last asking clause ("… khen là chi
    bộ bốn tốt, giờ muốn họp 2 tháng một lần, có được không?"): when the asking clause names
    no topic of its own, the situation told first ("bốn tốt") is not what is asked. The focus is
    answered as a question of its own; one confident entry is the answer, else None."""
    last = max((k for k, q in enumerate(questions) if q), default=0)
    if last < 2 or questions[last - 1]:
        return None  # nothing told before the clause that tells what is asked
    alone = ranker.rank(clauses[last])
    if alone and alone[0].confidence >= threshold:
        return None  # the asking clause names its topic itself
    told = [ranker.rank(clause) for clause in clauses[: last - 1]]
    if not any(f and f[0].confidence >= threshold for f in told):
        return None  # no situation names a topic: nothing to set aside
    own = ranker.topic_words(ranker.query_words(clauses[last]))
    if own and alone and any(f and f[0].entry_index == alone[0].entry_index for f in told):
        # The asking clause names a topic the situation told is about ("… tự chấm điểm chất
        # lượng sinh hoạt, … vậy có đạt tiêu chí không?"): that is what is asked.
        return None
    focus = ", ".join(clauses[last - 1 :])  # still two clauses
    picked = pick_entries(ranker, focus, ranker.rank(focus), threshold)
    if len(picked) != 1:
        return None
    chosen = picked[0].entry_index
    # Only a situation that names another topic is set aside ("cấp trên khen là chi bộ bốn
    # tốt"), and only for an entry the whole question ranks near the top: a situation that
    # says which topic is meant ("vừa thường kỳ vừa chuyên đề", "đi công trình 8 tháng")
    # stays.
    other = any(f and f[0].confidence >= threshold and f[0].entry_index != chosen for f in told)
    near_top = chosen in [s.entry_index for s in ranked[:FOCUS_NEAR_TOP]]
    # "… thư ký chưa đọc lại biên bản, bí thư bảo để tháng sau thông qua cũng được, làm vậy có
    # đúng không": the whole is far surer of the minutes than of the order of business.
    whole_conf = {s.entry_index: s.confidence for s in ranked}
    close = whole_conf.get(chosen, 0.0) + FOCUS_WITHIN >= ranked[0].confidence
    return picked[0] if other and near_top and close else None


def _told_breaks(
    found: list[Scored],
    best: Scored,
    told: set[int],
    whole_conf: dict[int, float],
    threshold: float,
) -> Scored:
    """Of two entries a clause that asks is confident of, the one the situation told names
    and the whole question is surer of: "… hôm họp biểu quyết nghị quyết có 5 người giơ tay,
    vậy nghị quyết có giá trị không" is the voting majority, not the quorum, though "có giá
    trị không" alone is a little surer of the quorum."""
    if best.confidence < threshold or best.entry_index in told:
        return best
    for s in found[1:]:
        if s.confidence < threshold:
            break
        if s.entry_index in told and whole_conf.get(s.entry_index, 0.0) > whole_conf.get(
            best.entry_index, 0.0
        ):
            return s
    return best


def _sourced(
    ranker: Ranker,
    clause: str,
    words: tuple[str, ...],
    whole_words: tuple[str, ...],
    first: Scored,
    threshold: float,
) -> Scored | None:
    """A clause that asks only for a source ("căn cứ theo quy định nào", "văn bản nào"), its
    topic words all `lexicon.SOURCE_TOPICS`, asks the source of what the whole question is
    about: "… rà soát việc chấm điểm đảng viên cuối năm, … căn cứ theo quy định nào" is the
    member grading (whose answer names its rule), not the list of documents in force. It
    takes the whole question's first entry when the clause, with that entry's topic words,
    is confident of it; None otherwise."""
    found_words = ranker.topic_words(words)
    # ("bản" of "văn bản" is not "bàn")
    own = [t for t in found_words if not any(t != o and f" {t} " in f" {o} " for o in found_words)]
    if not own or not (
        all(t in lexicon.SOURCE_TOPICS for t in own)
        or all(t in lexicon.MEASURE_TOPICS for t in own)
    ):
        return None
    borrowed = [t for t in ranker.topic_words(whole_words, [first.entry_index]) if t not in own]
    if not borrowed:
        return None
    found = ranker.rank(fold(" ".join([clause, *borrowed])))
    return next(
        (s for s in found if s.entry_index == first.entry_index and s.confidence >= threshold),
        None,
    )


def _whole_breaks(
    found: list[Scored],
    best: Scored,
    whole_conf: dict[int, float],
    threshold: float,
    others: set[int],
    sure: set[int],
) -> Scored:
    """Of two entries a clause that asks is nearly as confident of, the one the whole question
    is confident of when it is not of the clause's best: "… lương đóng bảo hiểm 12 triệu, …
    cãi nhau mãi về mức đóng, vậy đảng phí mỗi tháng tính theo cách nào?" asks the rates (the
    story names them), though "tính theo cách nào" alone leans to the way of paying. An entry
    another part asks about is that part's ("đóng bao nhiêu phần trăm, đóng qua đâu"), and the
    clause must be confident of the entry on its own (``sure``)."""
    if best.confidence < threshold or whole_conf.get(best.entry_index, 0.0) >= threshold:
        return best
    rivals = [
        s
        for s in found
        if s.confidence >= max(threshold, best.confidence - WHOLE_TIE)
        and whole_conf.get(s.entry_index, 0.0) >= threshold
        and s.entry_index not in others
        and s.entry_index in sure
    ]
    return max(rivals, key=lambda s: whole_conf[s.entry_index], default=best)


def _tie_broken(found: list[Scored], whole_conf: dict[int, float]) -> Scored:
    """The clause's best entry; of entries it ranks nearly alike, the one the clause and the
    whole question together are surest of: "bản đề dẫn phải có những nội dung gì" ranks
    "nội dung" (meeting_content) first but is far surer of the lead paper, which the whole
    question, told about a "chuyên đề", nearly ties with meeting_content."""
    tied = [s for s in found if s.confidence >= found[0].confidence - CLAUSE_TIE]
    return max(
        tied,
        key=lambda s: (s.confidence + whole_conf.get(s.entry_index, 0.0), s is found[0]),
    )


def _in_context(
    ranker: Ranker,
    clause: str,
    words: tuple[str, ...],
    whole_words: tuple[str, ...],
    lenders: list[int],
    others: set[int],
    *,
    everyday: bool = True,
) -> list[Scored]:
    """The clause's best entry once it borrows the lenders' topic words from the whole
    question ("có được miễn không" + "đóng"). If that lands on the entry another part asks
    about, the clause borrows only the words that are a topic on their own ("nộp qua đâu"
    + "đảng phí", not + "sinh viên" from "sinh viên đóng bao nhiêu")."""
    own = set(ranker.topic_words(words))
    context: list[Scored] = []
    for whole in (False, True):
        borrowed = [
            p
            for p in ranker.topic_words(whole_words, lenders, whole=whole)
            if p not in own and (everyday or p not in lexicon.EVERYDAY_TOPICS)
        ]
        if not borrowed:
            break
        found = ranker.rank(fold(" ".join([clause, *borrowed])))
        if found:
            context = found
            if found[0].entry_index not in others:
                break
    return context


def _two_sure_parts(alone: list[list[Scored]], questions: list[bool], threshold: float) -> bool:
    """Two asking clauses each sure on its own of a different entry: a two-part question,
    whose whole question, halved between two topics, says nothing of either part ("tài liệu
    … trước mấy ngày, và … biên bản lưu ở đâu?")."""
    sure = {
        found[0].entry_index
        for found, asked in zip(alone, questions, strict=True)
        if asked and found and found[0].confidence >= threshold
    }
    return len(sure) >= 2
