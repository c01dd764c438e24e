"""Which month and days /taolich offers for the next regular meeting (issue #12 point 7)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import ManualClock
from bot.meetings.recurrence import (
    Rule,
    like_meeting,
    next_regular_month,
    parse_rule,
    regular_dates,
)
from bot.services import Services
from storage.models import Meeting, MeetingKind, RulePattern
from tests.builders import SECRETARY, build_cell

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 1, tzinfo=UTC)  # Friday 27/11/2026, 08:00 in Hà Nội
FIRST_TUESDAY = Rule(RulePattern.NTH_WEEKDAY, time(14), nth=1, weekday=1)


def test_this_months_day_past_means_next_month() -> None:
    assert next_regular_month(FIRST_TUESDAY, NOW, VN, set()) == (2026, 12)
    last_day = Rule(RulePattern.DAY, time(14), day=31)
    assert next_regular_month(last_day, NOW, VN, set()) == (2026, 11)  # 30/11 is ahead
    assert next_regular_month(last_day, NOW, VN, {(2026, 11)}) == (2026, 12)
    assert next_regular_month(None, NOW, VN, {(2026, 11)}) == (2026, 12)
    assert next_regular_month(None, NOW, VN, {(2026, 11), (2026, 12)}) is None  # both scheduled


def test_dates_follow_the_rule_in_that_month_then_the_next() -> None:
    dates = regular_dates(FIRST_TUESDAY, 2026, 12, NOW, VN)
    assert [d.strftime("%d/%m %H:%M") for d in dates] == [
        "01/12 14:00",
        "08/12 14:00",
        "15/12 14:00",
    ]
    saturdays = regular_dates(None, 2026, 11, NOW, VN)
    assert [d.strftime("%d/%m") for d in saturdays] == ["28/11", "05/12", "12/12"]
    assert all(
        d > NOW for d in regular_dates(parse_rule("ngày 27 hằng tháng 7h"), 2026, 11, NOW, VN)
    )


def test_last_meeting_read_as_a_rule() -> None:
    assert like_meeting(datetime(2026, 11, 3, 14, tzinfo=VN), VN) == FIRST_TUESDAY
    fifth = like_meeting(datetime(2026, 12, 29, 8, tzinfo=VN), VN)  # the 5th Tuesday
    assert fifth == Rule(RulePattern.LAST_WEEKDAY, time(8), weekday=1)


async def test_service_skips_months_the_rule_already_filled(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=1)
    await services.meetings.set_rule(
        SECRETARY, MeetingKind.REGULAR, parse_rule("thứ Ba đầu tiên 14h"), place="Hội trường"
    )
    suggestion = await services.meetings.next_regular(SECRETARY)
    # The rule generated December's and January's: nothing to schedule, the next one is said.
    assert suggestion.starts == () and suggestion.place == "Hội trường"
    assert suggestion.scheduled == datetime(2026, 12, 1, 14, tzinfo=VN)
    starts = await services.meetings.suggested_starts(SECRETARY, MeetingKind.REGULAR)
    assert starts[0] == datetime(2026, 12, 1, 14, tzinfo=VN)  # by hand: the rule's next days
    await services.meetings.cancel(SECRETARY, (await _first_regular(services)))
    freed = await services.meetings.next_regular(SECRETARY)
    assert (freed.year, freed.month) == (2026, 12)  # December's was cancelled: offered again
    assert freed.starts[0] == datetime(2026, 12, 1, 14, tzinfo=VN)


async def _first_regular(services: Services) -> int:
    async with services.db.session() as session:
        found = await session.scalar(select(Meeting.id).order_by(Meeting.starts_at))
    assert found is not None
    return found
