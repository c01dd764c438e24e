"""The callback codec and the bounded-number reader, attacked with random input (hypothesis).

Ids are 32-bit keys on both databases, so nothing outside 0..2^31−1 may leave the codec: a
forged press gets the polite "unknown button" answer, never a database error.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.callbacks import MAX_CALLBACK_BYTES, MAX_ID, CallbackData, bounded_int, decode

ROUTES = st.from_regex(r"[a-z]{1,6}", fullmatch=True)
ARGS = st.none() | st.from_regex(r"[a-z0-9_]{1,40}", fullmatch=True)


def test_ids_are_the_databases_32_bit_keys() -> None:
    assert MAX_ID == 2**31 - 1


@given(st.text(max_size=100) | st.binary(max_size=100).map(lambda b: b.decode("latin-1")))
def test_random_data_decodes_to_nothing_or_to_what_we_would_have_encoded(data: str) -> None:
    decoded = decode(data)
    if decoded is not None:
        assert 0 <= decoded.id <= MAX_ID
        assert decoded.encode() == data


@given(ROUTES, st.integers(min_value=MAX_ID + 1, max_value=10**60), ARGS)
def test_an_id_past_the_keys_is_refused(route: str, id_: int, arg: str | None) -> None:
    forged = f"{route}:{id_}" + (f":{arg}" if arg else "")
    assert decode(forged) is None
    with pytest.raises(ValueError):
        CallbackData(route, id_, arg).encode()


@given(ROUTES, st.integers(min_value=0, max_value=MAX_ID), ARGS)
def test_every_id_of_a_key_round_trips(route: str, id_: int, arg: str | None) -> None:
    data = CallbackData(route, id_, arg)
    encoded = data.encode()
    assert len(encoded.encode()) <= MAX_CALLBACK_BYTES
    assert decode(encoded) == data


@pytest.mark.parametrize(
    "forged",
    [
        "at:-1:y",
        "at:00000000001:y",
        "at:1:y:z",
        "at:१२:y",
        "at:٣:y",
        "at:1\n:y",
        "at:1\n",
        "at:1:y\n",
    ],
)
def test_signs_padding_and_foreign_digits_in_button_ids_are_refused(forged: str) -> None:
    assert decode(forged) is None


@given(st.text(max_size=60))
def test_bounded_int_reads_only_plain_digits_within_bounds(text: str) -> None:
    value = bounded_int(text)
    if value is not None:
        assert 0 <= value <= MAX_ID
        assert text.isascii() and text.isdigit() and int(text) == value


@given(st.integers(min_value=0, max_value=10**40))
def test_bounded_int_refuses_numbers_past_its_maximum(number: int) -> None:
    assert bounded_int(str(number)) == (number if number <= MAX_ID else None)
    assert bounded_int(str(number), maximum=1000) == (number if number <= 1000 else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7),
        ("+7", None),
        ("-7", None),
        (" 7", None),
        ("٧", None),
        ("2147483647", MAX_ID),
        ("2147483648", None),
        ("1" * 5000, None),
        ("007", 7),
    ],
)
def test_bounded_int_examples(text: str | None, expected: int | None) -> None:
    assert bounded_int(text) == expected


def test_bounded_int_minimum() -> None:
    assert bounded_int("0", minimum=1) is None
    assert bounded_int("1", minimum=1) == 1
