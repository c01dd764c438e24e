"""Every message of the agenda broadcast fits Telegram's limits by construction: each is built
here at the maximum size of every field (longest names, place, chair, agenda at its limit,
hundreds of unreachable members), in astral characters that Telegram counts twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.broadcast.agenda import agenda_message, summarize_changes
from bot.broadcast.drafts import AGENDA_LIMIT, AgendaDraft, agenda_text
from bot.broadcast.messages import invite_message, note_message
from bot.broadcast.report import DeliveryReport, Unreachable, report_text
from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.errors import InvalidInput
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo
from handlers.broadcast import _controls
from storage.models import Meeting, MeetingKind, MeetingStatus

WIDE = "𝐀"  # outside the BMP: one character, two UTF-16 code units
EDITED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _longest(limit: int) -> str:
    """A field at its column's length, in characters Telegram counts twice."""
    return WIDE * limit


CELL = CellInfo(7, _longest(200), "Asia/Ho_Chi_Minh", -100, None)


def _meeting(status: MeetingStatus = MeetingStatus.SCHEDULED) -> Meeting:
    return Meeting(
        id=2**31 - 1,
        cell_id=CELL.id,
        kind=MeetingKind.THEMATIC,
        status=status,
        starts_at=datetime(2026, 12, 5, 7, 0, tzinfo=UTC),
        place=_longest(255),
        chair=_longest(120),
    )


@pytest.mark.parametrize("status", [MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED])
@pytest.mark.parametrize("stored", [AGENDA_LIMIT, 3 * AGENDA_LIMIT])
def test_agenda_message_fits_whatever_is_stored(status: MeetingStatus, stored: int) -> None:
    """At the limit it is whole; a longer stored text (written before the limit counted
    what Telegram counts) is cut at a word and says so, so an edit in place stays one message."""
    agenda = " ".join([_longest(9)] * (stored // 10))
    message = agenda_message(
        CELL, _meeting(status), agenda, attachments=5, version=7, edited_at=EDITED
    )
    assert telegram_length(message.text) <= MAX_TEXT
    assert tb.AGENDA_UPDATED.format(when=tb.short_when(EDITED, CELL.tz)) in message.text
    if telegram_length(agenda) > AGENDA_LIMIT:
        assert tb.AGENDA_SHORTENED in message.text


def test_agenda_at_its_limit_is_never_shortened() -> None:
    agenda = WIDE * (AGENDA_LIMIT // 2)
    message = agenda_message(CELL, _meeting(), agenda, attachments=0, version=1, edited_at=None)
    assert agenda in message.text and tb.AGENDA_SHORTENED not in message.text


def test_agenda_limit_counts_what_telegram_counts() -> None:
    assert agenda_text(WIDE * (AGENDA_LIMIT // 2)) == WIDE * (AGENDA_LIMIT // 2)
    with pytest.raises(InvalidInput):
        agenda_text(WIDE * (AGENDA_LIMIT // 2 + 1))


def _report(unreachable: int, uncertain: int) -> DeliveryReport:
    name = _longest(120)
    return DeliveryReport(
        broadcast_id=2**31 - 1,
        meeting_id=2**31 - 1,
        when="Thứ Bảy, 05/12/2026, lúc 14h00",
        total=1000,
        sent=1000 - unreachable - uncertain,
        waiting=0,
        failed=unreachable,
        uncertain=uncertain,
        group="failed",
        unreachable=tuple(Unreachable(name, tb.REASON_NO_TELEGRAM) for _ in range(unreachable)),
        uncertain_names=tuple(name for _ in range(uncertain)),
        version=99,
        edits_done=999,
        edits_total=1000,
        invite_posted=True,
    )


@pytest.mark.parametrize(("unreachable", "uncertain"), [(300, 0), (0, 300), (300, 300), (3, 2)])
def test_delivery_report_of_a_big_cell_fits(unreachable: int, uncertain: int) -> None:
    text = report_text(_report(unreachable, uncertain))
    assert telegram_length(text) <= MAX_TEXT
    if unreachable > 30 or uncertain > 30:
        assert "đồng chí khác" in text
    else:
        assert "đồng chí khác" not in text


def test_group_invite_for_hundreds_of_unreachable_members_fits() -> None:
    names = [_longest(120)] * 300
    message = invite_message(names, "https://t.me/ChiBoBot?start=ct_2147483647")
    assert telegram_length(message.text) <= MAX_TEXT
    assert tc.MORE_NAMES.format(count=300 - message.text.count(WIDE * 120)) in message.text
    assert "300 đồng chí" in message.text


def test_change_note_and_preview_controls_fit() -> None:
    old = "\n".join(WIDE * 2000 + str(i) for i in range(3))
    new = "\n".join(WIDE * 2000 + str(i) for i in range(3, 9))
    changes = summarize_changes(old, new)
    note = note_message(_meeting(), CELL, list(changes))
    assert telegram_length(note.text) <= MAX_TEXT
    message = agenda_message(CELL, _meeting(), new, attachments=5, version=2, edited_at=EDITED)
    for version in (0, 3):
        draft = AgendaDraft(
            broadcast_id=2**31 - 1,
            meeting_id=2**31 - 1,
            cell=CELL,
            starts_at=EDITED + timedelta(hours=1),
            message=message,
            attachments=5,
            allow_attachments=True,
            pin=True,
            version=version,
            recipients=1000,
            has_group=True,
            too_late=True,
            past=True,
            has_text=True,
            changes=changes,
        )
        text, _ = _controls(draft)
        assert telegram_length(text) <= MAX_TEXT
