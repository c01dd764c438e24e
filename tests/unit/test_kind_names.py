"""One name per meeting kind: the agenda, the meeting card (reminders, /lich) and the calendar
file all call a meeting the same thing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.broadcast.agenda import agenda_message
from bot.meetings.ics import meeting_ics
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.views import CellInfo, MeetingInfo
from storage.models import Meeting, MeetingKind, MeetingStatus

CELL = CellInfo(1, "Chi bộ Khu phố 3", "Asia/Ho_Chi_Minh", None, None)


def _meeting(kind: MeetingKind) -> Meeting:
    return Meeting(
        id=7,
        cell_id=1,
        kind=kind,
        status=MeetingStatus.SCHEDULED,
        starts_at=datetime(2026, 12, 5, 7, 0, tzinfo=UTC),
        duration_minutes=120,
        place="Hội trường",
    )


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_agenda_card_and_calendar_use_the_one_kind_name(kind: MeetingKind) -> None:
    meeting = _meeting(kind)
    name = tc.KIND_NAMES[kind]
    agenda = agenda_message(CELL, meeting, "Nội dung", attachments=0, version=1, edited_at=None)
    card = tx.card(MeetingInfo.of(meeting), CELL.tz)
    assert name in agenda.text
    assert card.splitlines()[0] == name
    ics = meeting_ics(MeetingInfo.of(meeting), CELL.name, meeting.starts_at).decode()
    assert name in ics.replace("\r\n ", "")


def test_no_text_module_keeps_its_own_kind_names() -> None:
    from bot.texts import attendance, broadcast, meetings

    for module in (attendance, broadcast, meetings):
        for attr in ("KIND_NAMES", "MEETING_KIND_NAMES"):
            table = getattr(module, attr, tc.KIND_NAMES)
            assert table is tc.KIND_NAMES, f"{module.__name__}.{attr} is a second table"
