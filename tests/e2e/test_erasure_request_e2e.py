"""A member asks from /cuatoi to have their own data erased; the committee confirms or
declines; the member is told. /cuatoi's promise of what is removed and what remains is
checked against the database after the erasure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.members.privacy import ERASED_NAME
from bot.texts import common as tc
from bot.texts import members as tm
from bot.texts import privacy as tp
from storage.enums import AttendanceAnswer, MemberState
from storage.models import Attendance, Comment, ErasureRequest, Member
from tests.attendance_helpers import days, make_meeting
from tests.e2e.conftest import Harness
from tests.promises.helpers import stored_later
from tests.promises.test_who_sees_what import _MemberCard, _menu

NAME, TID = "Phạm Văn Xin Xóa", 4_000_000_123


async def _cell(harness: Harness) -> tuple[int, int]:
    secretary = await harness.secretary()
    await harness.member(secretary, NAME, TID)
    roster = await harness.services.members.roster(secretary.id)
    member_id = next(m.id for m in roster.active if m.telegram_id == TID)
    return roster.cell.id, member_id


async def _ask(harness: Harness) -> dict[str, object]:
    """The member asks from /cuatoi; the review the secretary gets."""
    member, secretary = harness.people[NAME], harness.people["Nguyễn Thị Hoa"]
    shown = await harness.say(member, "/cuatoi", expect=tp.BUTTON_REQUEST_ERASURE)
    await member.press(shown, tp.BUTTON_REQUEST_ERASURE)
    confirm = await harness.api.wait_for_message(
        member.id, lambda m: m.get("text") == tc.fmt(tp.REQUEST_CONFIRM)
    )
    await member.press(confirm, tp.BUTTON_REQUEST_SEND)
    await harness.wait_text(member.id, confirm["message_id"], "Đã gửi đề nghị")
    return await harness.api.wait_for_message(
        secretary.id, lambda m: "đề nghị xóa dữ liệu" in str(m.get("text")) and NAME in m["text"]
    )


async def _count(harness: Harness, *where: object) -> int:
    async with harness.services.db.session() as session:
        return int(await session.scalar(select(func.count()).where(*where)) or 0)


async def test_cuatoi_promises_what_is_removed_and_what_remains_and_the_erasure_keeps_it(
    harness: Harness,
) -> None:
    cell_id, member_id = await _cell(harness)
    services, clock = harness.services, harness.clock
    member, secretary = harness.people[NAME], harness.people["Nguyễn Thị Hoa"]
    held = await make_meeting(services.db, cell_id, clock.now() + timedelta(hours=1))
    later = await make_meeting(services.db, cell_id, clock.now() + days(3))
    await services.attendance.answer(TID, held, AttendanceAnswer.YES, update_id=1)
    await services.attendance.set_reason(TID, later, "khac", "đi khám mắt", update_id=2)
    await services.comments.add(TID, later, "Góp ý về đảng phí")
    clock.advance(timedelta(hours=2))
    await services.attendance.mark_present(secretary.id, held, member_id, True)

    shown = await harness.say(member, "/cuatoi", expect=tp.BUTTON_REQUEST_ERASURE)
    promise = tc.fmt(tp.MY_ERASURE, reasons=1, comments=1, answers=2, present=1).strip()
    assert promise in shown["text"]

    review = await _ask(harness)
    assert "1 lý do vắng, 1 góp ý" in review["text"] and "2 lượt tham dự (1 lượt" in review["text"]
    # a double tap on "send", and /cuatoi while the request waits
    again = member.press_data(member, "xrs:0")
    refused = await harness.api.wait_for_callback_answer(again)
    assert refused["text"] == tp.STALE_ERRORS["erasure_pending"]
    waiting = await harness.say(member, "/cuatoi", expect="chi ủy đang xem xét")
    assert "reply_markup" not in waiting
    assert await _count(harness, ErasureRequest.member_id == member_id) == 1

    # a double tap on "confirm": one erasure, one polite "already decided"
    request_id = review_request_id(review)
    first = await secretary.press(review, tp.BUTTON_REQUEST_CONFIRM)
    second = secretary.press_data(review, f"xra:{request_id}")
    answers = [await harness.api.wait_for_callback_answer(q) for q in (first, second)]
    assert sorted(str(a.get("text") or "") for a in answers) == ["", tm.ALREADY_DECIDED]
    await harness.wait_text(secretary.id, review["message_id"], "đã đồng ý")
    told = await harness.api.wait_for_message(member.id, lambda m: "đã đồng ý" in m["text"])
    assert told["text"] == tc.fmt(tp.REQUEST_CONFIRMED_MEMBER, answers=2)
    await harness.api.wait_idle()
    confirmations = [m for m in harness.api.messages(member.id) if "đã đồng ý" in m["text"]]
    assert len(confirmations) == 1

    # what /cuatoi promised, in the database
    async with services.db.session() as session:
        row = await session.get(Member, member_id)
        assert row is not None
        assert (row.full_name, row.telegram_id, row.state) == (ERASED_NAME, None, "inactive")
        kept = await session.scalars(select(Attendance).where(Attendance.member_id == member_id))
        rows = list(kept)
    assert len(rows) == 2 and sum(1 for r in rows if r.present) == 1
    assert all(r.reason_code is None and r.reason_text is None for r in rows)
    assert await _count(harness, Comment.member_id == member_id) == 0
    assert await stored_later(services, (NAME, TID)) == []
    request = ErasureRequest.member_id == member_id
    assert await _count(harness, request, ErasureRequest.status == "confirmed") == 1

    # the erased member afterwards
    assert (await harness.say(member, "/cuatoi"))["text"] == tc.fmt(tc.NOT_MEMBER)


def review_request_id(review: dict[str, object]) -> int:
    markup = review["reply_markup"]
    assert isinstance(markup, dict)
    data = str(markup["inline_keyboard"][0][0]["callback_data"])
    return int(data.split(":")[1])


async def test_a_decline_a_second_request_and_a_member_leaving_meanwhile(
    harness: Harness,
) -> None:
    _, member_id = await _cell(harness)
    services = harness.services
    member, secretary = harness.people[NAME], harness.people["Nguyễn Thị Hoa"]
    another = await harness.member(secretary, "Lê Thị Khác", 303)

    review = await _ask(harness)
    # an ordinary member cannot decide; the secretary cannot ask for her own erasure
    forged = another.press_data(another, f"xra:{review_request_id(review)}")
    assert (await harness.api.wait_for_callback_answer(forged))["text"] == tc.fmt(tc.NOT_ALLOWED)
    own = secretary.press_data(secretary, "xrs:0")
    assert (await harness.api.wait_for_callback_answer(own))["text"] == tp.STALE_ERRORS[
        "erasure_secretary"
    ]

    await secretary.press(review, tp.BUTTON_REQUEST_DECLINE)
    await harness.wait_text(secretary.id, review["message_id"], "không đồng ý")
    told = await harness.api.wait_for_message(member.id, lambda m: "chưa đồng ý" in m["text"])
    assert told["text"] == tc.fmt(tp.REQUEST_DECLINED_MEMBER)
    async with services.db.session() as session:
        row = await session.get(Member, member_id)
        assert row is not None and row.full_name == NAME and row.telegram_id == TID

    second = await _ask(harness)  # asked again after a decline
    assert second["message_id"] != review["message_id"]
    await services.members.set_active(secretary.id, member_id, False)  # left meanwhile
    refused = member.press_data(member, "xrs:0")
    assert (await harness.api.wait_for_callback_answer(refused))["text"] == tc.fmt(tc.NOT_MEMBER)
    await secretary.press(second, tp.BUTTON_REQUEST_CONFIRM)
    await harness.api.wait_for_message(member.id, lambda m: "đã đồng ý" in m["text"])
    assert await stored_later(services, (NAME, TID)) == []
    async with services.db.session() as session:
        row = await session.get(Member, member_id)
        assert row is not None and row.state == MemberState.INACTIVE


async def test_an_erased_committee_member_loses_the_committee_commands(harness: Harness) -> None:
    await _cell(harness)
    member, secretary = harness.people[NAME], harness.people["Nguyễn Thị Hoa"]
    card = _MemberCard(harness, secretary)
    await card.open(NAME)
    await card.role("Chi ủy viên")
    assert "danhsach" in _menu(harness, member)
    review = await _ask(harness)
    await secretary.press(review, tp.BUTTON_REQUEST_CONFIRM)
    await harness.api.wait_for_message(member.id, lambda m: "đã đồng ý" in m["text"])
    await harness.api.wait_until(lambda: "danhsach" not in _menu(harness, member))
