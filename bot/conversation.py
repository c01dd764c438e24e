"""The free text a user is expected to type next, kept in the database (survives restarts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from storage.db import Database
from storage.repositories.pending import PendingInputRepository

DEFAULT_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class Expected:
    kind: str
    data: dict[str, Any]


class ConversationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def expect(
        self,
        telegram_id: int,
        chat_id: int,
        kind: str,
        data: dict[str, Any] | None = None,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        async with self.db.session() as session:
            await PendingInputRepository(session).set(
                telegram_id, chat_id, kind, data or {}, self.clock.now() + ttl
            )

    async def expected(self, telegram_id: int, chat_id: int) -> Expected | None:
        async with self.db.session() as session:
            row = await PendingInputRepository(session).get(telegram_id, chat_id, self.clock.now())
            return Expected(row.kind, dict(row.data)) if row else None

    async def clear(self, telegram_id: int, chat_id: int) -> None:
        async with self.db.session() as session:
            await PendingInputRepository(session).clear(telegram_id, chat_id)
