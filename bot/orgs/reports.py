"""What the higher committee asks for: the month's overview, the chart, the workbook, and the
day of its monthly digest. Read-only; every request checks the asker's own role."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.orgs import digest, files
from bot.orgs.months import Month
from bot.orgs.overview import Overview, build_overview, months_up_to
from bot.orgs.roles import require_role
from storage.db import Database

CHART_MONTHS = 6


class OverviewService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def plan_digests(self) -> int:
        """Plan the monthly digests that are due (idempotent; the outbox sends them once)."""
        async with self.db.session() as session:
            return await digest.plan_digests(session, self.clock.now())

    async def this_month(self, telegram_id: int, role_id: int | None = None) -> Month:
        async with self.db.session() as session:
            _, org = await require_role(session, telegram_id, role_id)
        local = self.clock.now().astimezone(ZoneInfo(org.timezone))
        return local.year, local.month

    async def _build(self, telegram_id: int, role_id: int | None, months: list[Month]) -> Overview:
        async with self.db.session() as session:
            holder, org = await require_role(session, telegram_id, role_id)
            return await build_overview(session, holder, org, months, self.clock.now())

    async def month(self, telegram_id: int, role_id: int | None, month: Month) -> Overview:
        return await self._build(telegram_id, role_id, [month])

    async def chart(
        self, telegram_id: int, role_id: int, month: Month
    ) -> tuple[Overview, bytes | None]:
        overview = await self._build(telegram_id, role_id, months_up_to(*month, CHART_MONTHS))
        return overview, await asyncio.to_thread(files.chart_png, overview)

    async def workbook(
        self, telegram_id: int, role_id: int, month: Month
    ) -> tuple[Overview, bytes]:
        """January to ``month`` of its year, every cell."""
        overview = await self._build(telegram_id, role_id, months_up_to(*month, month[1]))
        return overview, await asyncio.to_thread(files.workbook, overview)
