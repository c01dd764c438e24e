"""Reminding and alerting: the committee's nudge to those who have not answered, and the
alert to the committee when a member's absences without reason add up in a calendar year.

Both are planned as outbox rows here and rendered at send time (bot/attendance/messages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.common import AttendanceBase, load_roll
from bot.errors import StaleAction
from bot.members.statuses import remindable
from bot.texts import attendance as ta
from bot.texts.common import fmt
from bot.views import MeetingInfo
from storage.models import Cell, Member
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.members import MemberRepository, TransferRepository
from storage.repositories.outbox import OutboxRepository

NUDGE_KIND = "nudge"
ABSENCE_ALERT_KIND = "absence_alert"
ALERT_THRESHOLDS = (2, 3)  # months with an absence without reason in one calendar year


@dataclass(frozen=True)
class NudgeResult:
    meeting: MeetingInfo
    planned: int
    recipients: tuple[str, ...]  # names of those who will get the nudge
    unreachable: tuple[str, ...]  # not answered, but the bot cannot write to them


@dataclass(frozen=True)
class AbsenceAlert:
    """A member reached 2 or 3 months with an absence without reason in a calendar year."""

    member_id: int
    member_name: str
    year: int
    months: tuple[int, ...]

    def text(self) -> str:
        return fmt(
            ta.ABSENCE_ALERT,
            year=self.year,
            name=self.member_name,
            months=len(self.months),
            month_list=", ".join(f"tháng {m}" for m in self.months),
        )


async def counted_rows(session: AsyncSession, member_id: int) -> tuple[int, list[int]]:
    """The person's row in the cell that counts their year, and all their rows of it.

    One person, one year: the rows in the cells they left by official transfer (linked by the
    transfer, bot/members/transfers.py) and the rows in the cells they attend or attended by
    temporary transfer. A visitor's year is counted by their own cell, whose member they stay
    and in whose base QĐ 24 9.3.2 keeps them ([U] in the rules digest: no text says which cell
    counts a visitor's absences; splitting one person's year in two would be wrong either way).
    """
    transfers = TransferRepository(session)
    home = await transfers.home_row(member_id) or member_id
    rows = [home, *await transfers.earlier_rows(home)]
    rows += await transfers.visiting_rows(rows)
    return home, list(dict.fromkeys(rows))


async def counting_member(session: AsyncSession, member: Member, cell: Cell) -> tuple[Member, Cell]:
    """The person's row and cell whose committee the year's alert goes to (``counted_rows``)."""
    home_id, _ = await counted_rows(session, member.id)
    home = await session.get(Member, home_id) if home_id != member.id else member
    if home is None or home.cell_id == cell.id:
        return home or member, cell
    home_cell = await session.get(Cell, home.cell_id)
    return (home, home_cell) if home_cell is not None else (member, cell)


async def unexcused_months(
    session: AsyncSession, member_id: int, meeting: MeetingInfo, cell: Cell
) -> tuple[int, ...]:
    """Months of the meeting's calendar year (cell time) with an absence without reason, in
    any cell of the person's year (``counted_rows``)."""
    tz = ZoneInfo(cell.timezone)
    year = meeting.starts_at.astimezone(tz).year
    since, until = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    attendance = AttendanceRepository(session)
    months: set[int] = set()
    for row in (await counted_rows(session, member_id))[1]:
        starts = await attendance.unexcused_absences(row, since, until)
        months |= {at.astimezone(tz).month for at in starts}
    return tuple(sorted(months))


async def plan_alert(session: AsyncSession, cell: Cell, alert: AbsenceAlert, now: datetime) -> None:
    """One private alert to each committee member on Telegram."""
    committee = await MemberRepository(session).committee(cell.id)
    rows: list[dict[str, Any]] = [
        {
            "cell_id": cell.id,
            "kind": ABSENCE_ALERT_KIND,
            "dedupe_key": (
                f"absence_alert:{alert.member_id}:{alert.year}:{len(alert.months)}:{m.id}"
            ),
            "chat_id": m.telegram_id,
            "member_id": m.id,
            "meeting_id": None,
            "payload": {
                "member_id": alert.member_id,  # the name is read at send time, never stored here
                "year": alert.year,
                "months": list(alert.months),
            },
            "due_at": now,
        }
        for m in committee
        if m.telegram_id is not None
    ]
    await OutboxRepository(session).plan(rows)


class Nudges(AttendanceBase):
    async def nudge(self, actor_telegram_id: int, meeting_id: int) -> NudgeResult:
        """Plan one private reminder to each member who has not answered (DB outbox)."""
        now = self.clock.now()
        async with self.db.session() as session:
            actor, meeting, cell = await self._as_committee(
                session, actor_telegram_id, meeting_id, lock=True
            )
            self._check_open(meeting, now)
            audit = AuditRepository(session)
            previous = await audit.times_of(meeting.id, "nudge_sent")
            if any(at > now - self.nudge_gap for at in previous):
                raise StaleAction("nudge_recent")
            round_no = len(previous) + 1
            roll = await load_roll(session, meeting, cell)
            day = meeting.starts_at.astimezone(ZoneInfo(cell.timezone)).date()
            members = {m.id: m for m in await remindable(session, cell.id, day)}
            # Exempted, away and on long leave: not expected, so not nudged.
            silent = [e for e in roll.entries if e.member_id in members and e.answer is None]
            reachable = [e for e in silent if e.has_telegram and e.can_dm]
            rows: list[dict[str, Any]] = [
                {
                    "cell_id": cell.id,
                    "kind": NUDGE_KIND,
                    "dedupe_key": f"nudge:{meeting.id}:{e.member_id}:m{round_no}",
                    "chat_id": members[e.member_id].telegram_id,
                    "member_id": e.member_id,
                    "meeting_id": meeting.id,
                    "payload": {"round": round_no, "by": actor.member.id},
                    "due_at": now,
                }
                for e in reachable
            ]
            planned = await OutboxRepository(session).plan(rows)
            entry = await audit.record(
                cell.id,
                "nudge_sent",
                actor_member_id=actor.member.id,
                meeting_id=meeting.id,
                details={"round": round_no, "planned": planned},
            )
            entry.created_at = now  # the gap between nudges is measured on the service clock
            return NudgeResult(
                MeetingInfo.of(meeting),
                planned,
                tuple(e.full_name for e in reachable),
                tuple(e.full_name for e in silent if not (e.has_telegram and e.can_dm)),
            )
