"""Province benchmark: reminder planning for many cells sharing one meeting day (issue #13).

N cells with M members in all (spread evenly), one meeting per cell, every one 5 days ahead at
19:00: the reminders (3 days, 1 day, 2 hours), the nudge and the committee tasks, all planned
by ``Planner.plan_changed`` (bot/meetings/planning.py) of each checkout given by ``--code``, on
one database, side by side (the last one named is the baseline): the first planning, then a
re-run with nothing new. Each run is a fresh process started in that checkout, so its code and
its RSS growth are its own. Reported: the time, the rows planned, the longest single
transaction (how long a SQLite writer could wait on it) and the peak RSS growth (sampled from
/proc every 20 ms). The outbox and the digests are emptied before each checkout's first run.
``--rebuild`` adds ``plan_all`` (every row rebuilt, every run; the job before issue #13).
``--hash`` prints, after each checkout's first run, a hash of every row but ``id`` and
``created_at`` in the order of the ids: checkouts that plan alike hash alike.

    python -m bench.province_bench --code . /work/main        # this checkout, then the baseline
    python -m bench.province_bench --code . /work/main --db postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from bench.broadcast_bench import _drop, _scratch_db
from bench.common import bench_parser, json_from_child, province_arguments
from bot.clock import ManualClock
from bot.meetings import reminders
from bot.meetings.planning import Planner
from bot.meetings.service import PLAN_HORIZON
from storage.db import Database
from storage.enums import MeetingKind, MeetingStatus, MemberState, Role
from storage.migrate import upgrade_database
from storage.models import Cell, Meeting, Member, OutboxMessage

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PAGE = 4_000


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


class PeakRss:
    """Samples this process's RSS in a thread while the block runs."""

    def __init__(self) -> None:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth(self) -> float:
        return self.peak - self.start


class LongestTransaction:
    """Wraps ``Database.session`` to time every unit of work."""

    def __init__(self, db: Database) -> None:
        self.longest = 0.0
        original = db.session

        @contextlib.asynccontextmanager
        async def timed() -> AsyncIterator[Any]:
            started = time.monotonic()
            async with original() as session:
                yield session
            self.longest = max(self.longest, time.monotonic() - started)

        db.session = timed  # type: ignore[method-assign]


@dataclass
class Phase:
    seconds: float
    rows: int
    longest_tx: float
    rss_growth: float


async def _fill(db: Database, cells: int, members: int) -> None:
    await upgrade_database(db.engine)
    starts = datetime.combine(NOW.date() + timedelta(days=5), day_time(12, 0), UTC)  # 19:00 VN
    async with db.session() as session:
        await session.execute(
            insert(Cell),
            [{"name": f"Chi bộ {i:05d}", "group_chat_id": -(10**9) - i} for i in range(cells)],
        )
    async with db.session() as session:
        cell_ids = list(await session.scalars(select(Cell.id).order_by(Cell.id)))
        await session.execute(
            insert(Meeting),
            [
                {
                    "cell_id": c,
                    "kind": MeetingKind.REGULAR,
                    "status": MeetingStatus.SCHEDULED,
                    "starts_at": starts,
                    "duration_minutes": 90,
                }
                for c in cell_ids
            ],
        )
    batch: list[dict[str, Any]] = []
    for i in range(members):
        cell = cell_ids[i % cells]
        batch.append(
            {
                "cell_id": cell,
                "telegram_id": 10_000_000 + i,
                "full_name": f"Đảng viên {i:06d}",
                "role": Role.SECRETARY if i < cells else Role.MEMBER,
                "state": MemberState.ACTIVE,
                "can_dm": True,
            }
        )
        if len(batch) == PAGE or i == members - 1:
            async with db.session() as session:
                await session.execute(insert(Member), batch)
            batch = []


async def _rows(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def _digest(db: Database) -> str:
    """A hash of every outbox row but its ``id`` and ``created_at``, in the order of the ids
    (the claim's last tie-break): two checkouts that plan alike hash alike."""
    table = OutboxMessage.__table__.c
    columns = [c for c in table if c.name not in ("id", "created_at")]
    digest = hashlib.sha1()
    async with db.session() as session:
        result = await session.stream(select(*columns).order_by(table.id))
        async for row in result:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:16]


