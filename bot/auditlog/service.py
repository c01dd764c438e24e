"""/nhatky: the cell's audit log for the committee, newest first, a page at a time, about
everyone, one member (as actor or target) or one meeting."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import require_committee
from bot.auditlog.lines import LogLine, log_lines, meeting_label
from bot.clock import Clock
from bot.errors import StaleAction
from bot.text_input import fold_for_matching
from bot.views import CellInfo, MeetingInfo, MemberInfo
from storage.db import Database
from storage.enums import MemberState
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.members import MemberRepository

PAGE_SIZE = 12
MEETING_CHOICES = 8
MEMBER_CHOICES = 8
_SEARCHED = [MemberState.ACTIVE, MemberState.INACTIVE, MemberState.PENDING, MemberState.REJECTED]


@dataclass(frozen=True)
class LogFilter:
    member_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class LogPage:
    cell: CellInfo
    lines: tuple[LogLine, ...]
    page: int  # 0-based
    pages: int  # at least 1
    filter: LogFilter
    filter_label: str | None  # the member's name or "buổi 05/12/2026"

    @property
    def has_newer(self) -> bool:
        return self.page > 0

    @property
    def has_older(self) -> bool:
        return self.page + 1 < self.pages


@dataclass(frozen=True)
class MemberMatches:
    query: str
    members: tuple[MemberInfo, ...]  # at most MEMBER_CHOICES
    more: bool


class AuditLogService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def page(self, telegram_id: int, page: int, where: LogFilter | None = None) -> LogPage:
        """A page of the log; a page or a filter from another cell or gone is refused."""
        where = where or LogFilter()
        async with self.db.session() as session:
            actor = await require_committee(session, telegram_id)
            cell, tz = actor.cell, actor.cell.tz
            label = None
            if where.member_id is not None:
                member = await MemberRepository(session).get(where.member_id)
                if member is None or member.cell_id != cell.id:
                    raise StaleAction("member_gone")
                label = member.full_name
            if where.meeting_id is not None:
                meeting = await AttendanceRepository(session).meeting(where.meeting_id)
                if meeting is None or meeting.cell_id != cell.id:
                    raise StaleAction("meeting_gone")
                label = meeting_label(meeting.starts_at, tz)
            audit = AuditRepository(session)
            scope = {"member_id": where.member_id, "meeting_id": where.meeting_id}
            total = await audit.count(cell.id, **scope)
            pages = max(1, -(-total // PAGE_SIZE))
            if page >= pages:
                raise StaleAction("log_page_gone")
            entries = await audit.page(cell.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE, **scope)
            lines = tuple(await log_lines(session, entries, tz))
            return LogPage(cell, lines, page, pages, where, label)

    async def meetings(self, telegram_id: int) -> tuple[CellInfo, list[MeetingInfo]]:
        """The meetings the newest entries are about (to filter by one)."""
        async with self.db.session() as session:
            actor = await require_committee(session, telegram_id)
            ids = await AuditRepository(session).recent_meetings(actor.cell.id, MEETING_CHOICES)
            found = []
            for meeting_id in ids:
                meeting = await AttendanceRepository(session).meeting(meeting_id)
                if meeting is not None:
                    found.append(MeetingInfo.of(meeting))
            return actor.cell, found

    async def find_members(self, telegram_id: int, query: str) -> MemberMatches:
        """Members of the cell (also past ones) whose name contains ``query``, ignoring case
        and diacritics; an exact name wins over the names that merely contain it."""
        wanted = fold_for_matching(query)
        async with self.db.session() as session:
            actor = await require_committee(session, telegram_id)
            members = await MemberRepository(session).in_states(actor.cell.id, _SEARCHED)
            named = [(fold_for_matching(m.full_name), MemberInfo.of(m)) for m in members]
        exact = [m for name, m in named if name == wanted]
        found = exact or [m for name, m in named if wanted and wanted in name]
        return MemberMatches(
            query,
            tuple(found[:MEMBER_CHOICES]),
            len(found) > MEMBER_CHOICES,
        )
