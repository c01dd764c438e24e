"""Small builders for meeting tests: a cell with a secretary and members, outbox queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.delivery.outgoing import EditMessage, OutgoingMessage
from bot.services import Services
from storage.models import (
    Attendance,
    AttendanceAnswer,
    Member,
    MemberState,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from storage.repositories.outbox import OutboxRepository

SECRETARY = 100


@dataclass
class CellFixture:
    cell_id: int
    secretary_id: int
    member_ids: list[int]  # ordinary members, telegram ids 201, 202, …


async def make_cell(
    services: Services, members: int = 3, group_chat_id: int | None = -1001
) -> CellFixture:
    cell, payload = await services.cells.create_cell("Chi bộ Khu phố 3")
    claim = await services.cells.claim_secretary(payload.removeprefix("s_"), SECRETARY, "Hoa")
    ids: list[int] = []
    async with services.db.session() as session:
        if group_chat_id is not None:
            from storage.models import Cell

            row = await session.get(Cell, cell.id)
            assert row is not None
            row.group_chat_id = group_chat_id
        for i in range(members):
            member = Member(
                cell_id=cell.id,
                telegram_id=201 + i,
                full_name=f"Đảng Viên {chr(65 + i)}",
                role=Role.MEMBER,
                state=MemberState.ACTIVE,
                can_dm=True,
            )
            session.add(member)
            await session.flush()
            ids.append(member.id)
    return CellFixture(cell.id, claim.member.id, ids)


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
