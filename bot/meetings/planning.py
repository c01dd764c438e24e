"""Periodic planning of reminders: incremental, in short transactions, a group of cells at a time.

Every meeting in the horizon gets a digest (``plan_key``) of what its reminders depend on: its
start, status and presenters, its cell's lead times, what members may choose of them, group
and time zone, its cell's members (any added, removed or changed, their reminder choices
included), and who said "absent". A meeting whose digest is the one
stored when it was last planned is skipped, so a run with nothing new reads four aggregate
queries and writes nothing. Changed meetings are planned with bot/meetings/reminders.py (the one
place that says who is reminded), cells grouped up to ``BATCH_MEMBERS`` members: a group is read
in one short transaction (a few queries for all its cells), its rows built outside any, and
written in another with one statement (``OutboxRepository.plan_or_revive``: the members' rows
go as one ``MemberRow`` each, built by the database; on PostgreSQL two groups are written at
once, on two connections, their ids reserved in the groups' order). A cell bigger than
a group goes alone, its members in slices of ``BATCH_MEMBERS``, each slice its own transaction:
no SQLite write waits long on it and no statement nears a driver's parameter limit. Rows are
idempotent, so a slice that fails is simply planned again next time, and the digest is stored
only once every slice is in; a meeting moved or cancelled between the read and the write is
left out of the write and keeps its old digest, so the next run plans it again.

A cell whose planning fails (a bad row, anything) does not stop the others: it is logged once
(not again every run while it keeps failing), and its secretary and deputy are told privately,
once a day (kind ``planning_failed``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.meetings.reminders import (
    is_plannable,
    leads_of,
    meeting_day,
    member_plan,
    plan_rows,
    shared_rows,
)
from bot.members.statuses import without_status
from bot.views import CellInfo
from storage.db import Database
from storage.models import AttendanceAnswer, Cell, Meeting, Role, StatusKind
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository, PlannedMember
from storage.repositories.outbox import MemberRow, OutboxRepository, PlanRow
from storage.repositories.statuses import StatusRepository

log = logging.getLogger(__name__)

PLANNING_FAILED = "planning_failed"
# Members per transaction (about 6,000 rows with three lead times and the nudge): small cells
# are planned together up to this many, a bigger cell alone and in slices of it. SQLite writes
# them in about 0.1 s; on PostgreSQL they go as 12 arrays, one statement, far from any limit.
BATCH_MEMBERS = 1_500
BATCH_CELLS = 400  # and at most this many cells (the ids go in IN lists)
PG_WRITERS = 2  # PostgreSQL: groups written at once, each on its own connection
PLAN_KEY_VERSION = "2"  # bump when what the rows depend on changes: everything is re-planned


@dataclass(frozen=True)
class PlanReport:
    meetings: int  # in the horizon
    planned: int  # of them, planned because something changed
    new_rows: int
    failed_cells: tuple[int, ...]


def plan_key(
    meeting: Meeting,
    cell: Cell,
    members: tuple[int, int, str] | None,
    absent: tuple[int, int] | None,
    statuses: tuple[int, int, str, str] | None = None,
) -> str:
    parts = (
        PLAN_KEY_VERSION,
        meeting.starts_at.isoformat(),
        str(meeting.status),
        str(meeting.kind),
        meeting.presenters or "",
        repr(leads_of(cell)),
        repr((cell.reminder_required_leads, cell.reminder_pause_allowed)),  # members' choices
        str(cell.group_chat_id),
        cell.timezone,
        repr(members),
        repr(absent),
        repr(statuses),
    )
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _groups(cell_ids: list[int], sizes: Mapping[int, int]) -> Iterator[list[int]]:
    """The cells in groups of at most ``BATCH_MEMBERS`` members and ``BATCH_CELLS`` cells; a
    cell bigger than that is a group alone."""
    group: list[int] = []
    total = 0
    for cell_id in cell_ids:
        size = sizes.get(cell_id, 0)
        if group and (total + size > BATCH_MEMBERS or len(group) == BATCH_CELLS):
            yield group
            group, total = [], 0
        group.append(cell_id)
        total += size
    if group:
        yield group


async def _statuses(
    session: AsyncSession, group: list[int], meetings: list[Meeting], cells: Mapping[int, Cell]
) -> defaultdict[tuple[int, date], dict[int, StatusKind]]:
    """Per (cell, meeting day): each member's status on that day, as
    bot/members/statuses.py ``statuses_on`` reads it, for the whole group in one query."""
    days = {(m.cell_id, meeting_day(m, cells[m.cell_id])) for m in meetings}
    on: defaultdict[tuple[int, date], dict[int, StatusKind]] = defaultdict(dict)
    if not days:
        return on
    first, last = min(day for _, day in days), max(day for _, day in days)
    for status in await StatusRepository(session).overlapping_cells(group, first, last):
        for cell_id, day in days:
            if cell_id == status.cell_id and status.starts_on <= day <= status.ends_on:
                on[cell_id, day][status.member_id] = StatusKind(status.kind)
    return on


@dataclass
class _Slices:
    """A meeting whose members do not fit one transaction: the rest of them, slice by slice."""

    meeting: Meeting
    cell: Cell
    members: list[PlannedMember]
    answers: Mapping[int, AttendanceAnswer]


@dataclass
class _Read:
    """What planning a group of cells reads, in one short transaction."""

    group: list[int]
    meetings: list[Meeting]  # the changed ones still plannable
    members: dict[int, list[PlannedMember]]
    answers: dict[int, dict[int, AttendanceAnswer]]
    statuses: defaultdict[tuple[int, date], dict[int, StatusKind]]


@dataclass
class _Plan:
    """A group's rows, built from a ``_Read`` outside any transaction."""

    group: list[int]
    rows: list[PlanRow | MemberRow] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)
    # each planned meeting as read (start, status): the write checks it still is
    read_as: dict[int, tuple[datetime, str]] = field(default_factory=dict)
    later: list[_Slices] = field(default_factory=list)
    errors: dict[int, Exception] = field(default_factory=dict)
    ids: list[int] | None = None  # reserved for its rows (PostgreSQL, written alongside another)


