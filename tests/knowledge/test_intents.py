"""Questions about the cell's own data are recognized and not answered from the rules."""

from __future__ import annotations

import time

import pytest

from bot.knowledge import MY_ANSWER, NEXT_MEETING, NEXT_THEMATIC, default_kb, detect_data_intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("tháng này họp ngày nào", NEXT_MEETING),
        ("thang nay hop ngay nao", NEXT_MEETING),
        ("Khi nào họp chi bộ?", NEXT_MEETING),
        ("mai co hop ko", NEXT_MEETING),
        ("họp chi bộ ở đâu vậy", NEXT_MEETING),
        ("lịch họp tháng 12", NEXT_MEETING),
        ("buổi họp sắp tới mấy giờ", NEXT_MEETING),
        ("chuyên đề quý này về gì", NEXT_THEMATIC),
        ("bao gio hop chuyen de", NEXT_THEMATIC),
        ("tôi đã xác nhận chưa", MY_ANSWER),
        ("mk bao vang roi dung khong", MY_ANSWER),
        ("em có tên trong danh sách họp không", MY_ANSWER),
        ("em xác nhận đi họp rồi phải không", MY_ANSWER),
        ("tháng này họp ngày nào phải không ad", NEXT_MEETING),
        # A named month is a date word, and with one "tổ chức" is holding the meeting.
        ("thang 11 chi bo to chuc hop hom nao", NEXT_MEETING),
        ("Buổi sinh hoạt tháng 3 ở đâu?", NEXT_MEETING),
        ("chuyen de quy 3 hoc ve gi", NEXT_THEMATIC),
    ],
)
def test_data_questions(question: str, intent: str) -> None:
    assert detect_data_intent(question) == intent


@pytest.mark.parametrize(
    "question",
    [
        "chi uy hop thuong le may lan 1 thang",
        "Một năm phải sinh hoạt chuyên đề mấy lần?",
        "tai lieu hop phai dang truoc may ngay",
        "ai co trach nhiem bao lich hop cho cap uy vien phu trach",
        "Quý này chưa họp chuyên đề thì phải làm gì",
        "tài liệu sinh hoạt tháng này bao giờ thì phải đưa lên sổ tay",
        "thang nay hop toi thieu bao lau",
        "khi nao duoc mien sinh hoat",
        "Chuyên đề là gì",
        "báo vắng thế nào",
        # "tháng 1 lần" is a frequency, not a month; "tổ chức" alone is an organisation.
        "chi bo hop thang 1 lan vao luc nao",
        "sinh hoat chuyen de quy 1 lan la gi",
        "tổ chức đảng ở đâu quản lý đảng viên đi làm xa",
        # Whether something is right by the rule, though it names this month or the member.
        "toi nay hop, toi bao vang qua dien thoai la du chua hay phai viet giay",
        "quý này học chuyên đề về chủ đề nào cho đúng hướng dẫn",
        "",
    ],
)
def test_rules_questions_are_not_data(question: str) -> None:
    assert detect_data_intent(question) is None


def test_ask_does_not_answer_data_questions_from_the_rules() -> None:
    answer = default_kb().ask("tháng này họp ngày nào")
    assert answer.data_intent == NEXT_MEETING
    assert not answer.confident and answer.entry_id is None and answer.sources == ()


