"""Start-up benchmark: from launching the bot to its first ``getUpdates`` (issue #13, point 7).

The database holds a province (``--cells`` cells and ``--members`` members, one meeting per
cell five days ahead, as in bench/province_bench.py) or nothing at all (``--members 0``: the
bot's own floor). The bot starts as in production (``python -m bot.cli run``, a subprocess:
imports, settings, the database's migrations checked, ``getMe`` and the command menus) against
the fake Bot API server in this process; the time is taken from launching the process to the
first ``getUpdates`` the server receives, the moment the bot starts answering members. The
process is then killed (SIGKILL): what it planned meanwhile stays, as after any restart.

Each checkout named by ``--code`` starts ``--runs`` times, the checkouts alternating (the last
one named is the baseline); the same database serves all of them.

    python -m bench.startup_bench --code . /tmp/base_head
    python -m bench.startup_bench --code . --members 0
    python -m bench.startup_bench --code . /tmp/base_head --db postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import tempfile
import time
from pathlib import Path

from bench.broadcast_bench import _drop, _scratch_db
from bench.common import bench_parser, markdown_table, province_arguments, start_bot
from bench.province_bench import _fill
from bot.simulator import FakeBotApi
from storage.db import Database
from storage.migrate import upgrade_database

TOKEN = "123456:BENCH-STARTUP"
LIMIT = 120.0  # seconds: a start-up slower than this is reported as failed


async def _first_poll(code: Path, url: str) -> float:
    """Seconds from launching the bot in ``code`` to the first getUpdates it sends."""
    api = FakeBotApi(token=TOKEN, enforce_limits=True)
    await api.start()
    started = time.monotonic()
    bot = await start_bot(code, url, api, TOKEN)
    try:
        while not any(method == "getUpdates" for method, _ in api.requests):
            if bot.returncode is not None or time.monotonic() - started > LIMIT:
                return float("nan")
            await asyncio.sleep(0.005)
        return time.monotonic() - started
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGKILL)
        await bot.wait()
        await api.stop()


async def run(
    cells: int, members: int, db_url: str | None, codes: list[Path], runs: int
) -> tuple[str, dict[Path, list[float]]]:
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        db = Database(url)
        try:
            if members:
                await _fill(db, cells, members)
            else:
                await upgrade_database(db.engine)
            await db.dispose()
            times: dict[Path, list[float]] = {code: [] for code in codes}
            for i in range(runs):
                for code in codes if i % 2 == 0 else codes[::-1]:
                    times[code].append(await _first_poll(code, url))
            return backend, times
        finally:
            await db.dispose()
            if backend == "postgresql":
                await _drop(db_url or "", url)


def table(cells: int, members: int, backend: str, times: dict[Path, list[float]]) -> str:
    size = f"{cells:,} cells, {members:,} members" if members else "an empty database"
    rows = [
        f"| {code} | {statistics.median(t):.2f} | {min(t):.2f} | {max(t):.2f} | {len(t)} |"
        for code, t in times.items()
    ]
    lines = [
        f"start-up to the first getUpdates, {size}, {backend}",
        "",
        markdown_table(
            "| code | median (s) | min (s) | max (s) | runs |", "|---|---:|---:|---:|---:|", rows
        ),
    ]
    medians = [statistics.median(t) for t in times.values()]
    if len(medians) >= 2:
        lines += ["", f"ratio baseline / this (medians): {medians[-1] / medians[-2]:.2f}×"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    province_arguments(parser, "checkouts that start, side by side (e.g. . /tmp/base_head)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    codes = [code.resolve() for code in args.code]
    backend, times = asyncio.run(run(args.cells, args.members, args.db, codes, args.runs))
    print(table(args.cells, args.members, backend, times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
