"""Reminders through the DB outbox: which rows to plan for a meeting (and the gap warnings).

Planning is idempotent: every row has a unique ``dedupe_key`` naming the meeting, the recipient,
the lead time and the meeting's start (epoch seconds), so planning again never duplicates, and
a reschedule cancels the old rows and arms new ones. The decision whether a row is still worth
sending is taken again at send time by the renderer in bot/meetings/reminder_messages.py
(meeting cancelled or moved, already begun, the member declined, a later reminder already due
after downtime): the DB is the truth.

Kinds: ``reminder`` (member, private), ``reminder_group`` (summary in the group), ``nudge``
(not answered yet; rendered by bot/attendance), ``committee_task`` (HD 42 preparation, and the
gap warnings), ``meeting_notice`` (created / changed / cancelled).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.meetings.views import DEFAULT_LEADS
from bot.members.names import fold_name
from bot.members.reminder_prefs import Choices, wants_lead, wants_nudge
from bot.members.statuses import statuses_on, without_status
from bot.views import CellInfo
from storage.models import (
    AttendanceAnswer,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Role,
)
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import MemberRow, OutboxRepository, PlanEntry, PlanRow

REMINDER = "reminder"
GROUP_REMINDER = "reminder_group"
NUDGE = "nudge"
COMMITTEE_TASK = "committee_task"
NOTICE = "meeting_notice"
TIME_BOUND_KINDS = (REMINDER, GROUP_REMINDER, NUDGE, COMMITTEE_TASK)

NUDGE_LEAD = 2 * 24 * 60  # the automatic "not answered yet" nudge, 2 days before
TASK_LEADS = {"prepare": 7 * 24 * 60, "presenter": 5 * 24 * 60, "documents": 3 * 24 * 60}
DOCUMENTS_DUE_BEFORE = timedelta(days=1)  # members read the documents by the day before
GAP_NOTICE_FROM_DAY = 20  # from the 20th, warn about next month / next quarter too
GAP_NOTICE_AT = time(8, 0)


@functools.lru_cache(maxsize=1024)  # planning asks it once per row, of a few moments
def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# --- planning -------------------------------------------------------------------------------
def documents_deadline(starts_at: datetime) -> datetime:
    """When the documents of a meeting must be read (and so sent out) by."""
    return starts_at - DOCUMENTS_DUE_BEFORE


def leads_of(cell: Cell) -> tuple[int, ...]:
    return tuple(sorted(cell.reminder_leads or DEFAULT_LEADS, reverse=True))


def _row(
    meeting: Meeting, kind: str, key: str, chat_id: int, due: datetime, **payload: Any
) -> PlanRow:
    member_id = payload.pop("member_id", None)
    ready = {"starts": epoch(meeting.starts_at), **payload}
    return PlanRow(meeting.cell_id, kind, key, chat_id, member_id, meeting.id, ready, due)


class Remindable(Choices, Protocol):
    """What planning reads of a member: a ``Member``, or the ``PlannedMember`` tuple that
    bulk planning reads (storage/repositories/members.py ``in_states_of``)."""

    @property
    def id(self) -> int: ...

    @property
    def telegram_id(self) -> int | None: ...

    @property
    def can_dm(self) -> bool: ...

    @property
    def full_name(self) -> str: ...

    @property
    def role(self) -> str: ...


_R = TypeVar("_R", bound=Remindable)


def reachable(members: Sequence[_R]) -> list[_R]:
    """Who the bot can remind privately: the one place that says so for planning."""
    return [m for m in members if m.telegram_id is not None and m.can_dm]


async def expected(
    session: AsyncSession, meeting: Meeting, cell: Cell, members: Sequence[Member]
) -> list[Member]:
    """Those of ``members`` who are reminded of ``meeting`` as members: not exempted, not
    temporarily elsewhere, not on long leave on its day (bot/members/statuses.py)."""
    day = meeting_day(meeting, cell)
    return without_status(list(members), await statuses_on(session, cell.id, day))


def meeting_day(meeting: Meeting, cell: Cell) -> date:
    """The meeting's date where its cell is: the day members' statuses are taken on."""
    return meeting.starts_at.astimezone(ZoneInfo(cell.timezone)).date()


def member_rows(
    meeting: Meeting,
    cell: Cell,
    members: Sequence[Remindable],
    answers: Mapping[int, AttendanceAnswer],
    now: datetime,
) -> list[PlanRow]:
    """Each member's own reminders and nudge (for ``members``, a part of the cell or all), as
    each member chose within what the cell allows (bot/members/reminder_prefs.py): the rows of
    ``member_plan``, one by one."""
    return [
        row for member in member_plan(meeting, cell, members, answers, now) for row in member.rows()
    ]


def member_plan(
    meeting: Meeting,
    cell: Cell,
    members: Sequence[Remindable],
    answers: Mapping[int, AttendanceAnswer],
    now: datetime,
) -> list[MemberRow]:
    """``member_rows``, compact: a ``MemberRow`` per member who gets any, its entries shared
    by every member who gets the same rows (bulk planning has the database build the rows).

    ``wants_lead`` and ``wants_nudge`` are asked once per distinct choice (``_choice``): most
    members of a cell chose alike, and asking per member and lead was most of the time of a
    province's first planning. Rows of one lead share one payload dict (read-only)."""
    stamp = epoch(meeting.starts_at)
    mid, cell_id = meeting.id, meeting.cell_id
    all_leads = leads_of(cell)
    ahead = [
        (lead, due)
        for lead in all_leads
        if (due := meeting.starts_at - timedelta(minutes=lead)) >= now
    ]
    payloads = {lead: {"starts": stamp, "lead": lead} for lead, _ in ahead}
    nudge_due = meeting.starts_at - timedelta(minutes=NUDGE_LEAD)
    nudge_payload = {"starts": stamp}
    nudging = nudge_due >= now
    rem_prefix, nudge_prefix, nudge_suffix = f"rem:{mid}:", f"nudge:{mid}:", f":a{stamp}"
    # per choice and answer (0 none, 1 "no", 2 another): the member's rows
    wanted: dict[tuple[tuple[object, ...], int], tuple[PlanEntry, ...]] = {}
    plan: list[MemberRow] = []
    append = plan.append
    for member in reachable(members):
        member_id, chat_id = member.id, member.telegram_id
        assert chat_id is not None  # reachable() keeps only members with Telegram
        answer = answers.get(member_id)
        said = 0 if member_id not in answers else 1 if answer is AttendanceAnswer.NO else 2
        choice = (_choice(member), said)
        entries = wanted.get(choice)
        if entries is None:
            rows: list[PlanEntry] = []
            if said != 1:  # the announcement covers a "no"
                rows += [
                    PlanEntry(REMINDER, rem_prefix, f":{lead}:{stamp}", payloads[lead], due)
                    for lead, due in ahead
                    if wants_lead(member, cell, all_leads, lead, due)
                ]
            if said == 0 and nudging and wants_nudge(member, cell, nudge_due):
                rows.append(PlanEntry(NUDGE, nudge_prefix, nudge_suffix, nudge_payload, nudge_due))
            entries = wanted[choice] = tuple(rows)
        if entries:
            append(MemberRow(cell_id, mid, member_id, chat_id, entries))
    return plan


