"""Periodic jobs that run once per interval for the whole bot, however many instances tick.

Every instance's JobQueue keeps its timers (so a dead instance's jobs go on without a
hand-over); each tick first claims the run in ``job_runs`` and only the instance that got it
does the work. The claim is on the wall clock: it is about the timers, not the domain time a
test may hold still. The jobs stay idempotent all the same (unique keys in the database).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from bot.services import Services
from storage.db import Database
from storage.repositories.job_runs import JobRunRepository

log = logging.getLogger(__name__)


class HasServices(Protocol):
    @property
    def services(self) -> Services: ...


C = TypeVar("C", bound=HasServices)


async def claim_run(db: Database, name: str, interval: timedelta) -> bool:
    """True if this instance runs job ``name`` now (nobody did within ``interval``)."""
    async with db.session() as session:
        return await JobRunRepository(session).claim(name, datetime.now(UTC), interval)


def once_per_interval(
    name: str,
    interval: timedelta,
    job: Callable[[C], Awaitable[None]],
    *,
    first_after: timedelta | None = None,
) -> Callable[[C], Coroutine[Any, Any, None]]:
    """``job`` as a JobQueue callback that does nothing when another instance just ran it.

    ``first_after``: this process's first tick runs unless the job ran that recently (a
    restarted bot catches up at once, instances started together still run it once).
    """
    first = [first_after]

    async def tick(context: C) -> None:
        gap, first[0] = first[0] or interval, None
        try:
            mine = await claim_run(context.services.db, name, gap)
        except Exception:  # the database is away: the next tick tries again
            log.exception("job %s: could not claim its run", name)
            return
        if mine:
            await job(context)

    return tick
