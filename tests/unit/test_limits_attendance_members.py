"""The group panel, the nudge, the absence alert, the committee's review of a join request,
the member list and every other message of attendance and membership fit Telegram's limits
with every field at its maximum size in the widest characters (an emoji counts twice), so
none of them is ever refused as "Message is too long" (issue 10, #2)."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.attendance.alerts import AbsenceAlert
from bot.attendance.messages import confirmation
from bot.clock import ManualClock
from bot.delivery.limits import MAX_CALLBACK_ANSWER, MAX_TEXT, telegram_length
from bot.delivery.outgoing import OutgoingMessage
from bot.meetings.drafts import TEXT_LIMITS
from bot.members.join_digest import Digest, Waiting
from bot.services import Services
from bot.texts import attendance as ta
from bot.texts import common as tc
from bot.texts import members as tm
from bot.views import CellInfo, MeetingInfo, MemberInfo
from handlers.members.roster import render_card, render_roster
from storage.enums import AttendanceAnswer, MeetingKind, MemberState, PartyStatus, Role
from storage.models import Cell, Meeting, MeetingStatus
from tests.attendance_helpers import days, make_meeting
from tests.builders import CellWithMembers, add_members, build_cell
from tests.unit.meeting_helpers import deliver_due

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WIDE = "📘"  # two UTF-16 code units: the widest a character can count
NAME_COLUMN = 120  # members.full_name
CELL_COLUMN = 200  # cells.name
LONGEST_NAME = WIDE * NAME_COLUMN
LONGEST_CELL = WIDE * CELL_COLUMN
BIGGEST_ID = 2**31 - 1  # keys are 32-bit
MAX_CALLBACK_DATA = 64  # bytes


def _fits(message: OutgoingMessage | str, limit: int = MAX_TEXT) -> bool:
    text = message.text if isinstance(message, OutgoingMessage) else message
    return 0 < telegram_length(text) <= limit


def _data_fits(message: OutgoingMessage) -> bool:
    data = [b.callback_data for row in message.buttons for b in row if b.callback_data]
    return all(len(d.encode()) <= MAX_CALLBACK_DATA for d in data)


async def _widest_cell(services: Services, members: int) -> CellWithMembers:
    """A cell with the longest name whose ``members`` all have the longest name."""
    return await build_cell(services.db, name=LONGEST_CELL, members=[LONGEST_NAME] * members)


async def _widest_meeting(services: Services, cell_id: int, starts_at: datetime) -> int:
    """A combined meeting (the longest kind name) with every text field at its limit."""
    meeting = await make_meeting(services.db, cell_id, starts_at, kind=MeetingKind.COMBINED)
    async with services.db.session() as session:
        fields = {field: WIDE * limit for field, limit in TEXT_LIMITS.items()}
        await session.execute(update(Meeting).where(Meeting.id == meeting).values(**fields))
    return meeting


async def test_the_group_panel_of_a_300_member_cell_fits_open_closed_and_cancelled(
    services: Services, clock: ManualClock
) -> None:
    cell = await _widest_cell(services, 300)
    meeting = await _widest_meeting(services, cell.cell_id, clock.now() + days(3))
    answers = (AttendanceAnswer.YES, AttendanceAnswer.NO, AttendanceAnswer.MAYBE)
    for index, tid in enumerate(cell.member_tids[:250]):
        await services.attendance.answer(tid, meeting, answers[index % 3])
    (opened,) = await services.panels.claim_due()
    assert _fits(opened.message) and _data_fits(opened.message)
    await services.panels.failed(opened, message_lost=False)

    clock.advance(days(3))
    (closed,) = await services.panels.claim_due()
    assert _fits(closed.message)
    await services.panels.done(closed, message_id=9)

    async with services.db.session() as session:
        await session.execute(
            update(Meeting).where(Meeting.id == meeting).values(status=MeetingStatus.CANCELLED)
        )
    await services.panels.failed(closed, message_lost=False)
    clock.advance(timedelta(seconds=10))
    (cancelled,) = await services.panels.claim_due()
    assert _fits(cancelled.message)


async def test_the_nudge_fits_with_every_meeting_field_at_its_limit(
    services: Services, clock: ManualClock
) -> None:
    cell = await _widest_cell(services, 3)
    meeting = await _widest_meeting(services, cell.cell_id, clock.now() + days(2))
    result = await services.attendance.nudge(cell.secretary_tid, meeting)
    delivered = await deliver_due(services, clock.now())
    assert len(delivered) == result.planned == 4  # the members and the secretary
    assert all(_fits(message) and _data_fits(message) for _, message in delivered)


async def test_the_absence_alert_fits_with_the_longest_name_and_every_month() -> None:
    for months in ((1, 2), (1, 2, 3), tuple(range(1, 13))):
        alert = AbsenceAlert(BIGGEST_ID, LONGEST_NAME, 9999, months)
        assert _fits(alert.text())


def test_the_private_confirmation_and_its_reason_menu_fit_for_the_biggest_ids() -> None:
    cell = Cell(id=BIGGEST_ID, name=LONGEST_CELL, timezone="Asia/Ho_Chi_Minh")
    meeting = Meeting(
        id=BIGGEST_ID,
        cell_id=BIGGEST_ID,
        kind=MeetingKind.COMBINED,
        status=MeetingStatus.SCHEDULED,
        starts_at=datetime(2027, 1, 10, 23, 59, tzinfo=VN),
        duration_minutes=90,
    )
    for answer in AttendanceAnswer:
        # a button whose data is too long cannot be made: BIGGEST_ID is the revision it carries
        message = confirmation(MeetingInfo.of(meeting), CellInfo.of(cell).tz, answer, BIGGEST_ID)
        assert _fits(message)
        # the reason menu after "absent", and always the answer row (one tap changes it)
        reasons = len(ta.REASON_BUTTONS) if answer is AttendanceAnswer.NO else 0
        assert len(message.buttons) == reasons + 1
        assert [b.text for b in message.buttons[-1]] == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]


def _member(member_id: int, name: str, state: MemberState) -> MemberInfo:
    return MemberInfo(
        member_id, 1, BIGGEST_ID, name, Role.MEMBER, PartyStatus.PROBATIONARY, state, False
    )


def test_the_join_digest_fits_however_many_are_waiting() -> None:
    """The committee's one message of join requests (bot/members/join_digest.py)."""
    cell = CellInfo.of(Cell(id=1, name=LONGEST_CELL, timezone="Asia/Ho_Chi_Minh"))
    for count in (1, 2, 20, 21, 200):
        waiting = tuple(
            Waiting(_member(BIGGEST_ID - i, LONGEST_NAME, MemberState.PENDING), None)
            for i in range(count)
        )
        digest = Digest(cell, waiting, datetime(2099, 12, 31, tzinfo=ZoneInfo("UTC")))
        message = digest.message(last=LONGEST_NAME)
        assert _fits(message) and _data_fits(message)


