"""The delivery report: who got the agenda, who is still waiting, who the bot cannot reach.

The secretary's report message is kept up to date by a chain of ``agenda_report`` outbox rows
(bot/broadcast/messages.py), each planning the next one ``REPORT_INTERVAL`` later until the
report is done.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.kinds import (
    AGENDA,
    AGENDA_EDIT,
    AGENDA_INVITE,
    AGENDA_REPORT,
    agenda_key,
    agenda_row,
)
from bot.delivery.callbacks import CallbackData
from bot.delivery.limits import MAX_TEXT, listed, telegram_length
from bot.delivery.outgoing import ButtonRows, ButtonSpec
from bot.texts import broadcast as tb
from bot.texts import common as tc
from bot.views import CellInfo
from storage.models import AgendaBroadcast, OutboxStatus
from storage.repositories.broadcasts import OPEN, BroadcastRepository, CopyState, Recipient

REPORT_INTERVAL = timedelta(seconds=3)
REPORT_LIST_LIMIT = 30  # names listed at most, even when more would fit
# The report's button routes (handlers/broadcast.py): bc:<id>:r refresh, ct:<id>:e edit.
REPORT_ROUTE = "bc"
BROADCAST_ROUTE = "ct"
# A member may have two rows (a failed first try, then a catch-up): the better one counts.
_RANK = {
    OutboxStatus.FAILED: 0,
    OutboxStatus.CANCELLED: 0,
    OutboxStatus.UNCERTAIN: 1,
    OutboxStatus.PENDING: 2,
    OutboxStatus.SENDING: 2,
    OutboxStatus.SENT: 3,
}
_GROUP_STATE = {
    OutboxStatus.SENT: "sent",
    OutboxStatus.PENDING: "waiting",
    OutboxStatus.SENDING: "waiting",
    OutboxStatus.UNCERTAIN: "uncertain",
}


@dataclass(frozen=True)
class ReportMessage:
    """Where the secretary's live report is; without ``message_id`` it is not kept up to date."""

    chat_id: int
    message_id: int | None


@dataclass(frozen=True)
class Unreachable:
    name: str
    reason: str


@dataclass(frozen=True)
class DeliveryReport:
    broadcast_id: int
    meeting_id: int
    when: str
    total: int
    sent: int
    waiting: int
    failed: int
    uncertain: int
    group: str | None  # None: no group; else "sent", "waiting", "failed" or "uncertain"
    unreachable: tuple[Unreachable, ...]
    uncertain_names: tuple[str, ...]
    version: int
    edits_done: int
    edits_total: int
    invite_posted: bool
    invite_waiting: bool = False

    @property
    def done(self) -> bool:
        return (
            self.waiting == 0
            and self.group != "waiting"
            and self.edits_done >= self.edits_total
            and not self.invite_waiting
        )


def unreachable_reason(error: str | None) -> str:
    lowered = (error or "").lower()
    if "blocked" in lowered:
        return tb.REASON_BLOCKED
    if "deactivated" in lowered:
        return tb.REASON_DEACTIVATED
    if "initiate" in lowered or "chat not found" in lowered or "not started" in lowered:
        return tb.REASON_NEVER_STARTED
    return tb.REASON_OTHER


@dataclass
class _Tally:
    """The report being counted, row by row."""

    counts: Counter[str]
    unreachable: list[Unreachable]
    uncertain_names: list[str]
    group: str | None = None
    edits_total: int = 0
    edits_done: int = 0
    invite_posted: bool = False
    invite_waiting: bool = False

    def add_member(self, name: str, status: OutboxStatus, error: str | None) -> None:
        if status == OutboxStatus.SENT:
            self.counts["sent"] += 1
        elif status in OPEN:
            self.counts["waiting"] += 1
        elif status == OutboxStatus.UNCERTAIN:
            self.counts["uncertain"] += 1
            self.uncertain_names.append(name)
        else:
            self.counts["failed"] += 1
            self.unreachable.append(Unreachable(name, unreachable_reason(error)))


def _tally(
    broadcast: AgendaBroadcast, copies: list[CopyState], members: dict[int, Recipient]
) -> _Tally:
    tally = _Tally(Counter(), [], [])
    edit_prefix = agenda_key(broadcast.id, f"v{broadcast.version}", "edit") + ":"
    best: dict[int, CopyState] = {}
    for copy in copies:
        if copy.kind == AGENDA_INVITE:
            tally.invite_posted = copy.status == OutboxStatus.SENT
            tally.invite_waiting = copy.status in OPEN
        elif copy.kind == AGENDA_EDIT:
            if copy.dedupe_key.startswith(edit_prefix):
                tally.edits_total += 1
                tally.edits_done += copy.status not in OPEN
        elif copy.member_id is None:
            tally.group = _GROUP_STATE.get(copy.status, "failed")
        elif copy.member_id not in best or _RANK[copy.status] > _RANK[best[copy.member_id].status]:
            best[copy.member_id] = copy
    for member_id, copy in best.items():
        name = members[member_id].full_name if member_id in members else "?"
        tally.add_member(name, copy.status, copy.error)
    for member in members.values():
        if member.telegram_id is None:
            tally.counts["failed"] += 1
            tally.unreachable.append(Unreachable(member.full_name, tb.REASON_NO_TELEGRAM))
    return tally


