"""Overview benchmark: the higher committee's /tonghop and its workbook for a 100-cell parent.

A parent committee (đảng ủy) with N cells (default 100) of M members each (default 35), a
year of meetings (a regular one every month, a thematic one every quarter, 2026), every
member's attendance recorded on each (present, absent with or without reason), and statuses
(exempted, away, visiting, long leave) on some members. The bí thư đảng ủy asks for December:
``OverviewService.month`` (what /tonghop shows) and ``OverviewService.workbook`` (the .xlsx,
January to December, every cell). Each checkout given by ``--code`` runs in a fresh process
on the same database, side by side (the last one named is the baseline). Reported: the median
and the slowest of ``--runs`` requests, wall time, in that process.

    python -m bench.overview_bench --code . /work/main
    python -m bench.overview_bench --code . /work/main --db postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.broadcast_bench import _drop, _scratch_db
from bench.common import bench_parser
from bot.clock import ManualClock
from bot.orgs.reports import OverviewService
from storage.db import Database
from storage.enums import MeetingKind, MeetingStatus, MemberState, OrgRole, Role, StatusKind
from storage.migrate import upgrade_database
from storage.models import Attendance, Cell, Meeting, Member, MemberStatus, Org, OrgRoleHolder

NOW = datetime(2026, 12, 28, 3, 0, tzinfo=UTC)
SCRIPT = Path(__file__).resolve()  # run by path: a baseline checkout may not have this file
CODES = "checkouts whose overview runs, side by side (the last: the baseline)"
HEAD = 900_000_001  # the bí thư đảng ủy's Telegram id
STATUSES = (StatusKind.EXEMPT_MEETINGS, StatusKind.AWAY, StatusKind.VISITING, StatusKind.LONG_LEAVE)


@dataclass
class Timing:
    month_median: float
    month_max: float
    workbook_median: float
    workbook_max: float


def _meetings(cell_id: int) -> list[dict[str, Any]]:
    rows = []
    for month in range(1, 13):
        starts = datetime(2026, month, 5, 12, 0, tzinfo=UTC)  # 19:00 in Hà Nội
        rows.append(_meeting(cell_id, MeetingKind.REGULAR, starts))
        if month % 3 == 0:
            rows.append(_meeting(cell_id, MeetingKind.THEMATIC, starts + timedelta(days=10)))
    return rows


def _meeting(cell_id: int, kind: MeetingKind, starts: datetime) -> dict[str, Any]:
    return {
        "cell_id": cell_id,
        "kind": kind,
        "status": MeetingStatus.SCHEDULED,
        "starts_at": starts,
        "duration_minutes": 120,
    }


def _attendance(meeting_id: int, member_id: int, n: int) -> dict[str, Any]:
    present = n % 10 != 0
    return {
        "meeting_id": meeting_id,
        "member_id": member_id,
        "present": present,
        "absence_excused": None if present else n % 20 == 0,
    }


async def _fill(db: Database, cells: int, members: int) -> None:
    await upgrade_database(db.engine)
    async with db.session() as session:
        org = Org(name="Đảng bộ phường Bến Thành")
        session.add(org)
        await session.flush()
        session.add(
            OrgRoleHolder(
                org_id=org.id, telegram_id=HEAD, full_name="Bí thư đảng ủy", role=OrgRole.SECRETARY
            )
        )
        await session.execute(
            insert(Cell),
            [
                {"name": f"Chi bộ {i:03d}", "group_chat_id": -(10**9) - i, "org_id": org.id}
                for i in range(cells)
            ],
        )
    async with db.session() as session:
        cell_ids = list(await session.scalars(select(Cell.id).order_by(Cell.id)))
        for n, cell_id in enumerate(cell_ids):
            await session.execute(
                insert(Member),
                [
                    {
                        "cell_id": cell_id,
                        "telegram_id": 10_000_000 + n * members + i,
                        "full_name": f"Đảng viên {n:03d}-{i:02d}",
                        "role": Role.SECRETARY if i == 0 else Role.MEMBER,
                        "state": MemberState.ACTIVE,
                    }
                    for i in range(members)
                ],
            )
            await session.execute(insert(Meeting), _meetings(cell_id))
    async with db.session() as session:
        people = (await session.execute(select(Member.id, Member.cell_id))).all()
        meetings = (await session.execute(select(Meeting.id, Meeting.cell_id))).all()
        by_cell: dict[int, list[int]] = {}
        for member_id, cell_id in people:
            by_cell.setdefault(cell_id, []).append(member_id)
        rows = [
            _attendance(meeting_id, member_id, meeting_id * 7 + member_id)
            for meeting_id, cell_id in meetings
            for member_id in by_cell[cell_id]
        ]
        for start in range(0, len(rows), 4_000):
            await session.execute(insert(Attendance), rows[start : start + 4_000])
        statuses = [
            {
                "cell_id": cell_id,
                "member_id": ids[k + 1],
                "kind": STATUSES[k],
                "starts_on": date(2026, 2 * k + 1, 1),
                "ends_on": date(2026, 2 * k + 6, 28),
                "reason": "Theo quyết định của chi bộ",
            }
            for cell_id, ids in by_cell.items()
            for k in range(len(STATUSES))
        ]
        await session.execute(insert(MemberStatus), statuses)


async def measure(url: str, runs: int) -> Timing:
    """The requests, in this (fresh) process, with this checkout's code."""
    db = Database(url)
    service = OverviewService(db, ManualClock(NOW))
    month, workbook = [], []
    try:
        async with db.session() as session:
            role_id = await session.scalar(select(OrgRoleHolder.id))
        assert role_id is not None
        for _ in range(runs):
            started = time.perf_counter()
            await service.month(HEAD, None, (2026, 12))
            month.append(time.perf_counter() - started)
            started = time.perf_counter()
            await service.workbook(HEAD, role_id, (2026, 12))
            workbook.append(time.perf_counter() - started)
    finally:
        await db.dispose()
    return Timing(statistics.median(month), max(month), statistics.median(workbook), max(workbook))


