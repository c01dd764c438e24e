"""Every message about a meeting fits Telegram's 4,096 characters, even with every field at its
maximum size in the widest characters (an emoji counts twice), so no reminder is ever lost to
"Message is too long"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery.limits import MAX_TEXT, telegram_length
from bot.meetings.drafts import TEXT_LIMITS, MeetingDraft
from bot.services import Services
from bot.texts import meetings as tx
from bot.views import MeetingInfo
from storage.models import Meeting, MeetingKind
from tests.builders import SECRETARY, build_cell
from tests.unit.meeting_helpers import deliver_due

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)
WIDE = "📘"  # two UTF-16 code units: the widest a character can count
LONGEST_CELL_NAME = "C" * 200
POINTER = "/chuyende"


def widest(field: str) -> str:
    """A value at the field's limit, every character as wide as Telegram counts."""
    return WIDE * TEXT_LIMITS[field]


def full_meeting(**changes: object) -> MeetingInfo:
    values: dict[str, object] = {
        "id": 7,
        "cell_id": 1,
        "kind": MeetingKind.COMBINED,
        "status": "scheduled",
        "starts_at": DEC5,
        "duration_minutes": 120,
        **{field: widest(field) for field in TEXT_LIMITS},
    }
    values.update(changes)
    return MeetingInfo.of(Meeting(**values))


def test_the_card_of_a_meeting_at_maximum_size_fits_with_room_for_its_frame() -> None:
    card = tx.card(full_meeting(), VN)
    assert telegram_length(card) <= tx.CARD_MAX < MAX_TEXT
    assert POINTER in card  # what was cut can be read in full elsewhere


def test_a_card_that_fits_is_never_shortened() -> None:
    meeting = full_meeting(agenda="Nội dung ngắn", topic="Chủ đề", materials=None, preparation=None)
    card = tx.card(meeting, VN)
    assert "Nội dung ngắn" in card and tx.CARD_MORE not in card


def test_the_full_card_is_kept_whole_for_the_reader_who_asked_for_it() -> None:
    card = tx.card(full_meeting(), VN, budget=None)
    assert widest("preparation") in card and widest("agenda") in card


async def test_every_reminder_of_a_meeting_at_maximum_size_fits(
    services: Services,
) -> None:
    await build_cell(services.db, name=LONGEST_CELL_NAME, members=2)
    draft = MeetingDraft(
        MeetingKind.COMBINED,
        DEC5,
        **{field: widest(field) for field in TEXT_LIMITS if field not in ("chair", "minute_taker")},
    )
    change = await services.meetings.create(SECRETARY, draft)
    meeting_id = change.meeting.id
    for field in ("chair", "minute_taker"):
        await services.meetings.edit(SECRETARY, meeting_id, field, widest(field))
    sizes: dict[str, int] = {}
    moment = DEC5 - timedelta(days=30)
    while moment < DEC5:
        for row, message in await deliver_due(services, moment):
            sizes[row.kind] = max(sizes.get(row.kind, 0), telegram_length(message.text))
        moment += timedelta(hours=1)
    assert {"meeting_notice", "reminder", "reminder_group", "nudge", "committee_task"} <= set(sizes)
    assert max(sizes.values()) <= MAX_TEXT, sizes


def test_every_frame_around_a_full_card_fits() -> None:
    card = tx.card(full_meeting(), VN)
    warning = "\n\n" + tx.WARN_SHORT.format(minutes=30, minimum=120)
    counts = tx.GROUP_COUNTS.format(yes=99999, no=99999, maybe=99999, none=99999)
    framed = [
        tx.WIZ_CONFIRM.format(card=card),
        tx.WIZ_CREATED.format(card=card, bot="ChiBoBot" * 4, n=99999) + warning,
        tx.EDIT_MENU.format(card=card),
        tx.EDITED.format(card=card) + warning,
        tx.CANCEL_CONFIRM.format(card=card),
        tx.KEPT + "\n\n" + card,
        tx.NOTICE_CREATED.format(card=card),
        tx.NOTICE_CHANGED.format(what=max(tx.CHANGED_WHAT.values(), key=len), card=card),
        tx.REMINDER.format(left="99 ngày", card=card) + tx.REMINDER_ASK,
        tx.REMINDER_GROUP.format(left="99 ngày", card=card, counts=counts),
        tx.NUDGE.format(when="Chủ Nhật, 30/12/2026, lúc 23h59", card=card),
    ]
    assert max(telegram_length(text) for text in framed) <= MAX_TEXT


def test_lich_with_five_meetings_at_maximum_size_fits() -> None:
    item = tx.LICH_ITEM.format(
        n=5,
        kind="Sinh hoạt chi bộ thường kỳ kết hợp chuyên đề",
        when="Chủ Nhật, 30/12/2026, lúc 23h59",
        place=widest("place"),
        answer=tx.ANSWER_NAMES[None],
    )
    text = "\n\n".join([tx.LICH_HEADER.format(cell=LONGEST_CELL_NAME), *[item] * 5])
    assert telegram_length(text) <= MAX_TEXT


def test_caidat_with_both_rules_at_maximum_size_fits() -> None:
    rule = "thứ Sáu cuối cùng của tháng cuối quý, lúc 19h30, " + widest("place")
    text = tx.CAIDAT.format(
        cell=LONGEST_CELL_NAME, regular=rule, thematic=rule, leads=", ".join(["14 ngày"] * 5)
    )
    assert telegram_length(text) <= MAX_TEXT
