"""The periodic planning of reminders: incremental, in short transactions, one cell at a time.

Every meeting in the horizon gets a digest (``plan_key``) of what its reminders depend on: its
start, status and presenters, its cell's lead times, what members may choose of them, group
and time zone, its cell's members (any added, removed or changed, their reminder choices
included), and who said "absent". A meeting whose digest is the one
stored when it was last planned is skipped, so a run with nothing new reads four aggregate
queries and writes nothing. A changed meeting is planned with bot/meetings/reminders.py (the one
place that says who is reminded), its members in slices of ``MEMBER_SLICE`` (each slice its own
short transaction: a 9,001-member cell never holds SQLite's write lock for long, and no
statement nears a driver's parameter limit); rows are idempotent, so a slice that fails is
simply planned again next time, and the digest is stored only once every slice is in.

A cell whose planning fails (a bad row, anything) does not stop the others: it is logged once
(not again every run while it keeps failing), and its secretary and deputy are told privately,
once a day (kind ``planning_failed``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.meetings.reminders import (
    expected,
    is_plannable,
    leads_of,
    member_rows,
    plan_rows,
    shared_rows,
)
from bot.views import CellInfo
from storage.db import Database
from storage.models import Cell, Meeting, Role
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.statuses import StatusRepository

log = logging.getLogger(__name__)

PLANNING_FAILED = "planning_failed"
MEMBER_SLICE = 500  # members per transaction (about 2,000 rows with three lead times)
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


class Planner:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.failing: set[int] = set()  # cells whose last planning failed (logged once)

    async def plan_changed(self, now: datetime, horizon: timedelta) -> PlanReport:
        """Plan the meetings within ``horizon`` whose digest changed since their last plan."""
        end = now + horizon
        async with self.db.session() as session:
            repo = MeetingRepository(session)
            meetings = await repo.all_scheduled_after(now, end)
            cells = {cell.id: cell for cell in await CellRepository(session).all()}
            members = await repo.member_digests()
            absent = await repo.absence_digests(now, end)
            statuses = await StatusRepository(session).digests()
        changed: dict[int, list[tuple[int, str]]] = defaultdict(list)
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
                changed[cell.id].append((meeting.id, key))
        new, failed = 0, []
        for cell_id, todo in changed.items():
            try:
                for meeting_id, key in todo:
                    new += await self._plan_one(meeting_id, key, now)
            except Exception:
                failed.append(cell_id)
                await self.cell_failed(cell_id, now)
            else:
                if cell_id in self.failing:
                    self.failing.discard(cell_id)
                    log.info("planning: cell %s is planned again", cell_id)
        planned = sum(len(todo) for todo in changed.values())
        return PlanReport(len(meetings), planned, new, tuple(failed))

    async def _plan_one(self, meeting_id: int, key: str, now: datetime) -> int:
        async with self.db.session() as session:
            meeting = await MeetingRepository(session).get(meeting_id)
            cell = await CellRepository(session).get(meeting.cell_id) if meeting else None
            if meeting is None or cell is None or not is_plannable(meeting, now):
                return 0
            members = await MemberRepository(session).in_states(cell.id)
            answers = await MeetingRepository(session).answers(meeting.id)
            rows = shared_rows(meeting, cell, members, now)
            members = await expected(session, meeting, cell, members)
            if len(members) <= MEMBER_SLICE:  # most cells: one short transaction
                rows += member_rows(meeting, cell, members, answers, now)
                new = await plan_rows(session, rows)
                await MeetingRepository(session).set_plan_key(meeting_id, key)
                return new
            new = await plan_rows(session, rows)
        for start in range(0, len(members), MEMBER_SLICE):
            part = members[start : start + MEMBER_SLICE]
            async with self.db.session() as session:
                new += await plan_rows(session, member_rows(meeting, cell, part, answers, now))
        async with self.db.session() as session:
            await MeetingRepository(session).set_plan_key(meeting_id, key)
        return new

    async def cell_failed(self, cell_id: int, now: datetime) -> None:
        """Log a cell's failure once (with its traceback) and tell its leaders, once a day.
        Called from an ``except`` block."""
        if cell_id in self.failing:
            log.debug("planning: cell %s still fails", cell_id, exc_info=True)
        else:
            self.failing.add(cell_id)
            log.exception("planning: cell %s failed; the other cells go on", cell_id)
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