async def _in_child(url: str, code: Path, runs: int) -> Timing:
    # Imported here: the child runs with a baseline's bench/ on its path, which may lack it.
    from bench.common import json_from_child

    return Timing(**await json_from_child(code, str(SCRIPT), "--url", url, "--runs", str(runs)))


async def run(
    cells: int, members: int, db_url: str | None, codes: list[Path], runs: int
) -> tuple[str, int, dict[Path, Timing]]:
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        db = Database(url)
        try:
            await _fill(db, cells, members)
            async with db.session() as session:
                rows = len((await session.execute(select(Attendance.id))).all())
            await db.dispose()
            return backend, rows, {code: await _in_child(url, code, runs) for code in codes}
        finally:
            await db.dispose()
            if backend == "postgresql":
                await _drop(db_url or "", url)


def table(cells: int, members: int, backend: str, rows: int, timings: dict[Path, Timing]) -> str:
    lines = [
        f"{cells} cells × {members} members, {rows:,} attendance rows, {backend}",
        "",
        "| code | /tonghop median (s) | max (s) | workbook median (s) | max (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for code, t in timings.items():
        lines.append(
            f"| {code} | {t.month_median:.3f} | {t.month_max:.3f} "
            f"| {t.workbook_median:.3f} | {t.workbook_max:.3f} |"
        )
    if len(timings) >= 2:  # the last code named is the baseline
        *_, mine, base = timings.values()
        lines += [
            "",
            f"ratio baseline / this: /tonghop {base.month_median / mine.month_median:.2f}×, "
            f"workbook {base.workbook_median / mine.workbook_median:.2f}×",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--cells", type=int, default=100)
    parser.add_argument("--members", type=int, default=35)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    parser.add_argument("--code", type=Path, nargs="+", default=[SCRIPT.parents[1]], help=CODES)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.url:
        print(json.dumps(asdict(asyncio.run(measure(args.url, args.runs)))))
        return 0
    codes = [code.resolve() for code in args.code]
    backend, rows, timings = asyncio.run(run(args.cells, args.members, args.db, codes, args.runs))
    print(table(args.cells, args.members, backend, rows, timings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
