"""Reminder planning and rendering through the outbox (a stand-in worker; the DB is the truth)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.meetings.drafts import MeetingDraft
from bot.meetings.reminders import plan_all
from bot.services import Services
from storage.models import MeetingKind, Member, Role
from tests.builders import SECRETARY, build_cell
from tests.unit.meeting_helpers import answer, deliver_due, outbox

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)


async def _create(services: Services, **kw: object) -> int:
    change = await services.meetings.create(
        SECRETARY,
        MeetingDraft(MeetingKind.REGULAR, DEC5, place="Hội trường", **kw),  # type: ignore[arg-type]
    )
    return change.meeting.id


def _chats(delivered: list, kind: str) -> list[int]:  # type: ignore[type-arg]
    return sorted(row.chat_id for row, _ in delivered if row.kind == kind)


async def test_reminders_arrive_at_each_lead_time_once(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=2)
    await _create(services)
    first = await deliver_due(services, clock.now())
    assert _chats(first, "meeting_notice") == [-1001, 201, 202]
    assert _chats(first, "reminder") == []

    clock.set(DEC5 - timedelta(days=3))
    due = await deliver_due(services, clock.now())
    assert _chats(due, "reminder") == [100, 201, 202]
    assert _chats(due, "reminder_group") == [-1001]
    text = next(msg.text for row, msg in due if row.kind == "reminder")
    assert "còn 3 ngày nữa" in text and "Thứ Bảy, 05/12/2026, lúc 14h00" in text
    assert "Hội trường" in text
    labels = [
        b.text for row in next(m for r, m in due if r.kind == "reminder").buttons for b in row
    ]
    assert labels == ["✅ Có mặt", "❌ Vắng", "❔ Chưa chắc"]
    assert await deliver_due(services, clock.now()) == []  # exactly once

    clock.set(DEC5 - timedelta(days=1))
    assert _chats(await deliver_due(services, clock.now()), "reminder") == [100, 201, 202]
    clock.set(DEC5 - timedelta(hours=2))
    assert _chats(await deliver_due(services, clock.now()), "reminder") == [100, 201, 202]
    clock.set(DEC5 + timedelta(hours=3))
    assert await deliver_due(services, clock.now()) == []
    sent = Counter(
        row.chat_id for row in await outbox(services, "reminder") if row.status == "sent"
    )
    assert sent == {100: 3, 201: 3, 202: 3}


async def test_planning_twice_never_duplicates(services: Services, clock: ManualClock) -> None:
    await build_cell(services.db, members=2)
    await _create(services)
    keys = sorted(r.dedupe_key for r in await outbox(services))
    async with services.db.session() as session:
        assert await plan_all(session, clock.now(), timedelta(days=30)) == 0
    await services.meetings.maintain()
    again = sorted(r.dedupe_key for r in await outbox(services) if "gap" not in r.payload)
    assert again == keys and len(set(keys)) == len(keys)


async def test_decliner_gets_no_more_reminders_and_no_nudge(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=3)
    mid = await _create(services)
    await answer(services, mid, cell.member_ids[0], "no")  # 201 declines
    await answer(services, mid, cell.member_ids[1], "yes")  # 202 will come
    clock.set(DEC5 - timedelta(days=2))  # the nudge: only those without an answer
    await deliver_due(services, DEC5 - timedelta(days=3))
    nudged = await deliver_due(services, clock.now())
    assert _chats(nudged, "nudge") == [100, 203]
    clock.set(DEC5 - timedelta(days=1))
    day_before = await deliver_due(services, clock.now())
    assert _chats(day_before, "reminder") == [100, 202, 203]
    yes_text = next(m.text for r, m in day_before if r.chat_id == 202)
    no_answer_text = next(m.text for r, m in day_before if r.chat_id == 203)
    assert "chưa xác nhận" not in yes_text and "chưa xác nhận" in no_answer_text


async def test_missed_reminders_after_downtime_send_only_the_latest(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=1)
    await _create(services)
    await deliver_due(services, clock.now())
    # The bot was down from before the 3-day reminder until 90 minutes before the meeting.
    clock.set(DEC5 - timedelta(minutes=90))
    delivered = await deliver_due(services, clock.now())
    reminders = [(row, msg) for row, msg in delivered if row.kind == "reminder"]
    assert _chats(delivered, "reminder") == [100, 201]
    assert {row.payload["lead"] for row, _ in reminders} == {120}
    assert "còn 90 phút nữa" in reminders[0][1].text  # the real time left, not "2 giờ"
    assert len(_chats(delivered, "reminder_group")) == 1


async def test_nothing_is_sent_after_the_meeting_began(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=1)
    await _create(services)
    await deliver_due(services, clock.now())
    clock.set(DEC5 + timedelta(minutes=1))
    assert await deliver_due(services, clock.now()) == []
    statuses = {row.status for row in await outbox(services) if row.kind == "reminder"}
    assert statuses == {"cancelled"}


async def test_cancelled_meeting_sends_only_the_cancellation(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=1)
    mid = await _create(services)
    await deliver_due(services, clock.now())
    await services.meetings.cancel(SECRETARY, mid)
    notices = await deliver_due(services, clock.now())
    assert [m.text.startswith("🚫") for _, m in notices] == [True, True]
    for moment in (DEC5 - timedelta(days=3), DEC5 - timedelta(days=1), DEC5 - timedelta(hours=2)):
        clock.set(moment)
        assert await deliver_due(services, clock.now()) == []


async def test_rescheduled_meeting_reminds_at_the_new_time(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=1)
    mid = await _create(services)
    await services.meetings.edit(SECRETARY, mid, "when", "14h ngày 10/12")
    await deliver_due(services, clock.now())
    clock.set(DEC5 - timedelta(days=1))  # the old 1-day mark
    assert _chats(await deliver_due(services, clock.now()), "reminder") == []
    clock.set(datetime(2026, 12, 9, 14, tzinfo=VN))
    due = await deliver_due(services, clock.now())
    assert _chats(due, "reminder") == [100, 201]
    assert "10/12/2026" in due[0][1].text


async def test_committee_tasks_follow_hd42(services: Services, clock: ManualClock) -> None:
    cell = await build_cell(services.db, members=2)
    async with services.db.session() as session:
        presenter = await session.get(Member, cell.member_ids[1])
        assert presenter is not None
        presenter_name = presenter.full_name
        deputy = await session.get(Member, cell.member_ids[0])
        assert deputy is not None
        deputy.role = Role.DEPUTY
    far = datetime(2026, 12, 19, 14, tzinfo=VN)
    await services.meetings.create(
        SECRETARY,
        MeetingDraft(
            MeetingKind.THEMATIC, far, topic="Học tập Nghị quyết", presenters=presenter_name.upper()
        ),
    )
    await deliver_due(services, clock.now())
    clock.set(far - timedelta(days=7))
    prepare = await deliver_due(services, clock.now())
    assert _chats(prepare, "committee_task") == [100, 201]
    assert "chi ủy họp trước" in prepare[0][1].text
    clock.set(far - timedelta(days=5))
    presenter_msgs = await deliver_due(services, clock.now())
    assert _chats(presenter_msgs, "committee_task") == [100, 201, 202]
    assert "Học tập Nghị quyết" in presenter_msgs[0][1].text
    clock.set(far - timedelta(days=3))
    docs = [m for r, m in await deliver_due(services, clock.now()) if r.kind == "committee_task"]
    assert len(docs) == 2 and "Sổ tay đảng viên điện tử" in docs[0].text
    assert "trước Thứ Sáu, 18/12/2026, lúc 14h00" in docs[0].text


async def test_gap_warnings_for_month_and_quarter(services: Services, clock: ManualClock) -> None:
    await build_cell(services.db, members=1)
    await services.meetings.maintain()
    assert await deliver_due(services, clock.now()) == []  # it is 08:00: wait for tomorrow 08:00
    clock.set(datetime(2026, 11, 28, 8, tzinfo=VN))
    warnings = await deliver_due(services, clock.now())
    texts = [m.text for r, m in warnings if r.kind == "committee_task"]
    # 27/11: November and (from the 20th) December have no regular meeting; quarter IV and
    # quarter I/2027 (December is in quarter IV) — only quarter IV here.
    assert any("Tháng 11/2026" in t for t in texts)
    assert any("Tháng 12/2026" in t for t in texts)
    assert any("Quý IV/2026" in t for t in texts)
    assert [r.chat_id for r, _ in warnings] == [100] * len(texts)
    await services.meetings.maintain()
    assert await deliver_due(services, clock.now()) == []  # once per month / quarter
    # A combined sitting planned for December fills December and quarter IV.
    await services.meetings.create(
        SECRETARY, MeetingDraft(MeetingKind.COMBINED, DEC5, topic="Chuyên đề")
    )
    clock.set(datetime(2026, 12, 1, 7, tzinfo=VN))
    await services.meetings.maintain()
    clock.set(datetime(2026, 12, 1, 8, tzinfo=VN))
    later = [
        m.text for r, m in await deliver_due(services, clock.now()) if r.kind == "committee_task"
    ]
    assert not any("Tháng 12/2026" in t or "Quý IV" in t for t in later)
