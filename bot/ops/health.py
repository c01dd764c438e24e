"""Is this process healthy? Its database answers and its outbox worker keeps looping.

Each check returns ``None`` when fine, else a short phrase saying what is wrong (shown by
/healthz; no URL, password or stack trace in it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.delivery.outbox import OutboxWorker
from storage.db import Database
from storage.repositories.operations import ping

DB_TIMEOUT = 2.0  # seconds; Docker's HEALTHCHECK gives the whole probe a few more
# The worker naps at most ``poll_interval`` (5 s) between loops; on SQLite a loop may also wait
# up to 30 s for the write lock. A minute without a loop means it is stuck.
STALE_AFTER = 60.0

WorkerProbe = Callable[[], str | None]


@dataclass(frozen=True)
class Health:
    database: str | None
    outbox_worker: str | None

    @property
    def ok(self) -> bool:
        return self.database is None and self.outbox_worker is None

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ok else "fail",
            "checks": {
                "database": self.database or "ok",
                "outbox_worker": self.outbox_worker or "ok",
            },
        }


def outbox_worker_probe(
    worker: OutboxWorker, task: asyncio.Task[None], *, stale_after: float | None = None
) -> WorkerProbe:
    """Alive = the task running ``worker.run_forever`` is not done and it looped recently."""
    limit = STALE_AFTER if stale_after is None else stale_after

    def probe() -> str | None:
        if task.done():
            return "stopped"
        if worker.last_loop_at is None:
            return None  # started a moment ago, has not looped yet
        idle = time.monotonic() - worker.last_loop_at
        return f"no loop for {idle:.0f} s" if idle > limit else None

    return probe


async def database_problem(db: Database, timeout: float = DB_TIMEOUT) -> str | None:
    try:
        async with asyncio.timeout(timeout):
            async with db.session() as session:
                await ping(session)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except Exception as exc:  # whatever the driver raises, the database is not usable
        return f"unreachable ({type(exc).__name__})"
    return None


async def check(db: Database, worker_probe: WorkerProbe, db_timeout: float = DB_TIMEOUT) -> Health:
    return Health(database=await database_problem(db, db_timeout), outbox_worker=worker_probe())
