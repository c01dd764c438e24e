"""The audit log of committee actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Meeting, Member


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        cell_id: int,
        action: str,
        *,
        actor_member_id: int | None,
        target_member_id: int | None = None,
        meeting_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            cell_id=cell_id,
            action=action,
            actor_member_id=actor_member_id,
            target_member_id=target_member_id,
            meeting_id=meeting_id,
            details=details or {},
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def times_of(self, meeting_id: int, action: str) -> list[datetime]:
        """When ``action`` was recorded for the meeting (e.g. each nudge round)."""
        query = select(AuditEntry.created_at).where(
            AuditEntry.meeting_id == meeting_id, AuditEntry.action == action
        )
        return list(await self.session.scalars(query))

    def _of_cell(
        self, cell_id: int, member_id: int | None, meeting_id: int | None
    ) -> Select[AuditEntry]:
        query = select(AuditEntry).where(AuditEntry.cell_id == cell_id)
        if member_id is not None:
            query = query.where(
                or_(
                    AuditEntry.actor_member_id == member_id,
                    AuditEntry.target_member_id == member_id,
                )
            )
        if meeting_id is not None:
            query = query.where(AuditEntry.meeting_id == meeting_id)
        return query

    async def page(
        self,
        cell_id: int,
        *,
        offset: int,
        limit: int,
        member_id: int | None = None,
        meeting_id: int | None = None,
    ) -> list[AuditEntry]:
        """The cell's entries, newest first (about a member as actor or target, or a meeting)."""
        query = (
            self._of_cell(cell_id, member_id, meeting_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def count(
        self, cell_id: int, *, member_id: int | None = None, meeting_id: int | None = None
    ) -> int:
        inner = self._of_cell(cell_id, member_id, meeting_id).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def between(
        self, cell_id: int, since: datetime, until: datetime, *, meeting_id: int | None = None
    ) -> list[AuditEntry]:
        """The cell's entries from ``since`` to before ``until``, oldest first (the export)."""
        query = self._of_cell(cell_id, None, meeting_id).where(
            AuditEntry.created_at >= since, AuditEntry.created_at < until
        )
        return list(
            await self.session.scalars(query.order_by(AuditEntry.created_at, AuditEntry.id))
        )

    async def for_meeting(self, meeting_id: int) -> list[AuditEntry]:
        """Every entry about one meeting, oldest first."""
        query = select(AuditEntry).where(AuditEntry.meeting_id == meeting_id)
        return list(
            await self.session.scalars(query.order_by(AuditEntry.created_at, AuditEntry.id))
        )

    async def recent_meetings(self, cell_id: int, limit: int) -> list[int]:
        """The meetings the cell's newest entries are about, most recent first."""
        latest = func.max(AuditEntry.created_at)
        query = (
            select(AuditEntry.meeting_id)
            .where(AuditEntry.cell_id == cell_id, AuditEntry.meeting_id.is_not(None))
            .group_by(AuditEntry.meeting_id)
            .order_by(latest.desc())
            .limit(limit)
        )
        return [int(m) for m in await self.session.scalars(query) if m is not None]

    async def member_names(self, member_ids: set[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        query = select(Member.id, Member.full_name).where(Member.id.in_(member_ids))
        return {id_: name for id_, name in (await self.session.execute(query)).all()}

    async def meeting_starts(self, meeting_ids: set[int]) -> dict[int, datetime]:
        if not meeting_ids:
            return {}
        query = select(Meeting.id, Meeting.starts_at).where(Meeting.id.in_(meeting_ids))
        return {id_: at for id_, at in (await self.session.execute(query)).all()}
