from __future__ import annotations

import pytest

from bot.delivery.callbacks import CallbackData, decode
from bot.errors import InvalidInput
from bot.members.names import clean_full_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nguyễn   Văn  An ", "Nguyễn Văn An"),
        ("Nguye\u0302\u0303n Thi\u0323 Hoa", "Nguyễn Thị Hoa"),  # decomposed → NFC
        ("Lê Thị Mỹ-Linh", "Lê Thị Mỹ-Linh"),
    ],
)
def test_clean_full_name(raw: str, expected: str) -> None:
    assert clean_full_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("/start", "name_is_command"),
        ("A", "name_too_short"),
        ("x" * 81, "name_too_long"),
        ("Nguyễn Văn 123", "name_bad_chars"),
        ("🙂🙂🙂", "name_too_short"),
    ],
)
def test_bad_names(raw: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        clean_full_name(raw)
    assert info.value.args[0] == key


def test_callback_round_trip() -> None:
    data = CallbackData("mr", 2**31 - 1, "pbt")
    assert decode(data.encode()) == data
    assert len(data.encode().encode()) <= 64


@pytest.mark.parametrize(
    "forged",
    [None, "", "jr", "jr:abc", "jr:1:A", "jr:1:a:b", "x" * 65, "jr:-1:a", "đ:1", "jr:1;drop"],
)
def test_forged_callback_data_is_rejected(forged: str | None) -> None:
    assert decode(forged) is None


def test_meeting_buttons_carry_codec_data() -> None:
    """The attendance and comment buttons the core builds decode through the one codec."""
    from bot.attendance.buttons import ANSWER_CODES, ATTEND_ROUTE, COMMENT_ROUTE, attendance_buttons

    answers, (comment,) = attendance_buttons(42, with_comment=True)
    decoded = [decode(spec.callback_data) for spec in answers]
    assert decoded == [CallbackData(ATTEND_ROUTE, 42, code) for code in ANSWER_CODES]
    assert decode(comment.callback_data) == CallbackData(COMMENT_ROUTE, 42)


def test_markup_turns_button_rows_into_a_keyboard() -> None:
    from bot.delivery.outgoing import ButtonSpec
    from handlers.keyboards import markup

    assert markup(()) is None
    keyboard = markup(((ButtonSpec("a", "at:1:y"), ButtonSpec("b", url="https://t.me/x")),))
    assert keyboard is not None
    first, second = keyboard.inline_keyboard[0]
    assert (first.callback_data, first.url) == ("at:1:y", None)
    assert (second.callback_data, second.url) == (None, "https://t.me/x")
