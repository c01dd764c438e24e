"""Audit of every lexicon rewrite for collisions once accents are dropped (issue 14).

A synonym is applied to folded text too, so "mời họp" (invite) would also rewrite "moi hop"
typed for "mỗi họp" (each meeting). Every variant whose folded form is also the folded form of
a differently accented phrase in the knowledge base must either be exact-only
(lexicon.EXACT_ONLY) or be listed in AUDITED_SAFE with the reason. The everyday collisions
that the knowledge base's own text does not show are listed in EVERYDAY_COLLISIONS.
"""

from __future__ import annotations

import pytest

from bot.knowledge import default_kb, lexicon
from bot.knowledge.normalize import _phrase_syllables, get_analyzer
from bot.text_input import fold

# variant → (the colliding accented phrase, why the folded rewrite is still right)
AUDITED_SAFE = {
    "họp": ("hợp", "compounds of hợp (phù hợp, hợp lệ, …) are protected phrases"),
    "hợp chi bộ": ("họp chi bộ", "the same meaning: the usual typo for họp chi bộ"),
    "hợp chi bô": ("họp chi bộ", "the same meaning: the usual typo for họp chi bộ"),
    "đăng tải": ("đăng tài", "not a phrase; only a split of đăng tài liệu"),
    "bàn trước": (
        "bản trước",
        "in a question about meetings bàn trước is the reading; văn bản, biên bản protected",
    ),
    "bàn gì": (
        "bản gì",
        "in a question about meetings bàn gì is the reading; văn bản, biên bản protected",
    ),
}

# (question typed without accents, the rewrite it must not get, the rewrite it must keep)
EVERYDAY_COLLISIONS = [
    ("moi hop chi bo ban nhung gi", "thong_bao", None),  # mỗi họp, not mời họp
    ("moi hop xong thi lam gi", "thong_bao", None),  # mới họp xong
    ("bi thu tu lam thu ky duoc khong", "trinh_tu", "thu_ky"),  # bí thư tự, not thứ tự
    ("chat luong sinh hoat the nao la tot", "mang_xa", "chat_luong"),  # chất lượng, not chat
    ("tam long cua dang vien", "ghep", None),  # tấm lòng, not lồng ghép
    ("van ban lien quan den dang phi", "lien_tuc", None),  # liên quan, not liền
    ("hd 42 thay cho van ban gi", "noi_dung", "van_ban"),
    ("nha bi mat nuoc thi goi ai", "bao_mat", None),  # bị mất, not bí mật  # văn bản gì, not bàn gì
    ("bien ban truoc co phai doc lai khong", "sinh_hoat_truoc", "bien_ban"),  # not bàn trước
    ("goi dien thi khong nghe may", "truc_tuyen", None),  # calling someone, not phoning in
    ("chi bo co duoc thu tien lien hoan khong", "hoan_sinh", None),  # liên hoan, not hoãn
    ("chuyen khoan dang phi duoc khong", "hoan_sinh", None),  # chuyển khoản, not hoãn
    ("bien ban co thoi han luu giu khong", "mien_sinh", None),  # thời hạn, not "thôi hẳn"
    ("ba toi ket nap nam 1970", "3", "ba"),  # ba (father), not 3
    ("Bà cụ nhà tôi", "3", "ba"),  # bà (grandmother), not 3
    ("em khong biet phai viet gi", "di_xa", None),  # không biết phải, not biệt phái
    ("chi bo toi hop co 1 tieng", "tham_du", None),  # tôi họp, not tới họp
    ("Hôm trước chi bộ tôi họp có 1 tiếng", "tham_du", None),  # accented: the folded rewrite
    ("toi hop thi co bao nhieu nguoi", "tham_du", None),  # tối họp, not tới họp
    ("van ban cu con dung khong", "hien_hanh", "thay_the"),  # văn bản cũ, not căn cứ
    ("dieu le dang quy dinh gi", "di_xa", "dieu_le"),  # Điều lệ, not điều (động)
    ("em quen dong chi bi thu tu lau roi", "khong_dong", "dong_chi"),  # quen đồng chí
    ("quen dong chi to truong nen nho dong ho dang phi", "khong_dong", "dang_phi"),
    # "mấy đồng" is no amount: folded it is also "máy đóng", "mấy đồng (chí)"
    ("chi bo co may dong chi di hop", "bao_nhieu", "dong_chi"),
    ("cong ty may dong bao hiem cho toi", "bao_nhieu", None),
    ("chuan bi truoc buoi hop", "chuan_bi_buoi", "truoc"),  # "trước" kept, not "chuẩn bị sẵn"
    ("chi bo em moi co may ban tre vao dang", "may_lan", None),  # mấy bạn, not mấy bận
    ("Chi bộ em mới có mấy bạn trẻ vào đảng", "may_lan", None),  # accented: the folded rewrite
    ("moi chuyen di bien 9 thang moi ve", "chuyen_sinh", None),  # chuyến đi, not chuyển đi
]