class Planner:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.failing: set[int] = set()  # cells whose last planning failed (logged once)

    async def plan_changed(self, now: datetime, horizon: timedelta) -> PlanReport:
        """Plan the meetings within ``horizon`` whose digest changed since their last plan.

        Cells go in groups of up to ``BATCH_MEMBERS`` members, each in three steps: read (one
        short transaction, a few queries for the whole group), build the rows (no
        transaction), write (one short transaction, one statement for all the rows)."""
        end = now + horizon
        async with self.db.session() as session:
            repo = MeetingRepository(session)
            meetings = await repo.all_scheduled_after(now, end)
            cells = {cell.id: cell for cell in await CellRepository(session).all()}
            members = await repo.member_digests()
            absent = await repo.absence_digests(now, end)
            statuses = await StatusRepository(session).digests()
        changed: dict[int, dict[int, str]] = defaultdict(dict)
        for meeting in meetings:
            cell = cells.get(meeting.cell_id)
            if cell is None:
                continue
            key = plan_key(
                meeting,
                cell,
                members.get(cell.id),
                absent.get(meeting.id),
                statuses.get(cell.id),
            )
            if meeting.plan_key != key:
                changed[cell.id][meeting.id] = key
        sizes = {cell_id: (members.get(cell_id) or (0,))[0] for cell_id in changed}
        new, failed = 0, []
        # On PostgreSQL the server works in its own processes: up to ``PG_WRITERS`` groups
        # are written at once, each its own transaction on its own pooled connection, while
        # the next group is built (in a thread). On SQLite they take turns: there is one
        # writer, and with the GIL SQLite's ``executemany`` would wait for the interpreter at
        # every row.
        writers = PG_WRITERS if self.db.dialect == "postgresql" else 1
        writing: deque[asyncio.Task[tuple[int, dict[int, Exception]]]] = deque()

        async def settle(task: asyncio.Task[tuple[int, dict[int, Exception]]]) -> None:
            nonlocal new
            planned, errors = await task
            new += planned
            for cell_id, error in errors.items():
                failed.append(cell_id)
                await self.cell_failed(cell_id, now, error)

        for group in _groups(list(changed), sizes):
            read = await self._read(group, cells, changed, now)
            if writers > 1:
                built = await asyncio.to_thread(_build, read, cells, changed, now)
            else:
                built = _build(read, cells, changed, now)
            alone = writers == 1 or bool(built.later)  # a big cell's slices: after the rest
            while len(writing) >= (1 if alone else writers):
                await settle(writing.popleft())
            if not alone:
                # ids taken now, in the order of the groups: the rows get the ids they would
                # get written one group after another (the claim's last tie-break)
                built.ids = await self._reserve_ids(built)
            writing.append(asyncio.create_task(self._write_or_isolate(built, cells, changed, now)))
            if alone:
                await settle(writing.popleft())
        while writing:
            await settle(writing.popleft())
        for cell_id in changed:
            if cell_id in self.failing and cell_id not in failed:
                self.failing.discard(cell_id)
                log.info("planning: cell %s is planned again", cell_id)
        planned = sum(len(todo) for todo in changed.values())
        return PlanReport(len(meetings), planned, new, tuple(failed))

    async def _read(
        self,
        group: list[int],
        cells: Mapping[int, Cell],
        changed: Mapping[int, Mapping[int, str]],
        now: datetime,
    ) -> _Read:
        ids = [meeting_id for cell_id in group for meeting_id in changed[cell_id]]
        async with self.db.session() as session:
            meetings = await MeetingRepository(session).many(ids)
            plannable = [m for m in meetings.values() if is_plannable(m, now)]
            return _Read(
                group,
                plannable,
                await MemberRepository(session).in_states_of(group),
                await MeetingRepository(session).answers_of([m.id for m in plannable]),
                await _statuses(session, group, plannable, cells),
            )

    async def _reserve_ids(self, plan: _Plan) -> list[int] | None:
        count = sum(len(row.entries) if isinstance(row, MemberRow) else 1 for row in plan.rows)
        if not count:
            return None
        async with self.db.session() as session:
            return await OutboxRepository(session).reserve_ids(count)

    async def _write_or_isolate(
        self,
        plan: _Plan,
        cells: Mapping[int, Cell],
        changed: Mapping[int, Mapping[int, str]],
        now: datetime,
    ) -> tuple[int, dict[int, Exception]]:
        """Write a group's plan; returns the new rows and the cells that failed, with why. A
        write that fails for the group is done again cell by cell, so only the cell at fault
        fails."""
        try:
            return await self._write(plan, now)
        except Exception as error:
            if len(plan.group) == 1:
                return 0, {plan.group[0]: error}
        new, errors = 0, {}
        for cell_id in plan.group:
            read = await self._read([cell_id], cells, changed, now)
            planned, failed = await self._write_or_isolate(
                _build(read, cells, changed, now), cells, changed, now
            )
            new += planned
            errors.update(failed)
        return new, errors

    async def _write(self, plan: _Plan, now: datetime) -> tuple[int, dict[int, Exception]]:
        """One transaction: the rows of the meetings still as they were read (one moved or
        cancelled meanwhile keeps its old digest, so the next run plans it again), and their
        digests, unless a big cell's slices follow (the digest waits for the last slice)."""
        async with self.db.session() as session:
            current = await MeetingRepository(session).many(list(plan.read_as))
            moved = {
                meeting_id
                for meeting_id, seen in plan.read_as.items()
                if meeting_id not in current
                or (current[meeting_id].starts_at, str(current[meeting_id].status)) != seen
            }
            rows = [row for row in plan.rows if row.meeting_id not in moved] if moved else plan.rows
            keys = [(m, key) for m, key in plan.keys if m not in moved]
            new = await plan_rows(session, rows, plan.ids)
            if not plan.later:
                await MeetingRepository(session).set_plan_keys(keys)
        if plan.later:
            try:
                new += await self._plan_slices(plan.later, now)
            except Exception as error:
                return new, {**plan.errors, plan.group[0]: error}  # slices: a group of one
            async with self.db.session() as session:
                await MeetingRepository(session).set_plan_keys(keys)
        return new, plan.errors

    async def _plan_slices(self, later: list[_Slices], now: datetime) -> int:
        """The rest of a big cell's members, ``BATCH_MEMBERS`` per transaction: SQLite's write
        lock is never held long, and rows are idempotent, so a slice that fails is planned
        again next run."""
        new = 0
        for big in later:
            for start in range(0, len(big.members), BATCH_MEMBERS):
                part = big.members[start : start + BATCH_MEMBERS]
                rows = member_plan(big.meeting, big.cell, part, big.answers, now)
                async with self.db.session() as session:
                    new += await plan_rows(session, rows)
        return new

    async def cell_failed(
        self, cell_id: int, now: datetime, error: BaseException | None = None
    ) -> None:
        """Log a cell's failure once (with the traceback of ``error``, or of the exception
        being handled) and tell its leaders, once a day."""
        why: BaseException | bool = error if error is not None else True
        if cell_id in self.failing:
            log.debug("planning: cell %s still fails", cell_id, exc_info=why)
        else:
            self.failing.add(cell_id)
            log.error("planning: cell %s failed; the other cells go on", cell_id, exc_info=why)
        try:
            async with self.db.session() as session:
                cell = await CellRepository(session).get(cell_id)
                if cell is None:
                    return
                day = now.astimezone(CellInfo.of(cell).tz).date().isoformat()
                committee = await MemberRepository(session).committee(cell_id)
                leaders = [
                    m for m in committee if m.role in (Role.SECRETARY, Role.DEPUTY)
                ] or committee
                await OutboxRepository(session).plan(
                    [
                        {
                            "cell_id": cell_id,
                            "kind": PLANNING_FAILED,
                            "dedupe_key": f"planfail:{cell_id}:{member.id}:{day}",
                            "chat_id": member.telegram_id,
                            "member_id": member.id,
                            "due_at": now,
                        }
                        for member in leaders
                        if member.telegram_id is not None and member.can_dm
                    ]
                )
        except Exception:
            log.warning("planning: could not tell cell %s's committee", cell_id, exc_info=True)


