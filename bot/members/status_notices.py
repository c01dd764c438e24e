"""The committee's reminder a week before a member's status ends: planned by the periodic
job (once per status and committee member, through the outbox), rendered at send time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.limits import shorten
from bot.delivery.outgoing import OutgoingMessage, Renderer
from bot.members.transfers import end_visits
from bot.texts import roster as tr
from bot.texts.common import fmt
from storage.models import OutboxMessage
from storage.repositories.cells import CellRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.statuses import StatusRepository

STATUS_ENDING = "status_ending"
NOTICE_AHEAD = timedelta(days=7)
NAME_ROOM = 60


async def plan_expiry_notices(session: AsyncSession, now: datetime) -> int:
    """Plan the notice of every status that ends within a week and was not told yet; end the
    visits of temporary transfers whose period is over (bot/members/transfers.py)."""
    await end_visits(session, now)
    repo = StatusRepository(session)
    members = MemberRepository(session)
    first = (now - timedelta(days=1)).date()  # the earliest "today" of any time zone
    rows = []
    for status, _member, cell in await repo.ending_between(first, (now + NOTICE_AHEAD).date()):
        today = now.astimezone(ZoneInfo(cell.timezone)).date()
        if not today <= status.ends_on <= today + NOTICE_AHEAD:
            continue
        for reviewer in await members.committee(cell.id):
            if reviewer.telegram_id is None or not reviewer.can_dm:
                continue
            rows.append(
                {
                    "cell_id": cell.id,
                    "kind": STATUS_ENDING,
                    "dedupe_key": f"status_end:{status.id}:{reviewer.id}",
                    "chat_id": reviewer.telegram_id,
                    "member_id": reviewer.id,
                    "payload": {"status": status.id},
                    "due_at": now,
                }
            )
        await repo.mark_notified(status, now)
    return await OutboxRepository(session).plan(rows) if rows else 0


async def render_status_ending(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> OutgoingMessage | None:
    recipient = await MemberRepository(session).get(row.member_id or 0)
    status = await StatusRepository(session).get(int(row.payload.get("status", 0)))
    if recipient is None or not recipient.is_committee or status is None:
        return None  # no longer on the committee, or the status was erased with its member
    member = await MemberRepository(session).get(status.member_id)
    cell = await CellRepository(session).get(status.cell_id)
    if member is None or cell is None:
        return None
    text = fmt(
        tr.STATUS_ENDING,
        kind=tr.STATUS_KIND_NAMES[str(status.kind)],
        name=shorten(member.full_name, NAME_ROOM),
        end=status.ends_on.strftime("%d/%m/%Y"),
        cell=shorten(cell.name, NAME_ROOM),
    )
    return OutgoingMessage(text)


RENDERERS: dict[str, Renderer] = {STATUS_ENDING: render_status_ending}