async def test_the_member_list_fits_with_the_longest_names_and_many_waiting(
    services: Services,
) -> None:
    cell = await _widest_cell(services, 0)
    for state, count, base in (
        (MemberState.ACTIVE, 300, 4000),  # none has opened the bot: each line says so
        (MemberState.PENDING, 200, 5000),
        (MemberState.INACTIVE, 200, 6000),
    ):
        await add_members(
            services.db,
            cell.cell_id,
            [LONGEST_NAME] * count,
            tid_base=base,
            state=state,
            can_dm=False,
        )
    roster = await services.members.roster(cell.secretary_tid)
    for page in range(16):
        text, _ = render_roster(roster, page)
        assert _fits(text), telegram_length(text)
    for member in (*roster.active[:1], *roster.inactive[:1]):
        card, _ = render_card(member)
        assert _fits(card)


# --- every template at the maximum of each field it is filled with ---------------------------
def _longest(*texts: str) -> str:
    return max(texts, key=telegram_length)


def _longest_title() -> str:
    week = [datetime(2027, 1, 4 + d, 23, 59, tzinfo=VN) for d in range(7)]
    return _longest(*(ta.meeting_title(k, at, VN) for k in MeetingKind for at in week))


NUMBER = 10**6
COUNTS = ("yes", "no", "maybe", "unanswered", "answered", "total", "count", "present")
COUNTS += ("excused", "unexcused", "unclassified", "unrecorded", "index", "page", "pages")
MAXIMA: dict[str, object] = {
    "bot": tc.BOT_NAME,
    "cell": LONGEST_CELL,
    "name": LONGEST_NAME,
    "actor": LONGEST_NAME,
    "meeting": _longest_title(),
    "place": tc.fmt(ta.PLACE_SUFFIX, place=WIDE * TEXT_LIMITS["place"]),
    "reason": ta.reason_label("khac", WIDE * ta.REASON_LIMIT),
    "answer": _longest(*ta.ANSWER_NAMES.values()),
    "role": _longest(*tc.ROLE_NAMES.values()),
    "status": _longest(*tc.STATUS_NAMES.values()),
    "state": _longest(
        tm.MEMBER_STATE_ACTIVE,
        tm.MEMBER_STATE_INACTIVE,
        *(getattr(ta, n) for n in dir(ta) if n.startswith("GRID_STATE_")),
    ),
    "dm": _longest(tc.fmt(tm.MEMBER_DM_OK), tc.fmt(tm.MEMBER_DM_NO)),
    "link": "https://t.me/" + "b" * 32 + "?start=" + "p" * 64,  # usernames ≤ 32, payloads ≤ 64
    "payload": "p" * 64,
    "expires": "31/12/9999",
    "year": 9999,
    "months": 12,
    "month_list": ", ".join(f"tháng {m}" for m in range(1, 13)),
    "limit": ta.REASON_LIMIT,
    "query": WIDE * 40,  # the roll search shortens what was typed to 40 characters
    "more": NUMBER,
    **dict.fromkeys(COUNTS, NUMBER),
}
# Placeholders whose size the template's caller bounds, not the template itself.
FILLED_BY_CALLER = {"names"}  # NUDGE_UNREACHABLE: handlers/attendance/roll.py joins the names
# Texts a handler answers a button press with as they are (not through ``shorten``).
CALLBACK_ANSWERS = (
    ta.CALLBACK_SAVED,
    ta.CALLBACK_SAME,
    ta.CALLBACK_CHECKED_IN,
    ta.CALLBACK_ALREADY_CHECKED_IN,
)


def _templates() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in (ta, tm):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                found[f"{module.__name__}.{name}"] = value
            elif name.isupper() and isinstance(value, dict):
                found |= {f"{module.__name__}.{name}[{k}]": v for k, v in value.items()}
    return found


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_attendance_and_member_text_fits_at_maximum_field_sizes() -> None:
    templates = _templates()
    unknown = {f for t in templates.values() for f in _fields(t)} - MAXIMA.keys()
    assert unknown == FILLED_BY_CALLER, unknown
    for key, template in templates.items():
        if not _fields(template) & FILLED_BY_CALLER:
            assert _fits(template.format(**MAXIMA)), key
    for template in CALLBACK_ANSWERS:
        assert _fits(template.format(**MAXIMA), MAX_CALLBACK_ANSWER), template
