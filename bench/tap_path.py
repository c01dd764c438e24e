"""Tap path CPU: a member's tap (``AttendanceService.answer``) and the send-time render of its
confirmation, run many times in this process, CPU per call (issue #13, tap storm).

The tap storm's limit is the bot's CPU per tap; this measures the domain's share of it
without the HTTP, the update parsing and the fake server, on one cell of 300 members. The CPU
time is the process's (both threads on SQLite: the event loop and aiosqlite's).
``--profile`` prints cProfile's top functions of the taps. ``--code`` runs each checkout's
own code in a child process, side by side:

    python -m bench.tap_path --code . /work/main
    python -m bench.tap_path --code . /work/main --db postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.broadcast_bench import _drop, _scratch_db
from bench.common import bench_parser
from bench.tap_storm import FIRST, _fill
from bot.attendance.answers import AttendanceService
from bot.attendance.messages import render_confirmation
from bot.clock import SystemClock
from storage.db import Database
from storage.enums import AttendanceAnswer
from storage.migrate import upgrade_database
from storage.models import OutboxMessage

MEMBERS = 300
WARM_UP = 200


async def measure(db_url: str | None, taps: int, profile: bool) -> str:
    """``answer()`` ``taps`` times (random members and answers), then every planned
    confirmation rendered as often; one line of CPU (and wall) ms per call."""
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        db = Database(url)
        try:
            await upgrade_database(db.engine)
            _, meeting_id = await _fill(db, MEMBERS)
            service = AttendanceService(db, SystemClock())
            rng = random.Random(13)
            answers = list(AttendanceAnswer)

            async def tap(count: int, first_update: int) -> None:
                for n in range(count):
                    member = FIRST + rng.randrange(MEMBERS)
                    await service.answer(
                        member, meeting_id, rng.choice(answers), update_id=first_update + n
                    )

            await tap(WARM_UP, 1)
            profiler = cProfile.Profile() if profile else None
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            await tap(taps, WARM_UP + 1)
            if profiler is not None:
                profiler.disable()
            answer_cpu = (time.process_time() - cpu) * 1000 / taps
            answer_wall = (time.perf_counter() - wall) * 1000 / taps
            async with db.session() as session:
                rows = list((await session.scalars(select(OutboxMessage))).all())
            now, renders = datetime.now(UTC), 0
            cpu = time.process_time()
            while renders < taps:
                for row in rows:
                    async with db.session() as session:
                        await render_confirmation(session, row, now)
                    renders += 1
            render_cpu = (time.process_time() - cpu) * 1000 / renders
            if profiler is not None:
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
            ms = (f"{answer_cpu:.2f}", f"{answer_wall:.2f}", f"{render_cpu:.2f}")
            return "\t".join((backend, *ms, str(taps), str(renders)))
        finally:
            await db.dispose()
            if backend == "postgresql":
                await _drop(db_url or "", url)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--code", type=Path, nargs="+", default=None)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    parser.add_argument("--taps", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.code is None:  # this process's own code
        print(asyncio.run(measure(args.db, args.taps, args.profile)))
        return 0
    print("| code | DB | answer() CPU (ms) | wall (ms) | render CPU (ms) | taps | renders |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for code in args.code:
        # This file by its path: the other checkout may not have it (its bench package and
        # code are found through PYTHONPATH).
        command = [sys.executable, str(Path(__file__).resolve()), "--taps", str(args.taps)]
        command += ["--db", args.db] if args.db else []
        env = {**os.environ, "PYTHONPATH": str(code.resolve())}
        out = subprocess.run(
            command, env=env, cwd=code, check=True, capture_output=True, text=True
        ).stdout
        print(f"| {code} | " + " | ".join(out.strip().splitlines()[-1].split("\t")) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