async def build_report(session: AsyncSession, broadcast: AgendaBroadcast) -> DeliveryReport:
    repo = BroadcastRepository(session)
    meeting, cell = await repo.with_meeting(broadcast)
    assert meeting is not None and cell is not None
    copies = await repo.copies(broadcast.meeting_id, [AGENDA, AGENDA_EDIT, AGENDA_INVITE])
    active = await repo.recipients(broadcast.cell_id)
    tally = _tally(broadcast, copies, {m.id: m for m in active})
    return DeliveryReport(
        broadcast_id=broadcast.id,
        meeting_id=broadcast.meeting_id,
        when=tc.when(meeting.starts_at, CellInfo.of(cell).tz),
        total=sum(tally.counts.values()),
        sent=tally.counts["sent"],
        waiting=tally.counts["waiting"],
        failed=tally.counts["failed"],
        uncertain=tally.counts["uncertain"],
        group=tally.group,
        unreachable=tuple(tally.unreachable),
        uncertain_names=tuple(tally.uncertain_names),
        version=broadcast.version,
        edits_done=tally.edits_done,
        edits_total=tally.edits_total,
        invite_posted=tally.invite_posted,
        invite_waiting=tally.invite_waiting,
    )


def _head(report: DeliveryReport) -> list[str]:
    """The counts, the group's copy and the edits: the report without its lists of names."""
    uncertain = tb.REPORT_UNCERTAIN.format(count=report.uncertain) if report.uncertain else ""
    lines = [
        tb.REPORT_TITLE.format(when=report.when),
        tb.REPORT_COUNTS.format(
            sent=report.sent,
            total=report.total,
            waiting=report.waiting,
            failed=report.failed,
            uncertain=uncertain,
        ),
    ]
    if report.group == "sent":
        lines.append(tb.REPORT_GROUP_SENT)
    elif report.group == "waiting":
        lines.append(tb.REPORT_GROUP_WAITING)
    elif report.group == "uncertain":
        lines.append(tb.REPORT_GROUP_UNCERTAIN)
    elif report.group is not None:
        lines.append(tb.REPORT_GROUP_FAILED)
    if report.version > 1:
        lines.append(
            tb.REPORT_EDITS.format(
                version=report.version - 1, done=report.edits_done, total=report.edits_total
            )
        )
    return lines


def report_text(report: DeliveryReport) -> str:
    """The report within MAX_TEXT: the two lists of names share the room the rest leaves."""
    lines = _head(report)
    unreachable_at = uncertain_at = None
    if report.unreachable:
        lines += ["", tb.REPORT_UNREACHABLE.format(count=len(report.unreachable)), ""]
        unreachable_at = len(lines) - 1
        if report.invite_posted:
            lines.append(tb.REPORT_INVITE_POSTED)
    if report.uncertain_names:
        lines += ["", tb.REPORT_UNCERTAIN_LIST.format(names="")]
        uncertain_at = len(lines) - 1
    lines += ["", tb.REPORT_DONE if report.done else tb.REPORT_IN_PROGRESS]
    if unreachable_at is not None:
        room = MAX_TEXT - telegram_length("\n".join(lines))
        people = [
            tb.REPORT_UNREACHABLE_LINE.format(name=p.name, reason=p.reason)
            for p in report.unreachable
        ]
        share = room // 2 if uncertain_at is not None else room
        lines[unreachable_at] = listed(
            people, share, sep="\n", more=tc.MORE_NAMES, limit=REPORT_LIST_LIMIT
        )
    if uncertain_at is not None:
        room = MAX_TEXT - telegram_length("\n".join(lines))
        names = listed(
            report.uncertain_names, room, sep=", ", more=tc.MORE_NAMES, limit=REPORT_LIST_LIMIT
        )
        lines[uncertain_at] = tb.REPORT_UNCERTAIN_LIST.format(names=names)
    return "\n".join(lines)


def report_buttons(report: DeliveryReport) -> ButtonRows:
    return (
        (
            ButtonSpec(
                tb.BTN_REFRESH, CallbackData(REPORT_ROUTE, report.broadcast_id, "r").encode()
            ),
            ButtonSpec(
                tb.BTN_EDIT, CallbackData(BROADCAST_ROUTE, report.broadcast_id, "e").encode()
            ),
        ),
    )


def report_row(broadcast: AgendaBroadcast, seq: int, due: datetime) -> dict[str, Any]:
    """The ``seq``-th refresh of the report of the broadcast's current version."""
    assert broadcast.report_chat_id is not None
    key = agenda_key(broadcast.id, "report", broadcast.version, seq)
    return agenda_row(
        broadcast,
        AGENDA_REPORT,
        key,
        broadcast.report_chat_id,
        due,
        seq=seq,
        version=broadcast.version,
    )