def _kb_phrases() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Folded n-grams (1–4 syllables) of the knowledge base → their accented forms."""
    analyzer = get_analyzer()
    grams: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for entry in default_kb().topics():
        for text in (entry.title, entry.reply, entry.answer, *entry.questions, *entry.keywords):
            syllables = analyzer.syllables(text)
            for n in range(1, 5):
                for i in range(len(syllables) - n + 1):
                    gram = tuple(syllables[i : i + n])
                    grams.setdefault(tuple(fold(s) for s in gram), set()).add(gram)
    return grams


def _collisions() -> dict[str, set[str]]:
    grams = _kb_phrases()
    found: dict[str, set[str]] = {}
    for canonical, variants in lexicon.SYNONYMS.items():
        target = tuple(fold(s) for s in _phrase_syllables(canonical))
        for variant in (canonical, *variants):
            key = _phrase_syllables(variant)
            folded = tuple(fold(s) for s in key)
            if variant in lexicon.EXACT_ONLY or folded == target:
                continue  # not rewritten when folded, or rewritten to itself
            others = {
                " ".join(g)
                for g in grams.get(folded, ())
                if g != key and fold(" ".join(g)) != " ".join(g)
            }
            if others:
                found[variant] = others
    return found


def test_every_colliding_rewrite_is_exact_only_or_audited() -> None:
    collisions = _collisions()
    assert set(collisions) == set(AUDITED_SAFE), collisions
    for variant, (other, _why) in AUDITED_SAFE.items():
        assert other in collisions[variant]


@pytest.mark.parametrize(("question", "wrong", "kept"), EVERYDAY_COLLISIONS)
def test_everyday_collisions(question: str, wrong: str, kept: str | None) -> None:
    folded = get_analyzer().analyze(question).folded
    assert not any(t.startswith(wrong) or f"_{wrong}" in t for t in folded), folded
    if kept is not None:
        assert kept in folded


def test_abbreviations_are_not_words_of_the_knowledge_base() -> None:
    """An abbreviation is expanded only when typed plain; none is itself a folded syllable
    the knowledge base uses, so no real word is taken for one."""
    words = {g[0] for g in _kb_phrases() if len(g) == 1}
    clashes = {a for a in lexicon.ABBREVIATIONS if a in words and len(a) > 1}
    assert clashes <= {"dc", "cd", "hd", "dp", "kn", "ct", "tr", "ms", "mk", "dl"}, clashes


@pytest.mark.timeout(60)
def test_no_anchor_is_rewritten_into_another_entrys_topic_word() -> None:
    """An anchor that a synonym rewrites ("có mặt" → "tham dự") claims the canonical word,
    which another entry may use for its own topic: quorum's "có mặt" made every "đi họp"
    (tham dự sinh hoạt) a quorum question. Such an anchor is combined ("có mặt + bao nhiêu")
    or spelled as the other entry spells it."""
    ranker = default_kb().ranker
    spelled: dict[tuple[str, ...], set[str]] = {}  # entries whose anchor reads so as typed
    rewritten: dict[tuple[str, ...], set[str]] = {}  # entries that reach it by a synonym
    for entry, compiled in zip(ranker.entries, ranker._anchors_folded, strict=True):
        for anchor, parts in zip(entry.anchors, compiled, strict=True):
            if "+" not in anchor:
                as_typed = tuple(fold(anchor).lower().split()) == parts[0]
                (spelled if as_typed else rewritten).setdefault(parts[0], set()).add(entry.id)
    clashes = {
        " ".join(words): sorted(only | spelled.get(words, set()))
        for words, ids in rewritten.items()
        if (only := ids - spelled.get(words, set())) and spelled.get(words, set()) - ids
    }
    assert clashes == {}


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "question",
    [
        "em hoi that la thang nao cung phai di hop chi bo a",
        "nha xa the thi co phai di hop khong",
        "đảng viên có phải đến họp chi bộ đều không",
    ],
)
def test_having_to_go_to_meetings_is_the_duty_to_attend(question: str) -> None:
    answer = default_kb().ask(question)
    assert answer.confident and answer.entry_id == "attendance_duty", answer.entry_id