def _choice(member: Remindable) -> tuple[object, ...]:
    """What ``wants_lead`` and ``wants_nudge`` read of a member (its reminder choices): two
    members alike in it get the same reminders of a meeting."""
    return (tuple(member.reminder_off_leads or ()), member.reminders_paused_until)


def shared_rows(
    meeting: Meeting, cell: Cell, members: Sequence[Remindable], now: datetime
) -> list[PlanRow]:
    """The group's summaries and the committee's tasks (``members``: the whole cell)."""
    stamp = epoch(meeting.starts_at)
    rows: list[PlanRow] = []
    if cell.group_chat_id is not None:
        for lead in leads_of(cell):
            due = meeting.starts_at - timedelta(minutes=lead)
            if due >= now:
                key = f"remg:{meeting.id}:{lead}:{stamp}"
                rows.append(_row(meeting, GROUP_REMINDER, key, cell.group_chat_id, due, lead=lead))
    return rows + _committee_rows(meeting, reachable(members), now)


def is_plannable(meeting: Meeting, now: datetime) -> bool:
    return meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at > now


async def plan_rows(
    session: AsyncSession, rows: Sequence[PlanRow | MemberRow], ids: Sequence[int] | None = None
) -> int:
    """Insert the rows not planned yet (with ``ids``, reserved beforehand, if given); returns
    how many are new (or wanted again)."""
    # Rows cancelled earlier (a lead time removed and added back, a meeting moved there and
    # back) are wanted again: they were never sent, so making them pending keeps exactly-once.
    return await OutboxRepository(session).plan_or_revive(rows, ids)


