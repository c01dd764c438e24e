"""Insert outbox rows, ignoring those whose ``dedupe_key`` already exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repositories.attendance import dialect_insert


async def insert_outbox_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Plan messages exactly once per ``dedupe_key``; returns how many rows were new."""
    new = 0
    for row in rows:
        statement = (
            dialect_insert(session, OutboxMessage)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await session.execute(statement)
        new += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return new
