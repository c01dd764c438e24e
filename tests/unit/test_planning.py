"""Incremental, isolated planning (issue #13, point 5): a run plans only what changed, in
short transactions; a failing cell never stops another cell's reminders, and is reported to
its committee once; a cell too big for one statement is planned whole."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from bot.clock import ManualClock
from bot.meetings import planning
from bot.meetings.reminders import plan_meeting
from bot.meetings.service import PLAN_HORIZON
from bot.services import Services
from storage.models import (
    AttendanceAnswer,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    OutboxMessage,
    Role,
    StatusKind,
)
from tests.attendance_helpers import days, make_meeting
from tests.builders import add_members, build_cell
from tests.unit.meeting_helpers import deliver_due


async def _count(services: Services, kind: str, **where: int) -> int:
    query = select(func.count()).where(OutboxMessage.kind == kind)
    for column, value in where.items():
        query = query.where(getattr(OutboxMessage, column) == value)
    async with services.db.session() as session:
        return int(await session.scalar(query) or 0)


async def test_a_run_with_nothing_new_plans_nothing_and_a_change_replans_only_its_meeting(
    services: Services, clock: ManualClock
) -> None:
    one = await build_cell(services.db, name="Chi bộ 1", members=3, tid_base=300)
    two = await build_cell(
        services.db,
        name="Chi bộ 2",
        members=3,
        tid_base=400,
        secretary_tid=101,
        group_chat_id=-1002,
    )
    first = await make_meeting(services.db, one.cell_id, clock.now() + days(5))
    await make_meeting(services.db, two.cell_id, clock.now() + days(6))
    planner = services.meetings.planner

    report = await planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert (report.meetings, report.planned) == (2, 2) and report.new_rows > 0
    again = await planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert (again.planned, again.new_rows) == (0, 0)

    # a new member of cell 1: only cell 1's meeting is planned again, with their reminders
    (newcomer,) = await add_members(services.db, one.cell_id, ["Lê Văn Mới"], tid_base=350)
    after = await planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert after.planned == 1
    assert await _count(services, "reminder", member_id=newcomer.id) == 3  # 3 days, 1 day, 2 h
    # "absent", then "present" again: the reminders come back (the absent get none)
    await services.attendance.answer(300, first, AttendanceAnswer.NO)
    await planner.plan_changed(clock.now(), PLAN_HORIZON)
    await services.attendance.answer(300, first, AttendanceAnswer.YES)
    assert (await planner.plan_changed(clock.now(), PLAN_HORIZON)).planned == 1


async def test_a_failing_cell_next_to_a_healthy_one(
    services: Services, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    broken = await build_cell(services.db, name="Chi bộ hỏng", members=2, tid_base=300)
    healthy = await build_cell(
        services.db,
        name="Chi bộ lành",
        members=2,
        tid_base=400,
        secretary_tid=101,
        group_chat_id=-1002,
    )
    async with services.db.session() as session:  # a bad row: lead times that are no numbers
        await session.execute(
            update(Cell).where(Cell.id == broken.cell_id).values(reminder_leads=["x"])
        )
    await make_meeting(services.db, broken.cell_id, clock.now() + days(5))
    await make_meeting(services.db, healthy.cell_id, clock.now() + days(5))

    with caplog.at_level(logging.ERROR, logger="bot.meetings.planning"):
        await services.meetings.maintain()
        clock.advance(timedelta(minutes=10))
        await services.meetings.maintain()  # fails again: not logged again, not told again
    assert await _count(services, "reminder", cell_id=healthy.cell_id) == 9  # 3 people, 3 leads
    assert await _count(services, "reminder", cell_id=broken.cell_id) == 0
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and str(broken.cell_id) in errors[0].getMessage()
    assert await _count(services, "planning_failed", cell_id=broken.cell_id) == 1
    assert await _count(services, "planning_failed", cell_id=healthy.cell_id) == 0
    assert services.meetings.planner.failing == {broken.cell_id}
    told = [m for r, m in await deliver_due(services, clock.now()) if r.kind == "planning_failed"]
    assert len(told) == 1 and "lỗi khi lập lịch nhắc họp" in told[0].text


@pytest.mark.timeout(120)
async def test_a_cell_too_big_for_one_statement_is_planned_whole(
    services: Services, clock: ManualClock
) -> None:
    # 9,001 members: one IN list or one insert of every row would pass asyncpg's 32,767
    # parameters; the plan goes in slices instead
    cell = await build_cell(services.db, members=9_001, tid_base=10_000, group_chat_id=None)
    meeting = await make_meeting(services.db, cell.cell_id, clock.now() + days(5))
    report = await services.meetings.planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert report.failed_cells == ()
    assert await _count(services, "reminder", meeting_id=meeting) == 3 * 9_002
    assert await _count(services, "nudge", meeting_id=meeting) == 9_002


async def _two_cells(services: Services, first: int, second: int) -> tuple[Any, Any]:
    """Two cells of ``first`` and ``second`` members, the second with a group."""
    one = await build_cell(services.db, name="Chi bộ 1", members=first, tid_base=300)
    two = await build_cell(
        services.db,
        name="Chi bộ 2",
        members=second,
        tid_base=400,
        secretary_tid=101,
        group_chat_id=-1002,
    )
    return one, two


async def test_a_meeting_cancelled_between_the_read_and_the_write_gets_no_rows(
    services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The planner reads a group in one transaction and writes it in another: a meeting
    # cancelled in between must not get (or get back) its reminders, and is looked at again
    one, two = await _two_cells(services, 2, 2)
    cancelled = await make_meeting(services.db, one.cell_id, clock.now() + days(5))
    kept = await make_meeting(services.db, two.cell_id, clock.now() + days(5))
    planner = services.meetings.planner
    read = planner._read

    async def read_then_cancel(*args: Any) -> Any:
        found = await read(*args)
        async with services.db.session() as session:
            await session.execute(
                update(Meeting)
                .where(Meeting.id == cancelled)
                .values(status=MeetingStatus.CANCELLED)
            )
        return found

    monkeypatch.setattr(planner, "_read", read_then_cancel)
    await planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert await _count(services, "reminder", meeting_id=cancelled) == 0
    assert await _count(services, "reminder", meeting_id=kept) == 9
    async with services.db.session() as session:
        keys = dict((await session.execute(select(Meeting.id, Meeting.plan_key))).all())
    assert keys[cancelled] is None and keys[kept] is not None


_COLUMNS = ("cell_id", "kind", "dedupe_key", "chat_id", "member_id", "meeting_id", "payload")
_COLUMNS += ("status", "due_at", "attempts", "turn")


async def test_the_bulk_planner_writes_the_rows_the_one_meeting_path_writes(
    services: Services, clock: ManualClock
) -> None:
    """Bulk planning reads members as ``PlannedMember`` tuples and builds ``PlanRow`` tuples;
    ``plan_meeting`` (a meeting created or moved) reads ORM members. Same rule, same rows:
    keys, recipients, payloads, due times and turns, with members' choices, a status, answers,
    presenters, a committee member and members the bot cannot write to; in the same order of
    ids (the database builds the members' rows from ``MemberRow``s)."""
    cell = await build_cell(
        services.db, members=8, tid_base=300, without_telegram=["Không Có Telegram"]
    )
    await add_members(services.db, cell.cell_id, 1, tid_base=390, role=Role.COMMITTEE)
    await add_members(services.db, cell.cell_id, 1, tid_base=395, can_dm=False)
    ids = cell.member_ids
    meeting = await make_meeting(
        services.db, cell.cell_id, clock.now() + days(5), kind=MeetingKind.THEMATIC
    )
    starts = clock.now() + days(5)
    async with services.db.session() as session:
        names = {m.id: m.full_name for m in await session.scalars(select(Member))}
        await session.execute(
            update(Meeting)
            .where(Meeting.id == meeting)
            .values(presenters=f"{names[ids[2]]}, Không Ai")
        )
        await session.execute(
            update(Member).where(Member.id == ids[0]).values(reminder_off_leads=[4320])
        )
        await session.execute(
            update(Member)
            .where(Member.id == ids[1])
            .values(reminders_paused_until=(starts - days(2)).date())
        )
        session.add(
            MemberStatus(
                cell_id=cell.cell_id,
                member_id=ids[3],
                kind=StatusKind.EXEMPT_MEETINGS,
                starts_on=(starts - days(30)).date(),
                ends_on=(starts + days(30)).date(),
                reason="Ốm dài ngày",
            )
        )
    await services.attendance.answer(304, meeting, AttendanceAnswer.NO)
    await services.attendance.answer(305, meeting, AttendanceAnswer.YES)

    # in the order of their ids: the claim's last tie-break comes out as it did
    bulk = await _bulk_as_alone(services, clock, [(meeting, cell.cell_id)])
    kinds = {(row[1], row[4]) for row in bulk}
    assert ("reminder", ids[3]) not in kinds and ("reminder", ids[4]) not in kinds
    assert ("nudge", ids[5]) not in kinds and ("nudge", ids[6]) in kinds
    assert ("committee_task", ids[2]) in kinds  # the presenter's task


async def _in_id_order(services: Services) -> list[tuple[Any, ...]]:
    """The planned rows in the order of their ids (the claim's last tie-break)."""
    async with services.db.session() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [
            tuple(getattr(r, column) for column in _COLUMNS)
            for r in rows
            if r.kind != "meeting_notice"
        ]


async def _plan_alone(services: Services, meeting: int, cell_id: int, clock: ManualClock) -> int:
    async with services.db.session() as session:
        found = await session.get(Meeting, meeting)
        home = await session.get(Cell, cell_id)
        assert found is not None and home is not None
        return await plan_meeting(session, found, home, clock.now())


async def _bulk_as_alone(
    services: Services, clock: ManualClock, meetings: list[tuple[int, int]]
) -> list[tuple[Any, ...]]:
    """Plan ``meetings`` (meeting, cell) in bulk, then each alone in turn: the same rows in
    the same order of ids; returns them."""
    async with services.db.session() as session:
        await session.execute(delete(OutboxMessage))
    report = await services.meetings.planner.plan_changed(clock.now(), PLAN_HORIZON)
    assert report.planned == len(meetings) and report.failed_cells == ()
    bulk = await _in_id_order(services)
    async with services.db.session() as session:
        await session.execute(delete(OutboxMessage))
    alone = [await _plan_alone(services, meeting, cell_id, clock) for meeting, cell_id in meetings]
    assert sum(alone) == len(bulk)
    assert await _in_id_order(services) == bulk
    return bulk


async def test_two_cells_planned_together_get_the_rows_ids_and_turns_of_one_by_one(
    services: Services, clock: ManualClock
) -> None:
    """Two cells in one group (one statement): each cell's rows in the order, with the turns,
    that planning its meeting alone gives, the first cell's before the second's."""
    one, two = await _two_cells(services, 4, 5)
    first = await make_meeting(services.db, one.cell_id, clock.now() + days(5))
    second = await make_meeting(services.db, two.cell_id, clock.now() + days(4))
    async with services.db.session() as session:
        await session.execute(
            update(Member).where(Member.id == two.member_ids[1]).values(reminder_off_leads=[120])
        )
    await services.attendance.answer(401, second, AttendanceAnswer.YES)

    # as the bulk planner goes: soonest meeting first
    bulk = await _bulk_as_alone(services, clock, [(second, two.cell_id), (first, one.cell_id)])
    assert [row[0] for row in bulk[:1]] == [two.cell_id]
    assert len({row[0] for row in bulk}) == 2


async def test_groups_written_at_once_get_the_ids_of_groups_written_in_turn(
    services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three cells, a group each (on PostgreSQL two groups are written at once, their ids
    reserved beforehand): the rows, their ids' order and turns are those of planning each
    meeting alone, one after another."""
    monkeypatch.setattr(planning, "BATCH_MEMBERS", 7)
    cells = [
        await build_cell(
            services.db,
            name=f"Chi bộ {n}",
            members=5,
            tid_base=300 + 100 * n,
            secretary_tid=100 + n,
            group_chat_id=-1000 - n,
        )
        for n in range(3)
    ]
    meetings = [
        await make_meeting(services.db, cell.cell_id, clock.now() + days(5) + timedelta(hours=n))
        for n, cell in enumerate(cells)
    ]

    pairs = [(meeting, cell.cell_id) for meeting, cell in zip(meetings, cells, strict=True)]
    bulk = await _bulk_as_alone(services, clock, pairs)
    assert [row[0] for row in bulk[:1]] == [cells[0].cell_id]
