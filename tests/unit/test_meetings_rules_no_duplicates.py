"""/caidat never duplicates a meeting: a rule's occurrence on a slot a meeting already holds is
not created again, and a day that already has a meeting at another hour is pointed out."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.meetings.drafts import MeetingDraft
from bot.meetings.recurrence import Rule, RulePattern
from bot.services import Services
from storage.models import Meeting, MeetingKind, MeetingStatus
from tests.builders import SECRETARY, build_cell

VN = ZoneInfo("Asia/Ho_Chi_Minh")
JAN5 = datetime(2027, 1, 5, 14, 0, tzinfo=VN)
DAY_5_AT_14 = Rule(RulePattern.DAY, time(14), day=5)


async def _starts(services: Services) -> list[datetime]:
    async with services.db.session() as session:
        query = select(Meeting).where(Meeting.status == MeetingStatus.SCHEDULED)
        return [m.starts_at for m in await session.scalars(query.order_by(Meeting.starts_at))]


async def test_a_rule_never_duplicates_a_meeting_made_by_hand_for_the_same_slot(
    services: Services,
) -> None:
    await build_cell(services.db, members=2)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, JAN5))
    _, generated = await services.meetings.set_rule(SECRETARY, MeetingKind.REGULAR, DAY_5_AT_14)
    starts = await _starts(services)
    assert starts.count(JAN5) == 1 and len(starts) == len(set(starts)) == 3
    assert generated.created == 2 and generated.already_there == 1
    assert await services.meetings.maintain() == 0
    assert await _starts(services) == starts


async def test_a_cancelled_hand_made_meeting_is_not_brought_back_by_the_rule(
    services: Services,
) -> None:
    await build_cell(services.db, members=2)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, JAN5))
    await services.meetings.set_rule(SECRETARY, MeetingKind.REGULAR, DAY_5_AT_14)
    await services.meetings.cancel(SECRETARY, change.meeting.id)
    await services.meetings.maintain()
    assert JAN5 not in await _starts(services)


async def test_a_rule_points_out_a_day_that_already_has_a_meeting_at_another_hour(
    services: Services,
) -> None:
    await build_cell(services.db, members=2)
    morning = JAN5.replace(hour=8)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.EXTRAORDINARY, morning))
    _, generated = await services.meetings.set_rule(SECRETARY, MeetingKind.REGULAR, DAY_5_AT_14)
    assert generated.created == 3 and generated.same_day == (JAN5,)
