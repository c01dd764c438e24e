"""A periodic job runs once per interval however many instances tick it (issue #11)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.periodic import claim_run, once_per_interval
from bot.services import Services
from storage.db import Database
from storage.repositories.job_runs import JobRunRepository

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


async def _claim(db: Database, name: str, at: datetime, every: timedelta) -> bool:
    async with db.session() as session:
        return await JobRunRepository(session).claim(name, at, every)


async def test_a_run_is_claimed_once_per_interval(db: Database) -> None:
    every = timedelta(seconds=10)
    assert await _claim(db, "meetings-maintain", T0, every)
    assert not await _claim(db, "meetings-maintain", T0 + timedelta(seconds=1), every)
    assert await _claim(db, "attendance-panels", T0 + timedelta(seconds=1), every)  # its own
    # A tick a little early (timer jitter, other clocks) still runs: 90 % of the interval.
    assert await _claim(db, "meetings-maintain", T0 + timedelta(seconds=9.5), every)
    assert not await _claim(db, "meetings-maintain", T0 + timedelta(seconds=17), every)


async def test_instances_ticking_at_once_run_the_job_once(db: Database) -> None:
    instances = [db, *(Database(db.url) for _ in range(3))]
    try:
        for _ in range(3):  # the first claim inserts the row, the later ones update it
            won = await asyncio.gather(
                *(claim_run(each, "outbox-wake", timedelta(seconds=30)) for each in instances)
            )
            assert won.count(True) <= 1
        assert won.count(True) == 0  # the interval has not passed since the first round
    finally:
        for each in instances[1:]:
            await each.dispose()


@dataclass
class _Context:
    services: Services


async def test_the_job_callback_does_nothing_when_another_instance_just_ran_it(
    services: Services,
) -> None:
    runs: list[str] = []

    async def job(context: _Context) -> None:
        runs.append("ran")

    tick = once_per_interval("flush", timedelta(seconds=5), job)
    other = Database(services.db.url)  # a second instance's connection to the same database
    try:
        await tick(_Context(services))
        await tick(_Context(Services.build(services.settings, other)))
    finally:
        await other.dispose()
    assert runs == ["ran"]


async def test_a_restarted_instance_runs_the_job_at_once_unless_it_just_ran(
    services: Services,
) -> None:
    runs: list[str] = []

    async def job(context: _Context) -> None:
        runs.append("ran")

    every, start = timedelta(minutes=10), timedelta(seconds=0.2)
    await once_per_interval("maintain", every, job, first_after=start)(_Context(services))
    restarted = once_per_interval("maintain", every, job, first_after=start)
    await restarted(_Context(services))  # started together with the first: it ran just now
    assert runs == ["ran"]
    await asyncio.sleep(0.25)
    await once_per_interval("maintain", every, job, first_after=start)(_Context(services))
    assert runs == ["ran", "ran"]  # a restart later: runs at once, not ten minutes on
    await restarted(_Context(services))  # later ticks keep the full interval
    assert runs == ["ran", "ran"]
