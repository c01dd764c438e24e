"""HD 42 [S]: the cell tells the higher-level committee member who oversees it (cấp ủy viên
phụ trách) the time, place and content of each meeting. Here: a private message when a cell
schedules, moves or cancels a meeting, or changes its place or content, sent once.

Each notice is an outbox row keyed ``orgn:<meeting>:<role>:<version>``: ``new`` for the
meeting itself (however it was made: by hand, by a rule, from an imported plan), ``e<audit
id>`` for a change by hand, ``r<start>`` for a move by the cell's rule, ``cancel`` for the
cancellation. Planning again is a no-op; the renderer re-checks at send time that the role
still oversees the cell and the meeting is still as the notice says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.limits import MAX_TEXT, shorten
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.meetings.reminders import epoch
from bot.meetings.service import MeetingWatcher
from bot.texts import orgs as tx
from bot.texts.common import KIND_NAMES, fmt, when
from bot.views import CellInfo, MeetingInfo
from storage.models import Meeting, MeetingKind, MeetingStatus, OutboxMessage
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.orgs import OrgRoleRepository
from storage.repositories.outbox import OutboxRepository

ORG_NOTICE = "org_notice"
# The maintenance job (every 10 minutes) looks this far back for meetings made without a
# hook (by a rule, from an imported plan): wide enough to cover a weekend's downtime.
NEW_MEETINGS_WINDOW = timedelta(days=3)
CONTENT_ROOM = 1500  # the meeting's content shares this much of the message
# Which edits the overseer hears about: time, place, content (HD 42).
NOTICE_FIELDS = {
    "when": "when",
    "duration": "duration",
    "place": "place",
    "agenda": "content",
    "topic": "content",
}


async def inform_overseers(
    session: AsyncSession,
    meeting: Meeting,
    event: str,
    version: str,
    now: datetime,
    *,
    what: str | None = None,
) -> int:
    """Plan the notice of ``event`` ("created", "changed", "cancelled") for every active
    overseer of the meeting's cell; returns how many rows are new."""
    holders = await OrgRoleRepository(session).overseers_of(meeting.cell_id)
    rows = [
        {
            "cell_id": meeting.cell_id,
            "kind": ORG_NOTICE,
            "dedupe_key": f"orgn:{meeting.id}:{holder.id}:{version}",
            "chat_id": holder.telegram_id,
            "meeting_id": meeting.id,
            "payload": {
                "role": holder.id,
                "no_alert": True,  # the overseer is not the cell's: no alert names them
                "event": event,
                "what": what,
                "starts": epoch(meeting.starts_at),
            },
            "due_at": now,
        }
        for holder in holders
    ]
    return await OutboxRepository(session).plan(rows) if rows else 0


async def inform_created(session: AsyncSession, meeting: Meeting, now: datetime) -> int:
    return await inform_overseers(session, meeting, "created", "new", now)


async def inform_edited(
    session: AsyncSession, meeting: Meeting, field: str, event_id: int, now: datetime
) -> int:
    """A field was edited by hand: tell the overseer if it is time, place or content."""
    what = NOTICE_FIELDS.get(field)
    if what is None:
        return 0
    return await inform_overseers(session, meeting, "changed", f"e{event_id}", now, what=what)


async def inform_cancelled(session: AsyncSession, meeting: Meeting, now: datetime) -> int:
    return await inform_overseers(session, meeting, "cancelled", "cancel", now)


async def rule_starts(
    session: AsyncSession, cell_id: int, kind: MeetingKind, now: datetime
) -> dict[int, datetime]:
    """The starts of the rule's untouched future meetings, before the rule changes."""
    meetings = await MeetingRepository(session).generated_future(cell_id, kind, now)
    return {meeting.id: meeting.starts_at for meeting in meetings}


async def inform_rule_moves(
    session: AsyncSession, before: dict[int, datetime], now: datetime
) -> int:
    """After a rule change: tell the overseer about each meeting the rule moved."""
    planned = 0
    for meeting_id, old in before.items():
        meeting = await MeetingRepository(session).get(meeting_id)
        if meeting is not None and meeting.starts_at != old:
            version = f"r{epoch(meeting.starts_at)}"
            planned += await inform_overseers(
                session, meeting, "changed", version, now, what="when"
            )
    return planned