async def _reset(db: Database) -> None:
    async with db.session() as session:
        await session.execute(delete(OutboxMessage))
        await session.execute(update(Meeting).values(plan_key=None))


async def _measure(db: Database, step: Callable[[], Awaitable[object]]) -> Phase:
    timer = LongestTransaction(db)
    before = await _rows(db)
    with PeakRss() as rss:
        started = time.monotonic()
        await step()
        seconds = time.monotonic() - started
    db.session = type(db).session.__get__(db)  # type: ignore[method-assign]
    return Phase(seconds, await _rows(db) - before, timer.longest, rss.growth)


async def phase(url: str, name: str) -> Phase:
    """One run, in this (fresh) process: its RSS growth is the planning's own."""
    db = Database(url)
    clock = ManualClock(NOW)
    planner = Planner(db, clock)

    async def baseline() -> None:
        async with db.session() as session:
            await reminders.plan_all(session, clock.now(), PLAN_HORIZON)

    async def incremental() -> None:
        await planner.plan_changed(clock.now(), PLAN_HORIZON)

    try:
        return await _measure(db, baseline if name == "baseline" else incremental)
    finally:
        await db.dispose()


async def _phase_in_child(url: str, name: str, code: Path) -> Phase:
    """One phase in a fresh process running ``code``'s planner (this checkout or a baseline)."""
    args = ("-m", "bench.province_bench", "--phase", name, "--url", url)
    return Phase(**await json_from_child(code, *args))


async def run(
    cells: int,
    members: int,
    db_url: str | None,
    codes: list[Path],
    rebuild: bool,
    digests: dict[str, str] | None = None,
) -> dict[str, Phase]:
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        db = Database(url)
        try:
            await _fill(db, cells, members)
            phases: dict[str, Phase] = {}
            if rebuild:
                phases["rebuild-all first"] = await _phase_in_child(url, "baseline", codes[0])
                phases["rebuild-all re-run"] = await _phase_in_child(url, "baseline", codes[0])
            for code in codes:
                await _reset(db)
                phases[f"{code} first"] = await _phase_in_child(url, "incremental", code)
                if digests is not None:
                    digests[str(code)] = await _digest(db)
                phases[f"{code} re-run"] = await _phase_in_child(url, "incremental", code)
            phases["_backend"] = backend  # type: ignore[assignment]
            return phases
        finally:
            await db.dispose()
            if backend == "postgresql":
                await _drop(db_url or "", url)


def table(cells: int, members: int, phases: dict[str, Phase]) -> str:
    backend = phases.pop("_backend")
    lines = [
        f"{cells:,} cells, {members:,} members, {backend}",
        "",
        "| code, run | time (s) | rows planned | longest transaction (s) | peak RSS growth (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, p in phases.items():
        lines.append(
            f"| {name} | {p.seconds:.2f} | {p.rows:,} | {p.longest_tx:.2f} | {p.rss_growth:.1f} |"
        )
    firsts = [p for name, p in phases.items() if name.endswith(" first")]
    if len(firsts) >= 2:  # the last code named is the baseline
        mine, base = firsts[-2], firsts[-1]
        lines.append("")
        lines.append(
            f"ratio baseline / this, first planning: {base.seconds / mine.seconds:.1f}×, "
            f"longest transaction {base.longest_tx / max(mine.longest_tx, 1e-3):.1f}×"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    province_arguments(parser, "checkouts whose planner runs, side by side (e.g. . /work/main)")
    parser.add_argument(
        "--rebuild", action="store_true", help="also plan_all: every row rebuilt, every run"
    )
    parser.add_argument(
        "--hash", action="store_true", help="hash every row after each checkout's first run"
    )
    parser.add_argument("--phase", choices=["baseline", "incremental"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(asdict(asyncio.run(phase(args.url, args.phase)))))
        return 0
    codes = [code.resolve() for code in args.code]
    digests: dict[str, str] | None = {} if args.hash else None
    phases = asyncio.run(run(args.cells, args.members, args.db, codes, args.rebuild, digests))
    print(table(args.cells, args.members, phases))
    for code, digest in (digests or {}).items():
        print(f"rows of {code}, hashed in the order of their ids: {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
