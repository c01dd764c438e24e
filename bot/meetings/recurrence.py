"""Recurrence rules of a cell's meetings and the occurrences they generate.

A rule is "day N of the month", "the nth weekday" or "the last weekday", at a time of day;
monthly, or once a quarter in a given month of the quarter. Each occurrence has a key
("thuong_ky:2026-12", "chuyen_de:2026q4") stored on the generated meeting: generating again
never duplicates, and an occurrence that was moved or cancelled by hand stays as edited.

Day N beyond the month's length means the month's last day ("ngày 31 hằng tháng" falls on
28/02 or 29/02): a cell must meet every month (Điều lệ Điều 24), so no month is skipped.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.meetings.dateparse import WEEKDAY_WORDS, normalize, parse_time_of_day
from storage.models import MeetingKind, MeetingRule, RulePattern

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
ORDINALS = {1: "đầu tiên", 2: "thứ hai", 3: "thứ ba", 4: "thứ tư"}
_WEEKDAY = r"(?:thu\s*(hai|ba|tu|nam|sau|bay|[2-7])|(chu\s*nhat|cn))"
_ORDINAL_WORDS = {"nhat": 1, "1": 1, "hai": 2, "nhi": 2, "2": 2, "ba": 3, "3": 3, "tu": 4, "4": 4}


@dataclass(frozen=True)
class Rule:
    pattern: RulePattern
    at: time
    day: int | None = None  # DAY: 1..31
    nth: int | None = None  # NTH_WEEKDAY: 1..4
    weekday: int | None = None  # 0 = Monday
    quarter_month: int | None = None  # None = monthly; 1..3 = that month of each quarter

    def __post_init__(self) -> None:
        if self.pattern is RulePattern.DAY and not (self.day and 1 <= self.day <= 31):
            raise ValueError("day rule needs 1 <= day <= 31")
        if self.pattern is not RulePattern.DAY and (
            self.weekday is None or not 0 <= self.weekday <= 6
        ):
            raise ValueError("weekday rule needs a weekday")
        if self.pattern is RulePattern.NTH_WEEKDAY and not (self.nth and 1 <= self.nth <= 4):
            raise ValueError("nth weekday rule needs 1 <= nth <= 4")
        if self.quarter_month is not None and self.quarter_month not in (1, 2, 3):
            raise ValueError("quarter_month is 1, 2 or 3")

    @classmethod
    def of(cls, row: MeetingRule) -> Rule:
        return cls(
            pattern=RulePattern(row.pattern),
            at=time(row.hour, row.minute),
            day=row.day,
            nth=row.nth,
            weekday=row.weekday,
            quarter_month=row.quarter_month,
        )

    def applies_to(self, month: int) -> bool:
        return self.quarter_month is None or (month - 1) % 3 == self.quarter_month - 1

    def date_in(self, year: int, month: int) -> date | None:
        """The rule's day in that month, or None if the rule skips the month (quarterly)."""
        if not self.applies_to(month):
            return None
        length = calendar.monthrange(year, month)[1]
        if self.pattern is RulePattern.DAY:
            assert self.day is not None
            return date(year, month, min(self.day, length))
        assert self.weekday is not None
        if self.pattern is RulePattern.LAST_WEEKDAY:
            last = date(year, month, length)
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        assert self.nth is not None
        first = date(year, month, 1)
        first_match = first + timedelta(days=(self.weekday - first.weekday()) % 7)
        return first_match + timedelta(weeks=self.nth - 1)

    def occurrences(
        self, kind: MeetingKind, start: datetime, end: datetime, tz: ZoneInfo
    ) -> list[tuple[str, datetime]]:
        """(occurrence key, aware start) for every occurrence with start <= moment < end."""
        found: list[tuple[str, datetime]] = []
        local = start.astimezone(tz)
        year, month = local.year, local.month
        while True:
            day = self.date_in(year, month)
            if day is not None:
                moment = datetime.combine(day, self.at, tz)
                if moment >= end:
                    break
                if moment >= start:
                    found.append((occurrence_key(kind, self, year, month), moment))
            elif datetime.combine(date(year, month, 1), time(0), tz) >= end:
                break
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def occurrence_key(kind: MeetingKind, rule: Rule, year: int, month: int) -> str:
    if rule.quarter_month is not None:
        return f"{kind.value}:{year}q{(month - 1) // 3 + 1}"
    return f"{kind.value}:{year}-{month:02d}"


