"""Vietnamese free-form dates and times, typed with or without diacritics.

Understands, relative to ``now`` in the cell's time zone:
"14h ngày 5/12", "19:30 5-12-2026", "thứ 3 tuần sau 8 giờ", "8h30 sáng mai",
"chiều thứ sáu", "ngày 5 tháng 12 lúc 14 giờ", "2 giờ rưỡi chiều hôm nay", "CN 7h".

Every failure raises ``InvalidInput`` with a key (``when_*``) that the texts explain; nothing is
guessed silently except the hour of a bare part of the day ("chiều" alone = 14h00), which the
caller shows back for confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.text_input import fold_for_matching

MAX_INPUT = 120
MAX_AHEAD_DAYS = 2 * 366

# Default hour when only a part of the day is given ("chiều thứ Sáu").
PART_DEFAULTS: dict[str, time] = {
    "sang": time(8, 0),
    "trua": time(12, 0),
    "chieu": time(14, 0),
    "toi": time(19, 30),
}
WEEKDAY_WORDS: dict[str, int] = {
    "hai": 0,
    "2": 0,
    "ba": 1,
    "3": 1,
    "tu": 2,
    "4": 2,
    "nam": 3,
    "5": 3,
    "sau": 4,
    "6": 4,
    "bay": 5,
    "7": 5,
}
NUMERIC_DATE = r"(?<![\d:])(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*(\d{4}|\d{2}))?(?![\d:])"
FILLER = {"luc", "vao", "ngay", "thang", "nam", "hang", "gio", "l", "va", "buoi", "nhe", "a", "cua"}


def normalize(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces; keeps digits and / - . : separators."""
    text = re.sub(r"[,;!?()\[\]]", " ", fold_for_matching(text))
    return " ".join(text.split())


@dataclass(frozen=True)
class ParsedWhen:
    day: date | None
    at: time | None
    assumed_time: bool = False  # the hour came from a bare part of the day


class _Scan:
    """The text with recognised pieces cut out, so that leftovers can be reported."""

    def __init__(self, text: str) -> None:
        self.text = f" {text} "

    def take(self, pattern: str) -> re.Match[str] | None:
        match = re.search(pattern, self.text)
        if match:
            self.text = self.text[: match.start()] + " " + self.text[match.end() :]
        return match

    def leftovers(self) -> list[str]:
        words = re.split(r"[\s/\-.:]+", self.text)
        return [w for w in words if w and w not in FILLER]


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    value = int(raw)
    return value + 2000 if value < 100 else value


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("when_bad_date") from None


def _make_time(hour: int, minute: int) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput("when_bad_time")
    return time(hour, minute)


