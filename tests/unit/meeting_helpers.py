"""Small helpers for meeting tests: answers and outbox queries. Cells with members come from
``tests.builders``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.delivery.outgoing import EditMessage, OutgoingMessage
from bot.services import Services
from storage.models import (
    Attendance,
    AttendanceAnswer,
    OutboxMessage,
    OutboxStatus,
)
from storage.repositories.outbox import OutboxRepository


async def answer(services: Services, meeting_id: int, member_id: int, value: str) -> None:
    async with services.db.session() as session:
        session.add(
            Attendance(meeting_id=meeting_id, member_id=member_id, answer=AttendanceAnswer(value))
        )


async def outbox(services: Services, kind: str | None = None) -> list[OutboxMessage]:
    async with services.db.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.due_at, OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query))


async def deliver_due(
    services: Services, now: datetime
) -> list[tuple[OutboxMessage, OutgoingMessage]]:
    """A stand-in for the outbox worker, with the production renderers: render due rows,
    mark them sent or cancelled."""
    delivered: list[tuple[OutboxMessage, OutgoingMessage]] = []
    async with services.db.session() as session:
        for row in await OutboxRepository(session).due(now):
            renderer = services.renderers.get(row.kind)
            rendered = None if renderer is None else await renderer(session, row, now)
            message = rendered.message if isinstance(rendered, EditMessage) else rendered
            if message is None:
                row.status = OutboxStatus.CANCELLED
            else:
                row.status = OutboxStatus.SENT
                row.sent_at = now
                delivered.append((row, message))
    return delivered
