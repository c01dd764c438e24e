"""The audit log of committee actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


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
