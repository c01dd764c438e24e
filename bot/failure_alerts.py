"""How the committee's alert about a failed message is rendered (the rows are planned by the
outbox worker, bot/delivery/failures.py). It names what failed, for whom, and why, looked up at
send time: the alert row itself holds only the failed row's id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.failures import FAILURE_ALERT, UNREACHABLE
from bot.delivery.limits import shorten
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.texts import common as tc
from bot.texts import delivery as tx
from bot.views import CellInfo
from storage.models import OutboxMessage
from storage.repositories.cells import CellRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository

ERROR_SHOWN = 200  # characters of Telegram's own reason


async def _whom(session: AsyncSession, failed: OutboxMessage) -> str:
    if failed.member_id is None:
        return tx.FAILURE_GROUP
    member = await MemberRepository(session).get(failed.member_id)
    return member.full_name if member is not None else tx.FAILURE_SOMEONE


async def _meeting(session: AsyncSession, failed: OutboxMessage) -> str:
    if failed.meeting_id is None:
        return ""
    meeting = await MeetingRepository(session).get(failed.meeting_id)
    cell = await CellRepository(session).get(failed.cell_id)
    if meeting is None or cell is None:
        return ""
    return tx.FAILURE_MEETING.format(when=tc.when(meeting.starts_at, CellInfo.of(cell).tz))


def _reason(failed: OutboxMessage) -> str:
    error = failed.error or ""
    if error.startswith(UNREACHABLE):
        return tc.fmt(tx.FAILURE_UNREACHABLE)
    return tx.FAILURE_REFUSED.format(error=shorten(error, ERROR_SHOWN))


async def render_failure_alert(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    recipient = await MemberRepository(session).get(row.member_id or 0)
    failed = await OutboxRepository(session).get(int(row.payload.get("failed", 0)))
    if recipient is None or not recipient.is_committee or failed is None:
        return None  # no longer on the committee, or the failed row is gone (erased)
    text = tc.fmt(
        tx.FAILURE_ALERT,
        what=tx.FAILURE_WHAT.get(failed.kind, tx.FAILURE_WHAT_DEFAULT),
        whom=await _whom(session, failed),
        meeting=await _meeting(session, failed),
        reason=_reason(failed),
    )
    return OutgoingMessage(text)


RENDERERS: dict[str, Renderer] = {FAILURE_ALERT: render_failure_alert}