def _add_month(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> ParsedWhen:
    """Split the text into a day and a time of day; either may be missing."""
    if not text or not text.strip():
        raise InvalidInput("when_empty")
    if len(text) > MAX_INPUT:
        raise InvalidInput("when_unknown")
    scan = _Scan(normalize(text))
    today = now.astimezone(tz).date()
    day: date | None = None
    explicit_year = False
    month_only_guess: tuple[int, int] | None = None  # (month, day) without a year

    # Dates written with numbers: 5/12, 05-12-2026, 5.12.26
    m = scan.take(NUMERIC_DATE)
    if m is None:
        m = scan.take(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+(?:nam\s+)?(\d{4}))?\b")
    if m is not None:
        d, mo, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if y is not None:
            day, explicit_year = _make_date(y, mo, d), True
        else:
            month_only_guess = (mo, d)
            day = _make_date(today.year if (mo, d) != (2, 29) else _leap_from(today.year), mo, d)

    # Time of day: 14h, 14h00, 8h30, 8 gio 30, 19:30, 8 gio ruoi, 14g
    at: time | None = None
    m = scan.take(r"(?<![\d/])(\d{1,2})\s*:\s*(\d{2})(?![\d/])")
    if m is None:
        m = scan.take(
            r"(?<![\d/])(\d{1,2})\s*(?:h|g|gio)\b\s*(?:(\d{1,2})\s*(?:phut|p)?\b|(ruoi)\b)?"
            r"|(?<![\d/])(\d{1,2})(?:h|g)(\d{2})\b"
        )
        if m is not None and m.group(4):
            at = _make_time(int(m.group(4)), int(m.group(5)))
            m = None
    if m is not None:
        minute = int(m.group(2)) if m.group(2) else 0
        if m.lastindex and m.lastindex >= 3 and m.group(3):
            minute = 30
        at = _make_time(int(m.group(1)), minute)

    week = scan.take(r"\btuan\s+(sau|toi|nay|nua)\b")
    part_match = scan.take(r"\b(sang|trua|chieu|toi|dem)\b")
    part = part_match.group(1) if part_match else None
    assumed = False
    afternoon = (
        (part in ("chieu", "toi", "dem") and 1 <= at.hour <= 11)
        or (part == "trua" and 1 <= at.hour <= 2)
        if at is not None
        else False
    )
    if at is not None and afternoon:
        at = time(at.hour + 12, at.minute)
    elif at is None and part in PART_DEFAULTS:
        at, assumed = PART_DEFAULTS[part], True

    # Weekdays, with "tuần sau" / "tuần tới" / "tuần này"
    m = scan.take(r"\b(?:thu\s*(hai|ba|tu|nam|sau|bay|[2-7])|t([2-7])|(chu\s*nhat|cn))\b")
    if m is not None:
        weekday = 6 if m.group(3) else WEEKDAY_WORDS[m.group(1) or m.group(2)]
        if week is not None and week.group(1) in ("sau", "toi"):
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            day = monday + timedelta(days=weekday)
        elif week is not None:
            day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
        else:
            day = today + timedelta(days=(weekday - today.weekday()) % 7)
            if day == today and at is not None and datetime.combine(day, at, tz) <= now:
                day += timedelta(days=7)
        month_only_guess = None
    elif week is not None:
        raise InvalidInput("when_unknown")

    # Relative days
    if scan.take(r"\bhom nay\b|\bnay\b"):
        day = today
    elif scan.take(r"\b(?:ngay\s+)?mai\b"):
        day = today + timedelta(days=1)
    elif scan.take(r"\b(?:ngay\s+kia|ngay\s+mot|mot)\b"):
        day = today + timedelta(days=2)

    # "ngày 5" alone: the next 5th
    if day is None:
        m = scan.take(r"\bngay\s+(\d{1,2})\b")
        if m is not None:
            n = int(m.group(1))
            if not 1 <= n <= 31:
                raise InvalidInput("when_bad_date")
            year, month = today.year, today.month
            for _ in range(3):
                try:
                    candidate = date(year, month, n)
                except ValueError:
                    candidate = None
                if candidate is not None and candidate >= today:
                    day = candidate
                    break
                year, month = _add_month(date(year, month, 1))
            if day is None:
                raise InvalidInput("when_bad_date")

    if scan.leftovers():
        raise InvalidInput("when_unknown")
    if day is None and at is None:
        raise InvalidInput("when_unknown")

    # A day and month without a year: the next such date, this year or the next.
    if month_only_guess is not None and day is not None and not explicit_year:
        moment = datetime.combine(day, at or time(23, 59), tz)
        if moment <= now:
            mo, d = month_only_guess
            day = _make_date(
                day.year + 1 if (mo, d) != (2, 29) else _leap_from(day.year + 1), mo, d
            )
    return ParsedWhen(day, at, assumed)


def _leap_from(year: int) -> int:
    while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        year += 1
    return year


def parse_datetime(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, bool]:
    """A future moment (aware, in ``tz``) and whether its hour was assumed; or ``InvalidInput``."""
    parsed = parse_when(text, now=now, tz=tz)
    if parsed.day is None:
        raise InvalidInput("when_no_date")
    if parsed.at is None:
        raise InvalidInput("when_no_time")
    moment = datetime.combine(parsed.day, parsed.at, tz)
    if moment <= now:
        raise InvalidInput("when_past")
    if moment - now > timedelta(days=MAX_AHEAD_DAYS):
        raise InvalidInput("when_too_far")
    return moment, parsed.assumed_time


def parse_time_of_day(text: str) -> time:
    """Only a time ("14h", "19:30", "8 giờ sáng"); used for rules and settings."""
    fixed_now = datetime(2000, 1, 3, tzinfo=ZoneInfo("UTC"))
    parsed = parse_when(text, now=fixed_now, tz=ZoneInfo("UTC"))
    if parsed.at is None or parsed.day is not None:
        raise InvalidInput("when_bad_time")
    return parsed.at
