"""Hypothesis against the pure functions every input passes through: the callback codec, the
text cleaner, the date parser and the limits helpers. Fixed example counts, derandomized, so
a failure reproduces and CI time is known."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery.callbacks import MAX_CALLBACK_BYTES, CallbackData, decode
from bot.delivery.limits import MAX_CALLBACK_ANSWER, MAX_TEXT, shorten, split_text, telegram_length
from bot.errors import InvalidInput
from bot.meetings.dateparse import MAX_AHEAD_DAYS, parse_datetime, parse_time_of_day
from bot.text_input import clean_text, fold_for_matching
from tests.attack.forgery import SAMPLE_TEXTS

EXAMPLES = 300
fixed = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
# any text, with the ingredients attackers use mixed in
hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(SAMPLE_TEXTS),
    st.lists(st.sampled_from(SAMPLE_TEXTS), max_size=4).map("".join),
)
routes = st.from_regex(r"[a-z]{1,6}", fullmatch=True)


@fixed
@given(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: b.decode("latin-1"))))
def test_the_codec_decodes_any_data_without_raising(data: str) -> None:
    decoded = decode(data)
    if decoded is not None:
        assert decoded.id >= 0
        assert CallbackData(decoded.route, decoded.id, decoded.arg).encode() == data


@fixed
@given(
    routes,
    st.integers(min_value=0, max_value=10**18 - 1),
    st.none() | st.from_regex(r"[a-z0-9_]{1,40}", fullmatch=True),
)
def test_what_the_codec_encodes_it_decodes_within_64_bytes(
    route: str, id_: int, arg: str | None
) -> None:
    data = CallbackData(route, id_, arg)
    try:
        encoded = data.encode()
    except ValueError:
        return  # too long: refused when the button is built, never sent
    assert len(encoded.encode()) <= MAX_CALLBACK_BYTES
    assert decode(encoded) == data


@fixed
@given(hostile, st.integers(min_value=1, max_value=5000))
def test_cleaned_text_has_no_control_characters_and_respects_the_limit(
    raw: str, limit: int
) -> None:
    try:
        text = clean_text(raw, limit=limit, empty_key="empty", long_key="long")
    except InvalidInput as exc:
        assert exc.args[0] in ("empty", "long")
        return
    assert text and len(text) <= limit
    assert text == text.strip()
    assert "\x00" not in text
    assert all(ch in "\n\t" or unicodedata.category(ch)[0] != "C" for ch in text)
    fold_for_matching(text)  # every cleaned text can be matched


@fixed
@given(hostile)
def test_the_date_parser_answers_any_text_with_a_date_in_bounds_or_a_polite_error(
    text: str,
) -> None:
    try:
        moment, _ = parse_datetime(text, now=NOW, tz=TZ)
    except InvalidInput as exc:
        assert str(exc.args[0]).startswith("when_")
    else:
        assert NOW < moment <= NOW + timedelta(days=MAX_AHEAD_DAYS)
    try:
        parse_time_of_day(text)
    except InvalidInput as exc:
        assert str(exc.args[0]).startswith("when_")


@fixed
@given(
    hostile,
    st.sampled_from((1, 2, 3, 10, MAX_CALLBACK_ANSWER, 1024, MAX_TEXT)),
    st.text(max_size=40),
)
def test_shorten_always_fits_its_limit(text: str, limit: int, pointer: str) -> None:
    short = shorten(text, limit, pointer=pointer)
    assert telegram_length(short) <= limit
    if telegram_length(text) <= limit:
        assert short == text


@fixed
@given(st.lists(hostile, max_size=12).map("\n".join), st.sampled_from((10, 200, MAX_TEXT)))
def test_split_text_parts_fit_and_keep_the_text_in_order(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(telegram_length(part) <= limit for part in parts)
    # nothing is lost: the parts, joined where they were split, are the text
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
