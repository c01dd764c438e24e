"""The group attendance panel: one message per meeting, edited in place, debounced.

Taps only mark the panel dirty (in the same transaction as the answer). ``claim_due`` hands
out panels whose last edit is at least ``min_interval`` old, under a short lease, so a burst
of 30 taps becomes two or three edits and two bot instances never edit one panel at once.
The caller (a PTB job in handlers/attendance/answers.py) sends or edits the message and
reports back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.attendance.buttons import attendance_buttons
from bot.attendance.common import tally
from bot.clock import Clock
from bot.delivery.outgoing import OutgoingMessage
from bot.texts import attendance as ta
from bot.texts.common import fmt
from bot.views import MeetingInfo
from storage.db import Database
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository
from storage.repositories.panels import PanelRepository


@dataclass(frozen=True)
class PanelUpdate:
    """Send (``message_id`` None) or edit the panel of ``meeting_id`` in ``chat_id``."""

    meeting_id: int
    chat_id: int
    message_id: int | None
    message: OutgoingMessage


class PanelService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        min_interval: timedelta = timedelta(seconds=3),
        lease: timedelta = timedelta(seconds=30),
        cutoff_before_start: timedelta = timedelta(0),
    ) -> None:
        self.db = db
        self.clock = clock
        self.min_interval = min_interval
        self.lease = lease
        self.cutoff_before_start = cutoff_before_start

    async def claim_due(self, limit: int = 20) -> list[PanelUpdate]:
        now = self.clock.now()
        updates: list[PanelUpdate] = []
        async with self.db.session() as session:
            panels = PanelRepository(session)
            claimed = await panels.claim_due(now, now - self.min_interval, now + self.lease, limit)
            for panel in claimed:
                meeting = await AttendanceRepository(session).meeting(panel.meeting_id)
                cell = await CellRepository(session).get(panel.cell_id)
                if meeting is None or cell is None or cell.group_chat_id is None:
                    await panels.release(panel.meeting_id, dirty=False, forget_message=False)
                    continue
                same_chat = panel.chat_id == cell.group_chat_id
                ref = MeetingInfo.of(meeting)
                if panel.message_id is None and ref.cancelled:
                    await panels.release(panel.meeting_id, dirty=False, forget_message=False)
                    continue
                counts = await tally(session, meeting)
                title = ta.meeting_title(ref.kind, ref.starts_at, ZoneInfo(cell.timezone))
                values = {
                    "meeting": title,
                    "yes": counts.yes,
                    "no": counts.no,
                    "maybe": counts.maybe,
                    "unanswered": counts.unanswered,
                }
                if ref.cancelled:
                    message = OutgoingMessage(fmt(ta.PANEL_CANCELLED, meeting=title))
                elif now >= ref.starts_at - self.cutoff_before_start:
                    message = OutgoingMessage(fmt(ta.PANEL_CLOSED, **values))
                else:
                    message = OutgoingMessage(
                        fmt(ta.PANEL, **values), attendance_buttons(ref.id, with_comment=True)
                    )
                updates.append(
                    PanelUpdate(
                        panel.meeting_id,
                        cell.group_chat_id,
                        panel.message_id if same_chat else None,
                        message,
                    )
                )
        return updates

    async def done(self, update: PanelUpdate, message_id: int | None) -> None:
        async with self.db.session() as session:
            await PanelRepository(session).record_edit(
                update.meeting_id, update.chat_id, message_id, self.clock.now()
            )

    async def failed(self, update: PanelUpdate, *, message_lost: bool) -> None:
        """Try again later; ``message_lost``: the message was deleted, post a new one."""
        async with self.db.session() as session:
            await PanelRepository(session).release(
                update.meeting_id, dirty=True, forget_message=message_lost
            )
