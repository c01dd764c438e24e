"""A status set after the reminders were planned withdraws them (and only them)."""

from __future__ import annotations

from bot.meetings import reminders
from bot.members.statuses import MEMBER_REMINDERS


def test_the_status_withdraws_exactly_the_members_own_reminder_kinds() -> None:
    assert set(MEMBER_REMINDERS) == {reminders.REMINDER, reminders.NUDGE}