def _build(
    read: _Read, cells: Mapping[int, Cell], changed: Mapping[int, Mapping[int, str]], now: datetime
) -> _Plan:
    """A group's rows, cell by cell (bot/meetings/reminders.py says which): a cell whose rows
    cannot be built (a bad row) fails alone."""
    plan = _Plan(read.group)
    for cell_id in read.group:
        cell = cells[cell_id]
        members = read.members.get(cell_id, [])
        mine = [m for m in read.meetings if m.cell_id == cell_id]
        try:
            rows: list[PlanRow | MemberRow] = []
            later: list[_Slices] = []
            for meeting in mine:
                day = meeting_day(meeting, cell)
                reminded = without_status(members, read.statuses[cell_id, day])
                answers = read.answers.get(meeting.id, {})
                rows += shared_rows(meeting, cell, members, now)
                rows += member_plan(meeting, cell, reminded[:BATCH_MEMBERS], answers, now)
                if len(reminded) > BATCH_MEMBERS:
                    later.append(_Slices(meeting, cell, reminded[BATCH_MEMBERS:], answers))
        except Exception as error:
            plan.errors[cell_id] = error
            continue
        plan.rows += rows
        plan.later += later
        for meeting in mine:
            plan.keys.append((meeting.id, changed[cell_id][meeting.id]))
            plan.read_as[meeting.id] = (meeting.starts_at, str(meeting.status))
    return plan
