"""The reminder rule of bot/members/reminder_prefs.py, as planning applies it (member_rows,
shared_rows of bot/meetings/reminders.py): pure, no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.reminders import (
    COMMITTEE_TASK,
    NUDGE,
    REMINDER,
    member_rows,
    shared_rows,
)
from bot.members.reminder_prefs import FOREVER, required_leads
from storage.models import (
    AttendanceAnswer,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberState,
    Role,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=VN)
LEADS = [3 * 1440, 1440, 120]


def _cell(**rule: object) -> Cell:
    return Cell(id=1, name="Chi bộ", timezone="Asia/Ho_Chi_Minh", reminder_leads=LEADS, **rule)


def _member(role: Role = Role.MEMBER, **choices: object) -> Member:
    return Member(
        id=7,
        cell_id=1,
        telegram_id=4000,
        full_name="Nguyễn Văn An",
        role=role,
        state=MemberState.ACTIVE,
        can_dm=True,
        **choices,
    )


MEETING = Meeting(
    id=1, cell_id=1, kind=MeetingKind.REGULAR, status=MeetingStatus.SCHEDULED, starts_at=DEC5
)


def _planned(cell: Cell, member: Member) -> list[tuple[str, int | None]]:
    rows = member_rows(MEETING, cell, [member], {}, NOW)
    return [(row.kind, row.payload.get("lead")) for row in rows]


def test_required_leads_default_to_the_last_and_one_always_stays() -> None:
    assert required_leads(_cell(), LEADS) == {120}
    assert required_leads(_cell(reminder_required_leads=[1440, 9999]), LEADS) == {1440}
    assert required_leads(_cell(reminder_required_leads=[9999]), LEADS) == {120}  # gone lead


def test_turned_off_leads_are_not_planned_but_a_required_one_always_is() -> None:
    member = _member(reminder_off_leads=[4320, 120])  # 120 is required: it stays
    assert _planned(_cell(), member) == [(REMINDER, 1440), (REMINDER, 120), (NUDGE, None)]


def test_a_pause_until_a_day_stops_what_is_due_by_its_end_and_then_reminders_come_again() -> None:
    # Paused to the end of 04/12: the 3-day (02/12) and 1-day (04/12) reminders and the nudge
    # (03/12) are not planned; the 2-hour one, due on 05/12, is.
    member = _member(reminders_paused_until=date(2026, 12, 4))
    assert _planned(_cell(), member) == [(REMINDER, 120)]
    member = _member(reminders_paused_until=date(2026, 12, 3))
    assert _planned(_cell(), member) == [(REMINDER, 1440), (REMINDER, 120)]
    assert _planned(_cell(), _member(reminders_paused_until=FOREVER)) == []


def test_a_pause_counts_only_while_the_cell_allows_pausing() -> None:
    member = _member(reminders_paused_until=FOREVER)
    planned = _planned(_cell(reminder_pause_allowed=False), member)
    assert planned == [(REMINDER, 4320), (REMINDER, 1440), (REMINDER, 120), (NUDGE, None)]


def test_the_committees_tasks_ignore_the_members_choices() -> None:
    secretary = _member(Role.SECRETARY, reminders_paused_until=FOREVER, reminder_off_leads=[4320])
    rows = shared_rows(MEETING, _cell(), [secretary], NOW - timedelta(days=1))
    tasks = sorted(row.payload["task"] for row in rows if row.kind == COMMITTEE_TASK)
    assert tasks == ["documents", "prepare"]
    assert _planned(_cell(), secretary) == []


@pytest.mark.timeout(10)
def test_members_planned_together_each_get_their_own_choice() -> None:
    """member_rows asks the rule once per distinct choice: members planned in one call, their
    choices interleaved, get exactly the rows each would get alone (answers still per member)."""
    choices: list[dict[str, object]] = [
        {},
        {"reminder_off_leads": [4320]},
        {},
        {"reminders_paused_until": FOREVER},
        {"reminder_off_leads": [4320]},
        {"reminders_paused_until": date(2026, 12, 4)},
        {},
    ]
    members = [_member(**choice) for choice in choices]
    for i, member in enumerate(members):
        member.id, member.telegram_id = 100 + i, 5000 + i
    answers = {102: AttendanceAnswer.NO, 106: AttendanceAnswer.YES}
    together = member_rows(MEETING, _cell(), members, answers, NOW)
    alone = [row for m in members for row in member_rows(MEETING, _cell(), [m], answers, NOW)]
    assert together == alone
    kinds = {(r.member_id, r.kind, r.payload.get("lead")) for r in together}
    assert (101, REMINDER, 4320) not in kinds and (100, REMINDER, 4320) in kinds
    assert not any(r.member_id in (102, 103) and r.kind == REMINDER for r in together)
    assert (105, REMINDER, 120) in kinds and (105, REMINDER, 1440) not in kinds
    assert (106, NUDGE, None) not in kinds and (102, NUDGE, None) not in kinds
