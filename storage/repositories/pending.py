"""What free text a user is expected to type next (see ``PendingInput``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingInput


class PendingInputRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set(
        self, telegram_id: int, chat_id: int, kind: str, data: dict[str, Any], expires_at: datetime
    ) -> None:
        await self.clear(telegram_id, chat_id)
        self.session.add(
            PendingInput(
                telegram_id=telegram_id,
                chat_id=chat_id,
                kind=kind,
                data=data,
                expires_at=expires_at,
            )
        )
        await self.session.flush()

    async def get(self, telegram_id: int, chat_id: int, now: datetime) -> PendingInput | None:
        query = select(PendingInput).where(
            PendingInput.telegram_id == telegram_id,
            PendingInput.chat_id == chat_id,
            PendingInput.expires_at > now,
        )
        return await self.session.scalar(query)

    async def clear(self, telegram_id: int, chat_id: int) -> None:
        await self.session.execute(
            delete(PendingInput).where(
                PendingInput.telegram_id == telegram_id, PendingInput.chat_id == chat_id
            )
        )

    async def delete_exactly(self, telegram_id: int, chat_id: int, kind: str) -> bool:
        """Delete the row if it is still there; False when a concurrent transaction took it."""
        result = await self.session.execute(
            delete(PendingInput).where(
                PendingInput.telegram_id == telegram_id,
                PendingInput.chat_id == chat_id,
                PendingInput.kind == kind,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