def parse_rule(text: str, *, quarter_month: int | None = None) -> Rule:
    """ "thứ Ba đầu tiên 14h", "ngày 5 hằng tháng lúc 8h", "thứ Sáu cuối tháng 19:30"."""
    norm = normalize(text)
    body, at = _split_time(norm)
    body = re.sub(r"\b(hang thang|moi thang|trong thang|cua thang|lan)\b", " ", body)
    body = " ".join(body.split())
    m = re.fullmatch(r"(?:ngay\s+)?cuoi(?:\s+cung)?\s+thang|ngay\s+cuoi(?:\s+cung)?", body)
    if m:
        return Rule(RulePattern.DAY, at, day=31, quarter_month=quarter_month)
    m = re.fullmatch(r"ngay\s+(\d{1,2})", body)
    if m:
        day = int(m.group(1))
        if not 1 <= day <= 31:
            raise InvalidInput("rule_bad_day")
        return Rule(RulePattern.DAY, at, day=day, quarter_month=quarter_month)
    m = re.fullmatch(_WEEKDAY + r"\s+(?:cuoi(?:\s+cung)?(?:\s+thang)?)", body)
    if m:
        return Rule(RulePattern.LAST_WEEKDAY, at, weekday=_weekday(m), quarter_month=quarter_month)
    m = re.fullmatch(
        _WEEKDAY
        + r"\s+(?:(dau\s+tien|dau\s+thang|dau)|(?:tuan\s+)?thu\s+(nhat|nhi|hai|ba|tu|[1-4]))",
        body,
    )
    if m:
        nth = 1 if m.group(3) else _ORDINAL_WORDS[m.group(4)]
        return Rule(
            RulePattern.NTH_WEEKDAY, at, nth=nth, weekday=_weekday(m), quarter_month=quarter_month
        )
    raise InvalidInput("rule_unknown")


def _weekday(m: re.Match[str]) -> int:
    return 6 if m.group(2) else WEEKDAY_WORDS[m.group(1)]


def _split_time(norm: str) -> tuple[str, time]:
    m = re.search(
        r"(?:\blu?c\s+)?(\d{1,2}\s*(?::|h|g|gio)\s*\d{0,2}(?:\s*(?:sang|chieu|toi))?)\s*$", norm
    )
    if not m:
        raise InvalidInput("rule_no_time")
    return norm[: m.start()].strip(), parse_time_of_day(m.group(1))


def describe(rule: Rule) -> str:
    """Vietnamese, e.g. "Thứ Ba đầu tiên hằng tháng, lúc 14h00"."""
    when = f"lúc {rule.at.hour:02d}h{rule.at.minute:02d}"
    if rule.pattern is RulePattern.DAY:
        what = "ngày cuối tháng" if rule.day == 31 else f"ngày {rule.day}"
    elif rule.pattern is RulePattern.LAST_WEEKDAY:
        assert rule.weekday is not None
        what = f"{WEEKDAY_NAMES[rule.weekday]} cuối tháng"
    else:
        assert rule.weekday is not None and rule.nth is not None
        what = f"{WEEKDAY_NAMES[rule.weekday]} {ORDINALS[rule.nth]}"
    if rule.quarter_month is None:
        return f"{what[0].upper()}{what[1:]} hằng tháng, {when}"
    month_word = ("đầu", "giữa", "cuối")[rule.quarter_month - 1]
    return f"{what[0].upper()}{what[1:]}, tháng {month_word} mỗi quý, {when}"


# --- what /taolich offers for the next regular meeting ----------------------------------------
FALLBACK_AT = time(8, 0)  # no rule and no earlier meeting: Saturday mornings
SATURDAY = 5
SEARCH_MONTHS = 2  # this month and the next: further ahead is not "the next meeting"


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def like_meeting(start: datetime, tz: ZoneInfo) -> Rule:
    """The rule an earlier meeting followed, read off its day: "the 1st Tuesday, 14h00"
    (a fifth weekday is read as the last one)."""
    local = start.astimezone(tz)
    nth = (local.day - 1) // 7 + 1
    at = local.time().replace(second=0, microsecond=0, tzinfo=None)
    if nth > 4:
        return Rule(RulePattern.LAST_WEEKDAY, at, weekday=local.weekday())
    return Rule(RulePattern.NTH_WEEKDAY, at, nth=nth, weekday=local.weekday())


def next_regular_month(
    rule: Rule | None, now: datetime, tz: ZoneInfo, held: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """The month whose regular meeting is still to schedule: this one if it holds no regular
    meeting yet and its day (by the rule; any day without one) is still ahead, else the next
    one if free. None: both are scheduled already (a rule generates them ahead)."""
    local = now.astimezone(tz)
    year, month = local.year, local.month
    for _ in range(SEARCH_MONTHS):
        if (year, month) not in held:
            day = rule.date_in(year, month) if rule is not None else None
            last_day = date(year, month, calendar.monthrange(year, month)[1])
            at = rule.at if rule is not None else FALLBACK_AT
            if datetime.combine(day or last_day, at, tz) > now:
                return year, month
        year, month = _month_after(year, month)
    return None


def regular_dates(
    rule: Rule | None, year: int, month: int, now: datetime, tz: ZoneInfo, count: int = 3
) -> list[datetime]:
    """Dates to offer for that month's regular meeting, all ahead: the rule's day first, then
    the same weekday of the month's other weeks (its Saturdays without a rule); too few left
    in that month, the next month's follow."""
    found: list[datetime] = []
    for _ in range(2):
        found += _dates_in(rule, year, month, tz)
        year, month = _month_after(year, month)
    return [moment for moment in found if moment > now][:count]


def _dates_in(rule: Rule | None, year: int, month: int, tz: ZoneInfo) -> list[datetime]:
    length = calendar.monthrange(year, month)[1]
    at = rule.at if rule is not None else FALLBACK_AT
    first = rule.date_in(year, month) if rule is not None else None
    weekday = first.weekday() if first is not None else SATURDAY
    days = [date(year, month, d) for d in range(1, length + 1)]
    same_weekday = [d for d in days if d.weekday() == weekday and d != first]
    return [datetime.combine(d, at, tz) for d in ([first] if first else []) + same_weekday]
