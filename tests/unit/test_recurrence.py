"""Recurrence rules: month ends, February, leap years, last weekday, quarters (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput
from bot.meetings.recurrence import Rule, describe, parse_rule
from storage.models import MeetingKind, RulePattern

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def days(rule: Rule, year: int) -> list[date | None]:
    return [rule.date_in(year, month) for month in range(1, 13)]


def test_day_31_falls_on_the_last_day_of_short_months() -> None:
    rule = Rule(RulePattern.DAY, time(14), day=31)
    got = days(rule, 2026)
    assert got[1] == date(2026, 2, 28)
    assert got[3] == date(2026, 4, 30)
    assert got[0] == date(2026, 1, 31)
    assert rule.date_in(2028, 2) == date(2028, 2, 29)  # leap year
    assert rule.date_in(2100, 2) == date(2100, 2, 28)  # not a leap year
    assert rule.date_in(2000, 2) == date(2000, 2, 29)  # divisible by 400


def test_day_29_and_30_in_february() -> None:
    assert Rule(RulePattern.DAY, time(8), day=30).date_in(2027, 2) == date(2027, 2, 28)
    assert Rule(RulePattern.DAY, time(8), day=29).date_in(2028, 2) == date(2028, 2, 29)


def test_first_tuesday_matches_the_calendar() -> None:
    rule = Rule(RulePattern.NTH_WEEKDAY, time(19, 30), nth=1, weekday=1)
    assert days(rule, 2026)[:4] == [
        date(2026, 1, 6),
        date(2026, 2, 3),
        date(2026, 3, 3),
        date(2026, 4, 7),
    ]
    # A month that starts on the weekday itself.
    assert rule.date_in(2026, 12) == date(2026, 12, 1)


def test_fourth_weekday_always_exists() -> None:
    rule = Rule(RulePattern.NTH_WEEKDAY, time(8), nth=4, weekday=6)
    for month in range(1, 13):
        found = rule.date_in(2027, month)
        assert found is not None and found.weekday() == 6 and 22 <= found.day <= 28


def test_last_friday() -> None:
    rule = Rule(RulePattern.LAST_WEEKDAY, time(14), weekday=4)
    assert days(rule, 2026)[:4] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
        date(2026, 4, 24),
    ]
    # February of a leap year ending on the weekday.
    assert Rule(RulePattern.LAST_WEEKDAY, time(8), weekday=1).date_in(2028, 2) == date(2028, 2, 29)


def test_quarterly_rule_skips_other_months() -> None:
    rule = Rule(RulePattern.LAST_WEEKDAY, time(14), weekday=4, quarter_month=3)
    got = days(rule, 2026)
    assert [i + 1 for i, d in enumerate(got) if d is not None] == [3, 6, 9, 12]


def test_occurrences_between_dates_have_stable_keys() -> None:
    rule = Rule(RulePattern.DAY, time(14), day=5)
    start = datetime(2026, 11, 27, 1, tzinfo=UTC)
    end = datetime(2027, 3, 1, tzinfo=UTC)
    found = rule.occurrences(MeetingKind.REGULAR, start, end, VN)
    assert [key for key, _ in found] == [
        "thuong_ky:2026-12",
        "thuong_ky:2027-01",
        "thuong_ky:2027-02",
    ]
    assert found[0][1] == datetime(2026, 12, 5, 14, tzinfo=VN)
    assert found[0][1].astimezone(UTC).hour == 7


def test_quarterly_occurrences_are_keyed_by_quarter() -> None:
    rule = Rule(RulePattern.NTH_WEEKDAY, time(8), nth=2, weekday=5, quarter_month=2)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = rule.occurrences(MeetingKind.THEMATIC, start, datetime(2027, 1, 1, tzinfo=UTC), VN)
    assert [key for key, _ in found] == [
        "chuyen_de:2026q1",
        "chuyen_de:2026q2",
        "chuyen_de:2026q3",
        "chuyen_de:2026q4",
    ]
    assert [moment.month for _, moment in found] == [2, 5, 8, 11]


def test_an_occurrence_earlier_today_is_not_generated() -> None:
    rule = Rule(RulePattern.DAY, time(7), day=27)  # 07:00 27/11, it is 08:00 now
    start = datetime(2026, 11, 27, 1, tzinfo=UTC)
    found = rule.occurrences(MeetingKind.REGULAR, start, datetime(2027, 1, 1, tzinfo=UTC), VN)
    assert [key for key, _ in found] == ["thuong_ky:2026-12"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thứ Ba đầu tiên 14h", Rule(RulePattern.NTH_WEEKDAY, time(14), nth=1, weekday=1)),
        (
            "thu ba dau tien luc 19:30",
            Rule(RulePattern.NTH_WEEKDAY, time(19, 30), nth=1, weekday=1),
        ),
        ("Thứ Hai thứ hai 8h", Rule(RulePattern.NTH_WEEKDAY, time(8), nth=2, weekday=0)),
        ("thứ 7 tuần thứ 3 lúc 8h", Rule(RulePattern.NTH_WEEKDAY, time(8), nth=3, weekday=5)),
        ("ngày 5 hằng tháng lúc 8h", Rule(RulePattern.DAY, time(8), day=5)),
        ("ngày 5 14h00", Rule(RulePattern.DAY, time(14), day=5)),
        ("thứ Sáu cuối tháng 2 giờ chiều", Rule(RulePattern.LAST_WEEKDAY, time(14), weekday=4)),
        ("chủ nhật cuối cùng 8h", Rule(RulePattern.LAST_WEEKDAY, time(8), weekday=6)),
        ("cuối tháng 16h", Rule(RulePattern.DAY, time(16), day=31)),
    ],
)
def test_parse_rule(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("thứ Ba đầu tiên", "rule_no_time"),
        ("ngày 35 8h", "rule_bad_day"),
        ("mỗi khi rảnh 8h", "rule_unknown"),
        ("thứ Ba thứ năm 8h", "rule_unknown"),  # no 5th weekday in every month
    ],
)
def test_parse_rule_errors(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_rule(text)
    assert info.value.args[0] == key


def test_describe() -> None:
    assert describe(parse_rule("thứ Ba đầu tiên 14h")) == ("Thứ Ba đầu tiên hằng tháng, lúc 14h00")
    assert describe(parse_rule("ngày 5 8h", quarter_month=1)) == (
        "Ngày 5, tháng đầu mỗi quý, lúc 08h00"
    )