@pytest.mark.parametrize(
    "wall",
    ["tôi xác nhận ", "tháng này ", "họp chi bộ bao lâu, ", "tôi chi bộ đăng ký họp "],
)
def test_a_pasted_wall_of_text_is_scanned_quickly(wall: str) -> None:
    """Telegram allows 4096 characters: the patterns must not backtrack over every pair of
    positions (this took seconds)."""
    text = (wall * 500)[:4096]
    start = time.perf_counter()
    detect_data_intent(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "question",
    [
        "bi thu giao toi viet ban de dan chuyen de quy nay, toi chua lam bao gio, ai duyet",
        "Tôi chưa đi họp chuyên đề quý này bao giờ, bản đề dẫn do ai viết?",
        "thang nay toi khong vang hop bao gio, the co duoc xep loai tot khong",
    ],
)
def test_bao_gio_after_a_negation_is_ever_not_when(question: str) -> None:
    """ "chưa làm bao giờ" tells (never), it does not ask when: no data question."""
    assert detect_data_intent(question) is None


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("khong biet bao gio hop chi bo thang nay", NEXT_MEETING),
        ("thang nay co hop khong, bao gio hop?", NEXT_MEETING),
        ("Tôi đã báo là dự buổi họp tối nay chưa nhỉ?", MY_ANSWER),
        ("em bao la se di hop thang nay roi phai khong", MY_ANSWER),
        ("minh bao nghi buoi hop toi mai chua nhi", MY_ANSWER),
    ],
)
def test_when_and_what_i_told_the_bot_are_still_data_questions(question: str, intent: str) -> None:
    assert detect_data_intent(question) == intent


@pytest.mark.parametrize(
    "question", ["buoi hop toi cua chi bo la bua nao", "Tháng sau chi bộ họp bữa nào vậy?"]
)
def test_bua_nao_is_which_day(question: str) -> None:
    """Southern "bữa nào" (which day) asks for the date like "hôm nào"."""
    assert detect_data_intent(question) == NEXT_MEETING


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # A date word told in the story, a "when" asked sentences later: a rules question.
        (
            "Quý này tôi được phân công làm bản đề dẫn chuyên đề về phòng chống tham nhũng, lần"
            " đầu làm việc này, bản đề dẫn thì ai duyệt và gửi mọi người lúc nào?",
            None,
        ),
        (
            "nam nay e dc giao viet de dan chuyen de, e chua lam bao gio, vay de dan ai duyet,"
            " gui cho moi nguoi khi nao",
            None,
        ),
        # Asked in one sentence or two next to each other, it is still the cell's data.
        ("Chuyên đề quý này của chi bộ mình, học vào ngày nào vậy?", NEXT_THEMATIC),
        ("dang vien moi, chua ro lich, thang nay chi bo hop, ngay nao a", NEXT_MEETING),
    ],
)
def test_a_date_word_and_a_when_far_apart_are_a_rules_question(
    question: str, intent: str | None
) -> None:
    assert detect_data_intent(question) == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("dot sinh hoat cuoi nam cua chi bo minh to chuc hom nao vay", NEXT_MEETING),
        ("Buổi họp đầu tháng của chi bộ vào ngày nào?", NEXT_MEETING),
        ("chuyen de cuoi quy nay hoc ve noi dung gi", NEXT_THEMATIC),
        # a rule asked about the end of the year is still a rules question
        ("cuối năm kiểm điểm đảng viên theo quy định nào", None),
    ],
)
def test_the_edges_of_a_period_are_date_words(question: str, intent: str | None) -> None:
    assert detect_data_intent(question) == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Phiên họp tới của chi bộ là ngày nào?", NEXT_MEETING),
        ("dot hop sap toi o dau vay", NEXT_MEETING),
        # the rule for the next session is still a rules question
        ("đợt sinh hoạt tới phải họp tối thiểu bao lâu", None),
    ],
)
def test_dot_and_phien_name_one_meeting(question: str, intent: str | None) -> None:
    assert detect_data_intent(question) == intent


def test_what_matter_the_next_thematic_meeting_discusses_is_data() -> None:
    """ "bàn vấn đề gì" is what the next thematic meeting is about (issue 14, round 16)."""
    assert detect_data_intent("chuyen de quy toi cb ban van de gi vay") == NEXT_THEMATIC


@pytest.mark.parametrize(
    "question",
    ["chuyen de thang toi nen chon chu de gi", "sh chuyen de sap toi goi y de tai gi hay"],
)
def test_what_one_should_choose_is_advice_from_the_rules(question: str) -> None:
    """ "nên chọn", "gợi ý" ask for advice, not for the cell's own next topic."""
    assert detect_data_intent(question) is None
