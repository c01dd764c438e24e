"""The group attendance panels (``MeetingPanel``): mark dirty, claim for an edit, record it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MeetingPanel
from storage.repositories._dialect import per_dialect


def _mark_dirty(insert: Any) -> Any:
    statement = insert(cast(Table, MeetingPanel.__table__)).values(
        meeting_id=bindparam("meeting_id"), cell_id=bindparam("cell_id"), dirty=True
    )
    return statement.on_conflict_do_update(index_elements=["meeting_id"], set_={"dirty": True})


# Built once, on the table (every tap runs it: building it cost more CPU than the round trip).
_MARK_DIRTY = per_dialect(_mark_dirty)


class PanelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark_dirty(self, meeting_id: int, cell_id: int) -> None:
        connection = await self.session.connection()
        await connection.execute(
            _MARK_DIRTY[connection.dialect.name], {"meeting_id": meeting_id, "cell_id": cell_id}
        )

    async def get(self, meeting_id: int) -> MeetingPanel | None:
        query = select(MeetingPanel).where(MeetingPanel.meeting_id == meeting_id)
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def claim_due(
        self, now: datetime, edited_before: datetime, lease_until: datetime, limit: int
    ) -> list[MeetingPanel]:
        """Dirty panels not edited since ``edited_before`` and not claimed by someone else.

        On PostgreSQL ``FOR UPDATE SKIP LOCKED`` keeps instances apart; on SQLite the whole
        transaction is ``BEGIN IMMEDIATE``, so the select-then-update cannot interleave.
        """
        query = (
            select(MeetingPanel)
            .where(
                MeetingPanel.dirty.is_(True),
                or_(MeetingPanel.locked_until.is_(None), MeetingPanel.locked_until <= now),
                or_(MeetingPanel.edited_at.is_(None), MeetingPanel.edited_at <= edited_before),
            )
            .order_by(MeetingPanel.meeting_id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        panels = list(await self.session.scalars(query.execution_options(populate_existing=True)))
        for panel in panels:
            panel.dirty = False
            panel.locked_until = lease_until
        await self.session.flush()
        return panels

    async def record_edit(
        self, meeting_id: int, chat_id: int | None, message_id: int | None, now: datetime
    ) -> None:
        await self.session.execute(
            update(MeetingPanel)
            .where(MeetingPanel.meeting_id == meeting_id)
            .values(chat_id=chat_id, message_id=message_id, edited_at=now, locked_until=None)
        )

    async def release(self, meeting_id: int, *, dirty: bool, forget_message: bool) -> None:
        values: dict[str, object] = {"locked_until": None}
        if dirty:
            values["dirty"] = True
        if forget_message:
            values["message_id"] = None
        await self.session.execute(
            update(MeetingPanel).where(MeetingPanel.meeting_id == meeting_id).values(**values)
        )
