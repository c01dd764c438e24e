"""Vietnamese free-form dates and times (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput
from bot.meetings.dateparse import normalize, parse_datetime, parse_time_of_day

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # Friday 27/11/2026 08:00 in Hà Nội


def at(text: str, now: datetime = NOW) -> datetime:
    moment, _ = parse_datetime(text, now=now, tz=VN)
    return moment


def vn(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14h ngày 5/12", vn(2026, 12, 5, 14)),
        ("14h ngay 5/12", vn(2026, 12, 5, 14)),
        ("19:30 5-12-2026", vn(2026, 12, 5, 19, 30)),
        ("5/12/2026 19:30", vn(2026, 12, 5, 19, 30)),
        ("05.12.26 lúc 7h", vn(2026, 12, 5, 7)),
        ("thứ 3 tuần sau 8 giờ", vn(2026, 12, 1, 8)),
        ("thu 3 tuan sau 8 gio", vn(2026, 12, 1, 8)),
        ("Thứ Ba tuần tới lúc 8h", vn(2026, 12, 1, 8)),
        ("8h30 sáng mai", vn(2026, 11, 28, 8, 30)),
        ("8h30 sang mai", vn(2026, 11, 28, 8, 30)),
        ("chiều thứ sáu tuần sau", vn(2026, 12, 4, 14)),
        ("2 giờ chiều thứ Bảy", vn(2026, 11, 28, 14)),
        ("2 giờ rưỡi chiều nay", vn(2026, 11, 27, 14, 30)),
        ("ngày 5 tháng 12 lúc 14 giờ", vn(2026, 12, 5, 14)),
        ("14 giờ 15 phút ngày 5 tháng 12 năm 2026", vn(2026, 12, 5, 14, 15)),
        ("CN 7h", vn(2026, 11, 29, 7)),
        ("T7 19h", vn(2026, 11, 28, 19)),
        ("tối chủ nhật", vn(2026, 11, 29, 19, 30)),
        ("ngày 5 lúc 14h00", vn(2026, 12, 5, 14)),
        ("14h00 ngày 30", vn(2026, 11, 30, 14)),
        ("7h tối 3/1", vn(2027, 1, 3, 19)),  # January is next year
        ("14H NGÀY 5/12", vn(2026, 12, 5, 14)),
        ("14g 5/12", vn(2026, 12, 5, 14)),
    ],
)
def test_understood(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_friday_this_week_when_time_still_ahead() -> None:
    # It is Friday 08:00: "thứ Sáu 14h" is today, "thứ Sáu 7h" is next week.
    assert at("thứ sáu 14h") == vn(2026, 11, 27, 14)
    assert at("thứ sáu 7h") == vn(2026, 12, 4, 7)


def test_date_without_year_already_past_rolls_to_next_year() -> None:
    assert at("14h 20/11") == vn(2027, 11, 20, 14)


def test_leap_day_without_year_goes_to_next_leap_year() -> None:
    assert at("29/2 8h") == vn(2028, 2, 29, 8)


def test_the_bare_part_of_day_is_reported_as_assumed() -> None:
    moment, assumed = parse_datetime("chiều thứ hai", now=NOW, tz=VN)
    assert moment == vn(2026, 11, 30, 14) and assumed
    _, assumed = parse_datetime("14h thứ hai", now=NOW, tz=VN)
    assert not assumed


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "when_empty"),
        ("   ", "when_empty"),
        ("ngày mai", "when_no_time"),
        ("5/12", "when_no_time"),
        ("14h", "when_no_date"),
        ("31/2 14h", "when_bad_date"),
        ("30/2/2027 8h", "when_bad_date"),
        ("25h 5/12", "when_bad_time"),
        ("14h61 5/12", "when_bad_time"),
        ("14h 5/12/2025", "when_past"),
        ("7h hôm nay", "when_past"),
        ("14h 5/12/2030", "when_too_far"),
        ("họp chi bộ", "when_unknown"),
        ("14h ngày 5/12 ở hội trường", "when_unknown"),
        ("x" * 500, "when_unknown"),
        ("🙂🙂", "when_unknown"),
        ("ngày 45 8h", "when_bad_date"),
    ],
)
def test_errors_name_what_is_wrong(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_datetime(text, now=NOW, tz=VN)
    assert info.value.args[0] == key


def test_time_of_day() -> None:
    assert parse_time_of_day("19:30") == time(19, 30)
    assert parse_time_of_day("2 giờ chiều") == time(14, 0)
    assert parse_time_of_day("8h") == time(8, 0)
    with pytest.raises(InvalidInput):
        parse_time_of_day("5/12 8h")


def test_normalize_strips_diacritics() -> None:
    assert normalize("Thứ Ba, ĐẦU tiên!") == "thu ba dau tien"


def test_relative_to_the_cells_time_zone() -> None:
    # 23:30 UTC on 27/11 is already 28/11 06:30 in Hà Nội: "mai" is 29/11.
    late = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert at("8h mai", late) == vn(2026, 11, 29, 8)
