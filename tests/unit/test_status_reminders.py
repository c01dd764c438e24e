"""A status set after the reminders were planned: the member's reminders for meetings in the
status are withdrawn, those after it come back, and the next planning run keeps it so."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.meetings import reminders
from bot.members.statuses import MEMBER_REMINDERS, StatusService
from bot.services import Services
from storage.enums import OutboxStatus, StatusKind
from storage.models import OutboxMessage
from tests.attendance_helpers import days, make_meeting
from tests.builders import SECRETARY, build_cell


def test_the_status_withdraws_exactly_the_members_own_reminder_kinds() -> None:
    assert set(MEMBER_REMINDERS) == {reminders.REMINDER, reminders.NUDGE}


async def _pending(services: Services, member_id: int) -> dict[int, int]:
    """Pending member reminders by meeting id."""
    async with services.db.session() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.member_id == member_id,
                OutboxMessage.kind.in_(MEMBER_REMINDERS),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        counts: dict[int, int] = {}
        for row in rows:
            assert row.meeting_id is not None
            counts[row.meeting_id] = counts.get(row.meeting_id, 0) + 1
        return counts


async def test_a_status_set_after_planning_withdraws_only_the_meetings_it_covers(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=2)
    member = cell.members[0]
    soon = await make_meeting(services.db, cell.cell_id, clock.now() + days(5))
    later = await make_meeting(services.db, cell.cell_id, clock.now() + days(12))
    await services.meetings.maintain()
    before = await _pending(services, member.id)
    assert before.get(soon) and before.get(later)

    today = clock.now().date()
    ends = today + days(8)
    await StatusService(services.db, services.clock).set_status(
        SECRETARY, member.id, StatusKind.EXEMPT_MEETINGS, today, ends, "Ốm dài ngày"
    )
    await services.meetings.maintain()
    after = await _pending(services, member.id)
    assert soon not in after  # in the status: no reminder
    assert after.get(later) == before[later]  # after it: planned again, as before
    other = await _pending(services, cell.members[1].id)
    assert other.get(soon)  # the others keep theirs