async def plan_meeting(session: AsyncSession, meeting: Meeting, cell: Cell, now: datetime) -> int:
    """Plan every reminder of one meeting that is still ahead; returns how many rows are new."""
    if not is_plannable(meeting, now):
        return 0
    members = await MemberRepository(session).in_states(cell.id)
    answers = await MeetingRepository(session).answers(meeting.id)
    reminded = await expected(session, meeting, cell, members)
    rows = shared_rows(meeting, cell, members, now) + member_rows(
        meeting, cell, reminded, answers, now
    )
    return await plan_rows(session, rows)


def _committee_rows(
    meeting: Meeting, members: Sequence[Remindable], now: datetime
) -> list[PlanRow]:
    stamp = epoch(meeting.starts_at)
    committee = [m for m in members if Role(m.role).is_committee]
    leaders = [m for m in committee if m.role in (Role.SECRETARY, Role.DEPUTY)] or committee
    rows: list[PlanRow] = []
    tasks: list[tuple[str, list[Remindable]]] = [("prepare", committee), ("documents", leaders)]
    thematic = meeting.kind in (MeetingKind.THEMATIC, MeetingKind.COMBINED)
    if thematic and meeting.presenters:
        wanted = {fold_name(name) for name in meeting.presenters.split(",") if name.strip()}
        presenters = [m for m in members if fold_name(m.full_name) in wanted]
        by_id = {m.id: m for m in [*leaders, *presenters]}
        tasks.append(("presenter", list(by_id.values())))
    for task, recipients in tasks:
        due = meeting.starts_at - timedelta(minutes=TASK_LEADS[task])
        if due < now:
            continue
        for member in recipients:
            assert member.telegram_id is not None
            key = f"task:{meeting.id}:{member.id}:{task}:{stamp}"
            rows.append(
                _row(
                    meeting,
                    COMMITTEE_TASK,
                    key,
                    member.telegram_id,
                    due,
                    task=task,
                    member_id=member.id,
                )
            )
    return rows


async def replan_meeting(session: AsyncSession, meeting: Meeting, cell: Cell, now: datetime) -> int:
    """After a reschedule or cancellation: drop the pending time-bound rows, plan anew."""
    await OutboxRepository(session).cancel(meeting_id=meeting.id, kinds=TIME_BOUND_KINDS)
    return await plan_meeting(session, meeting, cell, now)


async def plan_notice(
    session: AsyncSession,
    meeting: Meeting,
    cell: Cell,
    event: str,
    event_id: int,
    now: datetime,
    *,
    what: str | None = None,
    skip_member_id: int | None = None,
) -> int:
    """Tell every reachable member (and the group) that a meeting was created/changed/cancelled.

    ``event_id`` (the audit entry) makes each change a distinct message, sent once.
    """
    members = await MemberRepository(session).in_states(cell.id)
    rows = []
    for member in members:
        if member.telegram_id is None or not member.can_dm or member.id == skip_member_id:
            continue
        key = f"notice:{meeting.id}:{member.id}:{event_id}"
        rows.append(
            _row(
                meeting,
                NOTICE,
                key,
                member.telegram_id,
                now,
                event=event,
                what=what,
                member_id=member.id,
            )._asdict()
        )
    if cell.group_chat_id is not None:
        key = f"noticeg:{meeting.id}:{event_id}"
        row = _row(meeting, NOTICE, key, cell.group_chat_id, now, event=event, what=what)
        rows.append(row._asdict())
    await OutboxRepository(session).plan(rows)
    return len([r for r in rows if r["member_id"] is not None])


