"""Reminders through the DB outbox: which rows to plan for a meeting, and how to render them.

Planning is idempotent: every row has a unique ``dedupe_key`` naming the meeting, the recipient,
the lead time and the meeting's start (epoch seconds), so planning again never duplicates, and
a reschedule cancels the old rows and arms new ones. The decision whether a row is still worth
sending is taken again at send time by the renderer (meeting cancelled or moved, already begun,
the member declined, a later reminder already due after downtime): the DB is the truth.

Kinds: ``reminder`` (member, private), ``reminder_group`` (summary in the group), ``nudge``
(not answered yet; the renderer belongs to attendance, a fallback is here), ``committee_task``
(HD 42 preparation), ``meeting_notice`` (created / changed / cancelled).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.buttons import attendance_buttons
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.meetings.views import DEFAULT_LEADS, MeetingInfo
from bot.members.names import fold_name
from bot.texts import common as tc
from bot.texts import meetings as tx
from bot.views import CellInfo
from storage.models import (
    AttendanceAnswer,
    Cell,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberState,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository

REMINDER = "reminder"
GROUP_REMINDER = "reminder_group"
NUDGE = "nudge"
COMMITTEE_TASK = "committee_task"
NOTICE = "meeting_notice"
TIME_BOUND_KINDS = (REMINDER, GROUP_REMINDER, NUDGE, COMMITTEE_TASK)

NUDGE_LEAD = 2 * 24 * 60  # the automatic "not answered yet" nudge, 2 days before
TASK_LEADS = {"prepare": 7 * 24 * 60, "presenter": 5 * 24 * 60, "documents": 3 * 24 * 60}
ON_TIME = timedelta(minutes=5)  # sent within this of its due time: say the planned lead
GAP_NOTICE_FROM_DAY = 20  # from the 20th, warn about next month / next quarter too
GAP_NOTICE_AT = time(8, 0)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# --- the outbox (the worker of issue #5 offers the same two calls) ---------------------------
async def insert_ignoring_duplicates(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows; rows whose dedupe_key exists are skipped. Returns how many are new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedupe_key"])
    new = 0
    for row in rows:
        values = {"status": OutboxStatus.PENDING, "attempts": 0, "payload": {}, **row}
        result = await session.execute(statement.values(**values))
        new += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return new


async def cancel_pending(
    session: AsyncSession, *, meeting_id: int, kinds: Sequence[str] | None = None
) -> int:
    query = update(OutboxMessage).where(
        OutboxMessage.meeting_id == meeting_id, OutboxMessage.status == OutboxStatus.PENDING
    )
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(kinds))
    result = await session.execute(query.values(status=OutboxStatus.CANCELLED))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


try:  # the shared worker, once it is on main
    from bot.delivery.outbox import plan_messages as _plan_messages  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - before issue #5 lands
    _plan_messages = insert_ignoring_duplicates


async def plan_messages(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    return int(await _plan_messages(session, rows))


# --- planning -------------------------------------------------------------------------------
def leads_of(cell: Cell) -> tuple[int, ...]:
    return tuple(sorted(cell.reminder_leads or DEFAULT_LEADS, reverse=True))


def _row(
    meeting: Meeting, kind: str, key: str, chat_id: int, due: datetime, **payload: Any
) -> dict[str, Any]:
    member_id = payload.pop("member_id", None)
    return {
        "cell_id": meeting.cell_id,
        "kind": kind,
        "dedupe_key": key,
        "chat_id": chat_id,
        "member_id": member_id,
        "meeting_id": meeting.id,
        "payload": {"starts": epoch(meeting.starts_at), **payload},
        "due_at": due,
    }


async def plan_meeting(session: AsyncSession, meeting: Meeting, cell: Cell, now: datetime) -> int:
    """Plan every reminder of one meeting that is still ahead; returns how many rows are new."""
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        return 0
    members = await MemberRepository(session).in_states(cell.id)
    answers = await MeetingRepository(session).answers(meeting.id)
    stamp = epoch(meeting.starts_at)
    mid = meeting.id
    reachable = [m for m in members if m.telegram_id is not None and m.can_dm]
    rows: list[dict[str, Any]] = []
    for lead in leads_of(cell):
        due = meeting.starts_at - timedelta(minutes=lead)
        if due < now:
            continue  # the announcement or a later reminder covers it
        for member in reachable:
            if answers.get(member.id) is AttendanceAnswer.NO:
                continue
            assert member.telegram_id is not None
            key = f"rem:{mid}:{member.id}:{lead}:{stamp}"
            rows.append(
                _row(
                    meeting, REMINDER, key, member.telegram_id, due, lead=lead, member_id=member.id
                )
            )
        if cell.group_chat_id is not None:
            key = f"remg:{mid}:{lead}:{stamp}"
            rows.append(_row(meeting, GROUP_REMINDER, key, cell.group_chat_id, due, lead=lead))
    nudge_due = meeting.starts_at - timedelta(minutes=NUDGE_LEAD)
    if nudge_due >= now:
        for member in reachable:
            if member.id in answers:
                continue
            assert member.telegram_id is not None
            key = f"nudge:{mid}:{member.id}:a{stamp}"
            rows.append(
                _row(meeting, NUDGE, key, member.telegram_id, nudge_due, member_id=member.id)
            )
    rows += _committee_rows(meeting, reachable, now)
    new = await plan_messages(session, rows)
    return new + await _revive(session, [row["dedupe_key"] for row in rows])


async def _revive(session: AsyncSession, keys: list[str]) -> int:
    """Rows cancelled earlier (a lead time removed and added back, a meeting moved there and
    back) are wanted again: they were never sent, so making them pending keeps exactly-once."""
    if not keys:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.in_(keys),
            OutboxMessage.status == OutboxStatus.CANCELLED,
            OutboxMessage.sent_at.is_(None),
        )
        .values(status=OutboxStatus.PENDING)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _committee_rows(meeting: Meeting, members: list[Member], now: datetime) -> list[dict[str, Any]]:
    stamp = epoch(meeting.starts_at)
    committee = [m for m in members if Role(m.role).is_committee]
    leaders = [m for m in committee if m.role in (Role.SECRETARY, Role.DEPUTY)] or committee
    rows: list[dict[str, Any]] = []
    tasks: list[tuple[str, list[Member]]] = [("prepare", committee), ("documents", leaders)]
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
    await cancel_pending(session, meeting_id=meeting.id, kinds=TIME_BOUND_KINDS)
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
            )
        )
    if cell.group_chat_id is not None:
        key = f"noticeg:{meeting.id}:{event_id}"
        rows.append(_row(meeting, NOTICE, key, cell.group_chat_id, now, event=event, what=what))
    await plan_messages(session, rows)
    return len([r for r in rows if r["member_id"] is not None])


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
    rows: list[dict[str, Any]] = []
    due = next_morning(now, tz)
    for year, month in months:
        if not await _has_meeting(session, cell, _month_range(year, month), REGULAR_LIKE):
            for member in leaders:
                assert member.telegram_id is not None
                rows.append(
                    _gap_row(
                        cell,
                        member,
                        f"gap:{cell.id}:{member.id}:{year}-{month:02d}",
                        due,
                        gap="regular",
                        year=year,
                        month=month,
                    )
                )
    for year, quarter in sorted(quarters):
        if not await _has_meeting(session, cell, _quarter_range(year, quarter), THEMATIC_LIKE):
            for member in leaders:
                assert member.telegram_id is not None
                rows.append(
                    _gap_row(
                        cell,
                        member,
                        f"gap:{cell.id}:{member.id}:{year}q{quarter}",
                        due,
                        gap="thematic",
                        year=year,
                        quarter=quarter,
                    )
                )
    return await plan_messages(session, rows)


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


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(*_next_month(year, month), 1)


def _quarter_range(year: int, quarter: int) -> tuple[date, date]:
    first = 3 * (quarter - 1) + 1
    end_year, end_month = (year + 1, 1) if quarter == 4 else (year, first + 3)
    return date(year, first, 1), date(end_year, end_month, 1)


async def _has_meeting(
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
        cell = await session.get(Cell, meeting.cell_id)
        assert cell is not None
        new += await plan_meeting(session, meeting, cell, now)
    return new


# --- rendering at send time ----------------------------------------------------------------
async def _context(
    session: AsyncSession, row: OutboxMessage
) -> tuple[Meeting, Cell, MeetingInfo] | None:
    if row.meeting_id is None:
        return None
    meeting = await session.get(Meeting, row.meeting_id)
    cell = await session.get(Cell, row.cell_id)
    if meeting is None or cell is None:
        return None
    return meeting, cell, MeetingInfo.of(meeting)


def _still_timely(meeting: Meeting, row: OutboxMessage, now: datetime) -> bool:
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and now < meeting.starts_at
        and row.payload.get("starts") == epoch(meeting.starts_at)
    )


async def _active_member(session: AsyncSession, row: OutboxMessage) -> Member | None:
    if row.member_id is None:
        return None
    member = await session.get(Member, row.member_id)
    if member is None or member.state != MemberState.ACTIVE:
        return None
    return member


def time_left(starts_at: datetime, now: datetime, lead: int | None) -> str:
    """The planned lead ("1 ngày") when sent on time, else the real time left.

    The due time is derived from the start and the lead, not read from the row: the worker
    may push a row's due_at back a little when it rate-limits a chat."""
    if lead is not None and now - (starts_at - timedelta(minutes=lead)) <= ON_TIME:
        return tx.lead_words(lead)
    minutes = max(1, int((starts_at - now).total_seconds() // 60))
    if minutes >= 1440:
        return f"{minutes // 1440} ngày"
    if minutes >= 120:
        return f"{minutes // 60} giờ"
    return f"{minutes} phút"


async def render_reminder(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    found = await _context(session, row)
    if found is None or not _still_timely(found[0], row, now):
        return None
    meeting, cell, info = found
    member = await _active_member(session, row)
    if member is None:
        return None
    answer = await MeetingRepository(session).answer_of(meeting.id, member.id)
    if answer is AttendanceAnswer.NO:
        return None
    lead = int(row.payload.get("lead", 0))
    # After downtime several reminders can be due at once: only the latest one is useful.
    superseded = any(
        other < lead and meeting.starts_at - timedelta(minutes=other) <= now
        for other in leads_of(cell)
    )
    if superseded:
        return None
    tz = CellInfo.of(cell).tz
    text = tc.fmt(
        tx.REMINDER,
        left=time_left(meeting.starts_at, now, lead),
        card=tx.card(info, tz),
    )
    if answer is None:
        text += tx.REMINDER_ASK
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


async def render_group_reminder(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    found = await _context(session, row)
    if found is None or not _still_timely(found[0], row, now):
        return None
    meeting, cell, info = found
    lead = int(row.payload.get("lead", 0))
    if any(
        other < lead and meeting.starts_at - timedelta(minutes=other) <= now
        for other in leads_of(cell)
    ):
        return None
    answers = await MeetingRepository(session).answers(meeting.id)
    members = await MemberRepository(session).in_states(cell.id)
    counts = {a: sum(1 for v in answers.values() if v is a) for a in AttendanceAnswer}
    counts_text = tx.GROUP_COUNTS.format(
        yes=counts[AttendanceAnswer.YES],
        no=counts[AttendanceAnswer.NO],
        maybe=counts[AttendanceAnswer.MAYBE],
        none=sum(1 for m in members if m.id not in answers),
    )
    tz = CellInfo.of(cell).tz
    text = tc.fmt(
        tx.REMINDER_GROUP,
        left=time_left(meeting.starts_at, now, lead),
        card=tx.card(info, tz),
        counts=counts_text,
    )
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


async def render_committee_task(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    member = await _active_member(session, row)
    if member is None:
        return None
    if "gap" in row.payload:
        return await _render_gap(session, row, member)
    found = await _context(session, row)
    if found is None or not _still_timely(found[0], row, now):
        return None
    meeting, cell, info = found
    tz = CellInfo.of(cell).tz
    task = row.payload.get("task")
    deadline = tc.when(meeting.starts_at - timedelta(days=1), tz)
    values = {
        "kind": tc.KIND_NAMES[info.kind].lower(),
        "when": tc.when(meeting.starts_at, tz),
        "left": time_left(meeting.starts_at, now, TASK_LEADS.get(str(task))),
        "deadline": deadline,
        "topic": info.topic or "",
        "names": info.presenters or "",
    }
    if task == "prepare":
        if not Role(member.role).is_committee:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_PREPARE, **values))
    if task == "documents":
        if not Role(member.role).is_committee:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_DOCUMENTS, **values))
    if task == "presenter":
        if not info.presenters:
            return None
        return OutgoingMessage(tc.fmt(tx.TASK_PRESENTER, **values))
    return None


async def _render_gap(
    session: AsyncSession, row: OutboxMessage, member: Member
) -> OutgoingMessage | None:
    cell = await session.get(Cell, row.cell_id)
    if cell is None or not Role(member.role).is_committee:
        return None
    year = int(row.payload["year"])
    if row.payload["gap"] == "regular":
        month = int(row.payload["month"])
        if await _has_meeting(session, cell, _month_range(year, month), REGULAR_LIKE):
            return None
        return OutgoingMessage(tc.fmt(tx.GAP_REGULAR, month=f"{month:02d}/{year}"))
    quarter = int(row.payload["quarter"])
    if await _has_meeting(session, cell, _quarter_range(year, quarter), THEMATIC_LIKE):
        return None
    return OutgoingMessage(tc.fmt(tx.GAP_THEMATIC, quarter=f"{tx.QUARTERS[quarter]}/{year}"))


async def render_notice(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    found = await _context(session, row)
    if found is None:
        return None
    meeting, cell, info = found
    if now >= meeting.starts_at:
        return None
    if row.member_id is not None and await _active_member(session, row) is None:
        return None
    tz = CellInfo.of(cell).tz
    event = row.payload.get("event")
    if event == "cancelled":
        if meeting.status != MeetingStatus.CANCELLED:
            return None
        return OutgoingMessage(
            tc.fmt(
                tx.NOTICE_CANCELLED,
                kind=tc.KIND_NAMES[info.kind].lower(),
                when=tc.when(meeting.starts_at, tz),
            )
        )
    if meeting.status != MeetingStatus.SCHEDULED:
        return None
    if event == "created":
        text = tc.fmt(tx.NOTICE_CREATED, card=tx.card(info, tz))
    else:
        what = tx.CHANGED_WHAT.get(str(row.payload.get("what")), "cập nhật")
        text = tc.fmt(tx.NOTICE_CHANGED, what=what, card=tx.card(info, tz))
    return OutgoingMessage(text, buttons=attendance_buttons(meeting.id))


RENDERERS: dict[str, Renderer] = {
    REMINDER: render_reminder,
    GROUP_REMINDER: render_group_reminder,
    COMMITTEE_TASK: render_committee_task,
    NOTICE: render_notice,
}


async def due_rows(session: AsyncSession, now: datetime) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now
    )
    return list(await session.scalars(query.order_by(OutboxMessage.due_at, OutboxMessage.id)))
