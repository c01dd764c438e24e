"""``job_runs``: a periodic job's run is claimed here, so it runs once per interval in all."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import JobRun
from storage.repositories._dialect import dialect_insert

EARLY = 0.9  # a tick may come this fraction of the interval after the last run (timer jitter)


class JobRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, name: str, now: datetime, interval: timedelta) -> bool:
        """True if the job ``name`` did not start within ``interval`` before ``now`` (it is
        then recorded as started now); False if another instance ran it meanwhile."""
        result = await self.session.execute(
            update(JobRun)
            .where(JobRun.name == name, JobRun.last_started_at <= now - interval * EARLY)
            .values(last_started_at=now),
            execution_options={"synchronize_session": False},
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        first = (
            dialect_insert(self.session, JobRun)
            .values(name=name, last_started_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return bool((await self.session.execute(first)).rowcount)  # type: ignore[attr-defined]
