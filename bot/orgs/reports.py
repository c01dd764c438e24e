"""What the higher committee asks for: the month's overview, the chart, the workbook, and the
day of its monthly digest. Read-only; every request checks the asker's own role."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import InvalidInput
from bot.orgs import files
from bot.orgs.overview import Month, Overview, build_overview, months_up_to
from bot.orgs.roles import require_role
from storage.db import Database

CHART_MONTHS = 6


def parse_month(text: str) -> Month:
    """ "11/2026" → (2026, 11); anything else is ``InvalidInput("bad_month")``."""
    parts = text.strip().split("/")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() for p in parts):
        month, year = int(parts[0]), int(parts[1])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    raise InvalidInput("bad_month")


def month_code(month: Month) -> str:
    """The month as a button argument: "202611"."""
    return f"{month[0]:04d}{month[1]:02d}"


def month_of_code(code: str) -> Month | None:
    if len(code) != 6 or not code.isdigit():
        return None
    year, month = int(code[:4]), int(code[4:])
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def step(month: Month, delta: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + delta
    return index // 12, index % 12 + 1


class OverviewService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

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
