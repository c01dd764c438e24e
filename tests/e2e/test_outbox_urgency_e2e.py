"""Urgency first over HTTP (issue #13, points 4 and 8): the bot comes back from downtime to a
small backlog of reminders for three cells, at a reduced send rate (4 messages a second)
against the fake Bot API enforcing Telegram's limits. The two-hour reminders of the soonest
meeting go out before the three-day reminders that were due earlier, and the two cells whose
meetings start at the same time take turns: the second cell is not held back by the first
cell's nine copies. Nothing meets 429 and nothing is sent twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from bot.app import stop_application
from bot.meetings.drafts import MeetingDraft
from bot.settings import Settings
from storage.enums import MeetingKind
from tests.builders import CellWithMembers, build_cell
from tests.e2e.conftest import Harness

RATE = 4.0  # messages a second: a backlog of 19 takes about five seconds
REMINDER = "🔔 Nhắc lịch"


@pytest.fixture
def settings() -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, telegram_bot_token=None, send_rate_per_second=RATE
    )


def _tids(cell: CellWithMembers) -> list[int]:
    return [cell.secretary_tid, *cell.member_tids]


async def _cell(harness: Harness, name: str, secretary_tid: int, members: int) -> CellWithMembers:
    cell = await build_cell(
        harness.services.db,
        name=name,
        secretary_tid=secretary_tid,
        members=members,
        tid_base=secretary_tid + 1,
        group_chat_id=None,
    )
    for tid in _tids(cell):
        harness.api.user(tid, f"Đảng viên {tid}", started=True)
    return cell


async def _notices_delivered(harness: Harness, people: list[int]) -> None:
    """Each new meeting's notice reaches its members while the bot is up."""
    harness.services.wake_outbox()
    await harness.api.wait_until(
        lambda: all(harness.api.messages(tid) for tid in people),
        timeout=30,
    )
    await harness.api.wait_idle(quiet=1.5)


@pytest.mark.timeout(90)
async def test_after_downtime_the_soonest_meeting_goes_first_and_cells_take_turns(
    harness: Harness,
) -> None:
    harness.api.enforce_limits = True
    t0 = harness.clock.now()
    agency = await _cell(harness, "Chi bộ Văn phòng Sở", 3000, 8)  # 9 people
    school = await _cell(harness, "Chi bộ Trường Tiểu học", 4000, 5)  # 6 people
    ward = await _cell(harness, "Chi bộ Khu phố 3", 5000, 3)  # 4 people
    meetings = harness.services.meetings
    # Planned an hour ahead: the agency's and the school's three-day reminders are due at
    # t0 + 1 h, the ward's two-hour reminder five minutes later.
    for cell, starts in (
        (agency, t0 + timedelta(days=3, hours=1)),
        (school, t0 + timedelta(days=3, hours=1)),
        (ward, t0 + timedelta(hours=3, minutes=5)),
    ):
        draft = MeetingDraft(MeetingKind.REGULAR, starts, place="Hội trường")
        await meetings.create(cell.secretary_tid, draft)
    everyone = [*_tids(agency), *_tids(school), *_tids(ward)]
    await _notices_delivered(harness, [*agency.member_tids, *school.member_tids, *ward.member_tids])

    await stop_application(harness.app)  # down before the reminders are due ...
    harness.clock.advance(timedelta(hours=1, minutes=5))  # ... and up when all of them are
    before = len(harness.api.requests)
    await harness.restart()  # the fixture stops this one
    harness.services.wake_outbox()

    def reminders() -> list[int]:
        return [
            int(params["chat_id"])
            for method, params in harness.api.requests[before:]
            if method == "sendMessage" and REMINDER in str(params.get("text", ""))
        ]

    await harness.api.wait_until(lambda: len(reminders()) >= len(everyone), timeout=60)
    await harness.api.wait_idle(quiet=1.5)
    order = reminders()
    assert Counter(order) == Counter(everyone)  # each person once, nobody twice
    assert harness.api.stats.rate_limited == 0

    # The members' order (a secretary also gets the committee's task for the meeting, which
    # the limit of one message a second per chat spaces from the reminder).
    members = [tid for tid in order if tid not in {agency.secretary_tid, school.secretary_tid}]
    members = [tid for tid in members if tid != ward.secretary_tid]
    # Due last, sent first: the two-hour reminders of the soonest meeting.
    ward_members = set(ward.member_tids)
    assert set(members[: len(ward_members)]) == ward_members
    # Same tier, same start: the cells take turns. Ordered by due time (or by id) the
    # agency's eight copies would all go before the school's first. (Concurrent sends may
    # swap neighbours: on PostgreSQL each send also takes a slot of the bot-wide budget.)
    rest = members[len(ward_members) :]
    school_members = set(school.member_tids)
    assert rest[0] in school_members or rest[1] in school_members
    assert len(school_members.intersection(rest[:10])) >= 4
    # On time after the downtime (within five minutes of due): the planned lead is said.
    for tid in _tids(ward):
        text = next(m["text"] for m in harness.api.messages(tid) if REMINDER in m.get("text", ""))
        assert "2 giờ" in text