async def plan_change(
    session: AsyncSession,
    meeting: Meeting,
    cell: Cell,
    event_id: int,
    now: datetime,
    *,
    what: str,
    actor_id: int,
) -> int:
    """A meeting was edited (``what``): tell the others and, when it moved, replan its reminders."""
    notified = await plan_notice(
        session, meeting, cell, "changed", event_id, now, what=what, skip_member_id=actor_id
    )
    if what == "when":
        await replan_meeting(session, meeting, cell, now)
    return notified


async def plan_gap_warnings(session: AsyncSession, cell: Cell, now: datetime) -> int:
    """Warn the secretary about a month without a regular meeting or a quarter without a
    thematic one (the current ones, and the next ones from the 20th of the month)."""
    tz = CellInfo.of(cell).tz
    today = now.astimezone(tz).date()
    months = [(today.year, today.month)]
    if today.day >= GAP_NOTICE_FROM_DAY:
        months.append(_next_month(today.year, today.month))
    quarters = {(y, (m - 1) // 3 + 1) for y, m in months}
    leaders = [
        m
        for m in await MemberRepository(session).committee(cell.id)
        if m.role in (Role.SECRETARY, Role.DEPUTY) and m.telegram_id is not None
    ]
    gaps: list[tuple[str, dict[str, Any]]] = []  # (period in the dedupe key, payload)
    for year, month in months:
        if not await has_meeting(session, cell, month_range(year, month), REGULAR_LIKE):
            gaps.append((f"{year}-{month:02d}", {"gap": "regular", "year": year, "month": month}))
    for year, quarter in sorted(quarters):
        if not await has_meeting(session, cell, quarter_range(year, quarter), THEMATIC_LIKE):
            gaps.append(
                (f"{year}q{quarter}", {"gap": "thematic", "year": year, "quarter": quarter})
            )
    due = next_morning(now, tz)
    rows = [
        _gap_row(cell, member, f"gap:{cell.id}:{member.id}:{period}", due, **payload)
        for period, payload in gaps
        for member in leaders
    ]
    return await OutboxRepository(session).plan(rows)


def next_morning(now: datetime, tz: ZoneInfo) -> datetime:
    """The next 08:00 in the cell's time zone: warnings wait for the working day."""
    local = now.astimezone(tz)
    morning = datetime.combine(local.date(), GAP_NOTICE_AT, tz)
    return morning if morning > now else morning + timedelta(days=1)


REGULAR_LIKE = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_LIKE = (MeetingKind.THEMATIC, MeetingKind.COMBINED)


def _gap_row(cell: Cell, member: Member, key: str, due: datetime, **payload: Any) -> dict[str, Any]:
    assert member.telegram_id is not None
    return {
        "cell_id": cell.id,
        "kind": COMMITTEE_TASK,
        "dedupe_key": key,
        "chat_id": member.telegram_id,
        "member_id": member.id,
        "meeting_id": None,
        "payload": payload,
        "due_at": due,
    }


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(*_next_month(year, month), 1)


def quarter_range(year: int, quarter: int) -> tuple[date, date]:
    first = 3 * (quarter - 1) + 1
    end_year, end_month = (year + 1, 1) if quarter == 4 else (year, first + 3)
    return date(year, first, 1), date(end_year, end_month, 1)


async def has_meeting(
    session: AsyncSession, cell: Cell, span: tuple[date, date], kinds: Sequence[MeetingKind]
) -> bool:
    tz = CellInfo.of(cell).tz
    start = datetime.combine(span[0], datetime.min.time(), tz)
    end = datetime.combine(span[1], datetime.min.time(), tz)
    meetings = await MeetingRepository(session).in_range(cell.id, start, end)
    return any(m.kind in kinds for m in meetings)


async def plan_all(session: AsyncSession, now: datetime, horizon: timedelta) -> int:
    """Plan (idempotently) the reminders of every meeting starting within ``horizon``."""
    new = 0
    for meeting in await MeetingRepository(session).all_scheduled_after(now, now + horizon):
        cell = await CellRepository(session).get(meeting.cell_id)
        assert cell is not None
        new += await plan_meeting(session, meeting, cell, now)
    return new