async def inform_new_meetings(session: AsyncSession, now: datetime) -> int:
    """The ``new`` notice of every overseen meeting made lately and still ahead (those a rule
    or an imported plan made, that no hook saw); one query, only new meetings."""
    since = now - NEW_MEETINGS_WINDOW
    pairs = await OrgRoleRepository(session).overseen_meetings(now, since)
    rows = [
        {
            "cell_id": meeting.cell_id,
            "kind": ORG_NOTICE,
            "dedupe_key": f"orgn:{meeting.id}:{holder.id}:new",
            "chat_id": holder.telegram_id,
            "meeting_id": meeting.id,
            "payload": {
                "role": holder.id,
                "no_alert": True,
                "event": "created",
                "starts": epoch(meeting.starts_at),
            },
            "due_at": now,
        }
        for holder, meeting in pairs
    ]
    return await OutboxRepository(session).plan(rows) if rows else 0


def notice_text(
    event: str, what: str | None, cell_name: str, info: MeetingInfo, tz: ZoneInfo
) -> str:
    """The notice: which cell, what happened, then time, place and content."""
    title = tx.NOTICE_TITLE.get(event, tx.NOTICE_TITLE["created"])
    lines = [
        fmt(title, cell=shorten(cell_name, 200), what=tx.NOTICE_WHAT.get(what or "", "")),
        KIND_NAMES[info.kind],
        fmt(tx.NOTICE_WHEN, when=when(info.starts_at, tz), minutes=info.duration_minutes),
        fmt(tx.NOTICE_PLACE, place=info.place or tx.NO_PLACE),
    ]
    content = "\n".join(part for part in (info.topic, info.agenda) if part) or tx.NO_CONTENT
    lines.append(fmt(tx.NOTICE_CONTENT, content=shorten(content, CONTENT_ROOM)))
    lines.append(tx.NOTICE_FOOTER)
    return shorten("\n".join(lines), MAX_TEXT)


async def render_org_notice(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    if row.meeting_id is None:
        return None
    roles = OrgRoleRepository(session)
    holder = await roles.get(int(row.payload.get("role", 0)))
    meeting = await MeetingRepository(session).get(row.meeting_id)
    if holder is None or not holder.active or meeting is None:
        return None
    if not await roles.oversees(holder.id, meeting.cell_id) or now >= meeting.starts_at:
        return None
    event = str(row.payload.get("event"))
    cancelled = meeting.status == MeetingStatus.CANCELLED
    if (event == "cancelled") != cancelled:
        return None  # cancelled since it was planned, or a stale cancellation
    if not cancelled and row.payload.get("starts") != epoch(meeting.starts_at):
        return None  # moved since: the move's own notice tells the new time
    cell = await CellRepository(session).get(meeting.cell_id)
    if cell is None:
        return None
    info = MeetingInfo.of(meeting)
    what = row.payload.get("what")
    text = notice_text(event, what, cell.name, info, CellInfo.of(cell).tz)
    return OutgoingMessage(text)


RENDERERS: dict[str, Renderer] = {ORG_NOTICE: render_org_notice}


class OverseerNotices(MeetingWatcher):
    """The meetings service's watcher that plans these notices (wired in bot/services.py)."""

    async def created(self, session: AsyncSession, meeting: Meeting, now: datetime) -> None:
        await inform_created(session, meeting, now)

    async def edited(
        self, session: AsyncSession, meeting: Meeting, field: str, event_id: int, now: datetime
    ) -> None:
        await inform_edited(session, meeting, field, event_id, now)

    async def cancelled(self, session: AsyncSession, meeting: Meeting, now: datetime) -> None:
        await inform_cancelled(session, meeting, now)

    async def rule_changing(
        self, session: AsyncSession, cell_id: int, kind: MeetingKind, now: datetime
    ) -> dict[int, datetime]:
        return await rule_starts(session, cell_id, kind, now)

    async def rule_changed(
        self, session: AsyncSession, before: dict[int, datetime], now: datetime
    ) -> None:
        await inform_rule_moves(session, before, now)

    async def maintained(self, session: AsyncSession, now: datetime) -> None:
        await inform_new_meetings(session, now)
