"""MeetingService: create/edit/reschedule/cancel, authorization, rules and generation."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.meetings.drafts import MeetingDraft, parse_duration, parse_leads
from bot.meetings.recurrence import Rule, parse_rule
from bot.services import Services
from storage.models import (
    AuditEntry,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutboxMessage,
    RulePattern,
)
from tests.builders import SECRETARY, build_cell
from tests.unit.meeting_helpers import answer, outbox

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEC5 = datetime(2026, 12, 5, 14, 0, tzinfo=VN)


async def test_create_plans_notices_and_reminders(services: Services) -> None:
    cell = await build_cell(services.db, members=3)
    change = await services.meetings.create(
        SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5, place="Hội trường")
    )
    assert change.meeting.duration_minutes == 90 and change.warnings == ()
    assert change.notified == 3  # the three members, not the secretary who created it
    notices = await outbox(services, "meeting_notice")
    assert len(notices) == 4  # 3 private + 1 group
    reminders = await outbox(services, "reminder")
    # 4 reachable people (3 members + secretary) x 3 lead times (all still ahead: 8 days)
    assert len(reminders) == 12
    assert {r.payload["lead"] for r in reminders} == {4320, 1440, 120}
    assert len(await outbox(services, "reminder_group")) == 3
    assert cell.cell_id == change.meeting.cell_id


async def test_combined_defaults_to_120_and_short_meetings_warn(services: Services) -> None:
    await build_cell(services.db, members=3)
    combined = await services.meetings.create(
        SECRETARY, MeetingDraft(MeetingKind.COMBINED, DEC5, topic="Học tập Nghị quyết")
    )
    assert combined.meeting.duration_minutes == 120
    short = await services.meetings.create(
        SECRETARY, MeetingDraft(MeetingKind.COMBINED, DEC5, duration_minutes=90)
    )
    assert short.warnings == ("short",)
    edited = await services.meetings.edit(SECRETARY, combined.meeting.id, "duration", "60")
    assert edited.warnings == ("short",) and edited.meeting.duration_minutes == 60


async def test_members_cannot_create_and_strangers_cannot_read(services: Services) -> None:
    await build_cell(services.db, members=3)
    with pytest.raises(NotAllowed):
        await services.meetings.create(201, MeetingDraft(MeetingKind.REGULAR, DEC5))
    with pytest.raises(NotAMember):
        await services.meetings.upcoming(999)


async def test_other_cells_meeting_is_stale(services: Services) -> None:
    await build_cell(services.db, members=3)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    other, payload = await services.cells.create_cell("Chi bộ khác")
    await services.cells.claim_secretary(payload.removeprefix("s_"), 555, "Lan")
    with pytest.raises(StaleAction):
        await services.meetings.cancel(555, change.meeting.id)
    with pytest.raises(StaleAction):
        await services.meetings.get(555, change.meeting.id)
    assert other.id != change.meeting.cell_id


async def test_reschedule_rearms_reminders_and_drops_old_ones(services: Services) -> None:
    await build_cell(services.db, members=1)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    moved = await services.meetings.edit(SECRETARY, change.meeting.id, "when", "19h ngày 6/12")
    assert moved.meeting.starts_at == datetime(2026, 12, 6, 19, tzinfo=VN)
    rows = await outbox(services, "reminder")
    pending = [r for r in rows if r.status == "pending"]
    cancelled = [r for r in rows if r.status == "cancelled"]
    assert len(pending) == 6 and len(cancelled) == 6
    new_epoch = int(moved.meeting.starts_at.timestamp())
    assert all(r.payload["starts"] == new_epoch for r in pending)
    assert all(r.due_at < moved.meeting.starts_at for r in pending)
    notices = await outbox(services, "meeting_notice")
    assert [r.payload["event"] for r in notices].count("changed") == 2  # member + group


async def test_cancel_cancels_pending_reminders_and_tells_members(services: Services) -> None:
    await build_cell(services.db, members=2)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    cancelled = await services.meetings.cancel(SECRETARY, change.meeting.id)
    assert cancelled.meeting.status is MeetingStatus.CANCELLED
    rows = await outbox(services)
    time_bound = [r for r in rows if r.kind != "meeting_notice"]
    assert time_bound and all(r.status == "cancelled" for r in time_bound)
    pending_notices = [r for r in rows if r.kind == "meeting_notice" and r.status == "pending"]
    assert {r.payload["event"] for r in pending_notices} == {"cancelled"}
    with pytest.raises(StaleAction):
        await services.meetings.cancel(SECRETARY, change.meeting.id)  # double tap


async def test_changes_are_audited(services: Services) -> None:
    await build_cell(services.db, members=3)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    await services.meetings.edit(SECRETARY, change.meeting.id, "place", "  Nhà văn hóa  ")
    await services.meetings.cancel(SECRETARY, change.meeting.id)
    async with services.db.session() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.meeting_id == change.meeting.id)
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["meeting_created", "meeting_edited", "meeting_cancelled"]


async def test_started_meeting_cannot_be_edited(services: Services, clock: ManualClock) -> None:
    await build_cell(services.db, members=3)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    clock.set(DEC5 + timedelta(minutes=5))
    with pytest.raises(InvalidInput, match="meeting_started"):
        await services.meetings.edit(SECRETARY, change.meeting.id, "place", "X")


async def test_bad_input_is_refused(services: Services) -> None:
    await build_cell(services.db, members=3)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    mid = change.meeting.id
    with pytest.raises(InvalidInput, match="text_too_long"):
        await services.meetings.edit(SECRETARY, mid, "place", "x" * 300)
    with pytest.raises(InvalidInput, match="text_empty"):
        await services.meetings.edit(SECRETARY, mid, "place", " \n ")
    with pytest.raises(InvalidInput, match="duration_bad"):
        await services.meetings.edit(SECRETARY, mid, "duration", "9999")
    with pytest.raises(InvalidInput, match="when_past"):
        await services.meetings.edit(SECRETARY, mid, "when", "8h 1/1/2026")
    with pytest.raises(StaleAction):
        await services.meetings.edit(SECRETARY, mid, "status", "cancelled")


async def test_upcoming_lists_own_answers_and_hides_ended(
    services: Services, clock: ManualClock
) -> None:
    cell = await build_cell(services.db, members=1)
    first = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    second = await services.meetings.create(
        SECRETARY, MeetingDraft(MeetingKind.THEMATIC, DEC5 + timedelta(days=7), topic="Chủ đề")
    )
    await answer(services, first.meeting.id, cell.member_ids[0], "no")
    _, mine = await services.meetings.upcoming(201)
    assert [(m.meeting.id, m.answer) for m in mine] == [
        (first.meeting.id, "no"),
        (second.meeting.id, None),
    ]
    clock.set(DEC5 + timedelta(minutes=100))  # the first one has ended
    _, mine = await services.meetings.upcoming(201)
    assert [m.meeting.id for m in mine] == [second.meeting.id]
    _, thematic = await services.meetings.next_thematic(201)
    assert thematic is not None and thematic.topic == "Chủ đề"


async def test_rule_generates_ahead_idempotently(services: Services) -> None:
    await build_cell(services.db, members=3)
    rule = parse_rule("thứ Ba đầu tiên 14h")
    info, generated = await services.meetings.set_rule(SECRETARY, MeetingKind.REGULAR, rule)
    assert generated.created == 3 and info.rule == rule
    assert await services.meetings.maintain() == 0
    async with services.db.session() as session:
        meetings = list(await session.scalars(select(Meeting).order_by(Meeting.starts_at)))
    assert [m.occurrence_key for m in meetings] == [
        "thuong_ky:2026-12",
        "thuong_ky:2027-01",
        "thuong_ky:2027-02",
    ]
    assert meetings[0].starts_at == datetime(2026, 12, 1, 14, tzinfo=VN)


async def test_moved_or_cancelled_occurrence_stays_as_edited(
    services: Services, clock: ManualClock
) -> None:
    await build_cell(services.db, members=3)
    await services.meetings.set_rule(
        SECRETARY, MeetingKind.REGULAR, Rule(RulePattern.DAY, time(14), day=5)
    )
    async with services.db.session() as session:
        dec, jan, _ = list(await session.scalars(select(Meeting).order_by(Meeting.starts_at)))
    await services.meetings.edit(SECRETARY, dec.id, "when", "8h ngày 7/12")
    await services.meetings.cancel(SECRETARY, jan.id)
    # The rule changes to day 10: the untouched February occurrence follows, the others stay.
    await services.meetings.set_rule(
        SECRETARY, MeetingKind.REGULAR, Rule(RulePattern.DAY, time(14), day=10)
    )
    clock.advance(timedelta(days=40))
    await services.meetings.maintain()
    async with services.db.session() as session:
        rows = list(await session.scalars(select(Meeting).order_by(Meeting.occurrence_key)))
    by_key = {m.occurrence_key: m for m in rows}
    assert by_key["thuong_ky:2026-12"].starts_at == datetime(2026, 12, 7, 8, tzinfo=VN)
    assert by_key["thuong_ky:2027-01"].status == MeetingStatus.CANCELLED
    assert by_key["thuong_ky:2027-02"].starts_at == datetime(2027, 2, 10, 14, tzinfo=VN)
    assert "thuong_ky:2027-03" in by_key  # generated as time moved on
    assert len(rows) == len(by_key)


async def test_quarterly_thematic_rule(services: Services) -> None:
    await build_cell(services.db, members=3)
    rule = parse_rule("thứ Sáu cuối tháng 14h", quarter_month=3)
    _, generated = await services.meetings.set_rule(SECRETARY, MeetingKind.THEMATIC, rule)
    assert generated.created == 1  # 25/12/2026 within 3 months; the next is in March
    _, meeting = await services.meetings.next_thematic(SECRETARY)
    assert meeting is not None and meeting.starts_at == datetime(2026, 12, 25, 14, tzinfo=VN)


async def test_leads_setting_replans(services: Services) -> None:
    await build_cell(services.db, members=1)
    await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    assert await services.meetings.set_leads(SECRETARY, parse_leads("1 ngày, 30 phút")) == (
        1440,
        30,
    )
    pending = [r for r in await outbox(services, "reminder") if r.status == "pending"]
    assert {r.payload["lead"] for r in pending} == {1440, 30}
    _, schedule = await services.meetings.schedule(SECRETARY)
    assert schedule.leads == (1440, 30)


def test_parse_leads_and_duration() -> None:
    assert parse_leads("3 ngày, 1 ngày, 2 giờ") == (4320, 1440, 120)
    assert parse_leads("2 tiếng và 30 phút") == (120, 30)
    for bad in ("", "mai", "5 phút", "20 ngày", "1 ngày, 2 ngày, 3 ngày, 4 ngày, 5 ngày, 6 ngày"):
        with pytest.raises(InvalidInput):
            parse_leads(bad)
    assert parse_duration("120") == 120
    assert parse_duration("90 phút") == 90
    with pytest.raises(InvalidInput):
        parse_duration("abc")


async def test_cancelling_a_meeting_releases_claimed_reminders(
    services: Services, clock: ManualClock
) -> None:
    """A row a worker has claimed (``locked_until`` set) must not stay locked once cancelled."""
    await build_cell(services.db, members=2)
    change = await services.meetings.create(SECRETARY, MeetingDraft(MeetingKind.REGULAR, DEC5))
    async with services.db.session() as session:
        rows = list(await session.scalars(select(OutboxMessage)))
        for row in rows:
            row.locked_until = clock.now() + timedelta(seconds=20)
    await services.meetings.cancel(SECRETARY, change.meeting.id)
    cancelled = [r for r in await outbox(services) if r.status == "cancelled"]
    assert cancelled and all(r.locked_until is None for r in cancelled)
