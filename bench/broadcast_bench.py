"""Broadcast benchmark: the agenda to N simulated members through the fake Bot API server.

The fake server runs in this process with ``enforce_limits=True`` (it answers 429 with
``retry_after`` beyond 30 messages/s overall, 1/s per private chat, 20/min per group). The bot
runs exactly as in production — ``python -m bot.cli run`` in a subprocess, with its outbox
worker — against the same database. This process plans the broadcast, watches the server,
and reports messages per second against Telegram's 30/s ceiling, 429s met, and the bot's peak
memory. ``--crash-after K`` kills the bot with SIGKILL after K messages, restarts it, and
counts the copies every member got (bench/broadcast_crash.py runs that scenario).

The meeting's reminders are planned by this process before the bot starts, as they are in
production long before an agenda goes out (when the members were added): the bot's peak is then
the broadcast's. ``--plan-at-start`` leaves that first planning of the 10,000-member cell to the
bot's start-up instead (its peak is then the planning's; bench/README.md has both).
``--code DIR`` runs the bot from another checkout (main's code as the baseline, side by side).

    python -m bench.broadcast_bench --members 1000 10000
    python -m bench.broadcast_bench --members 1000 --db postgresql+asyncpg://postgres@127.0.0.1:5432/test
    python -m bench.broadcast_bench --members 10000 --code . /tmp/main-checkout
"""

from __future__ import annotations

import asyncio
import resource
import signal
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import bench_parser, close_run, markdown_table, start_bot
from bot.broadcast.report import ReportMessage
from bot.broadcast.service import BroadcastService
from bot.clock import SystemClock
from bot.meetings.planning import Planner
from bot.meetings.service import PLAN_HORIZON
from bot.simulator import ApiEvent, FakeBotApi
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Cell, Meeting, MeetingKind, Member, MemberState, OutboxMessage, Role

TOKEN = "424242:BENCH-TOKEN-abcdefghij"
CEILING = 30.0
SECRETARY = 10
FIRST_MEMBER = 100_000
AGENDA = "1. Thông tin thời sự\n2. Kiểm điểm nghị quyết tháng trước\n3. Nhiệm vụ tháng tới"


@dataclass
class Watch:
    """What the fake server saw: the time of every new bot message per private chat."""

    times: list[float] = field(default_factory=list)
    per_chat: Counter[int] = field(default_factory=Counter)

    def __call__(self, event: ApiEvent) -> None:
        if event.kind == "new" and event.chat_id >= FIRST_MEMBER:
            self.times.append(time.monotonic())
            self.per_chat[event.chat_id] += 1

    def rate(self) -> float:
        if len(self.times) < 2:
            return 0.0
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])

    def busiest_second(self) -> int:
        best, start = 0, 0
        for end, moment in enumerate(self.times):
            while moment - self.times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best


@dataclass
class Result:
    code: str
    members: int
    backend: str
    seconds: float
    rate: float
    busiest: int
    rate_limited: int
    peak_rss_mb: float
    delivered: int
    duplicates: int
    crashed: bool = False
    uncertain: int = 0
    missing: int = 0


async def _admin_execute(admin_url: str, sql: str) -> None:
    """One statement on the server of ``admin_url`` (CREATE/DROP DATABASE need no transaction)."""
    import asyncpg

    parsed = make_url(admin_url)
    conn = await asyncpg.connect(
        user=parsed.username, host=parsed.host, port=parsed.port, database=parsed.database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _scratch_db(url: str | None, workdir: Path) -> tuple[str, str]:
    if url is None:
        return f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}", "sqlite"
    name = f"chibo_bench_{uuid.uuid4().hex[:8]}"
    await _admin_execute(url, f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False), "postgresql"


async def _drop(admin_url: str, url: str) -> None:
    await _admin_execute(
        admin_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
    )


async def _report_message(api: FakeBotApi) -> int:
    """A bot message in the secretary's chat for the live report to edit (the button's)."""
    import aiohttp

    api.user(SECRETARY, "Bí thư", started=True)
    async with (
        aiohttp.ClientSession() as client,
        client.post(
            f"{api.base_url}{api.token}/sendMessage", json={"chat_id": SECRETARY, "text": "…"}
        ) as answer,
    ):
        return int((await answer.json())["result"]["message_id"])


async def _prepare(
    db: Database,
    api: FakeBotApi,
    members: int,
    *,
    plan: bool = False,
    report_id: int | None = None,
) -> None:
    """A cell, its members (all have pressed Start), a meeting (with ``plan``, its reminders
    planned) and a sent agenda. With ``report_id`` (a message from ``_report_message``) its
    report is kept up to date as the secretary's is: that message is edited every few seconds
    while the copies go; without it the report is posted as a new message."""
    await upgrade_database(db.engine)
    async with db.session() as session:
        cell = Cell(name="Chi bộ thử tải")
        session.add(cell)
        await session.flush()
        session.add(
            Member(
                cell_id=cell.id,
                telegram_id=SECRETARY,
                full_name="Bí thư",
                role=Role.SECRETARY,
                state=MemberState.ACTIVE,
                can_dm=True,
            )
        )
        session.add_all(
            Member(
                cell_id=cell.id,
                telegram_id=FIRST_MEMBER + i,
                full_name=f"Đảng viên {i:05d}",
                state=MemberState.ACTIVE,
                can_dm=True,
            )
            for i in range(members)
        )
        meeting = Meeting(
            cell_id=cell.id,
            kind=MeetingKind.REGULAR,
            starts_at=datetime.now(UTC) + timedelta(days=7),
        )
        session.add(meeting)
        await session.flush()
        meeting_id = meeting.id
    api.user(SECRETARY, "Bí thư", started=True)
    for i in range(members):
        api.user(FIRST_MEMBER + i, f"ĐV{i}", started=True)
    if plan:
        await Planner(db, SystemClock()).plan_changed(datetime.now(UTC), PLAN_HORIZON)
    service = BroadcastService(db, SystemClock())
    draft = await service.open(SECRETARY, meeting_id)
    await service.save_text(SECRETARY, draft.broadcast_id, AGENDA)
    await service.send(
        SECRETARY,
        draft.broadcast_id,
        ReportMessage(SECRETARY, report_id),
        bot_username="BenchBot",
    )


async def _status_counts(db: Database) -> Counter[str]:
    async with db.session() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == "agenda")
            .group_by(OutboxMessage.status)
        )
        return Counter({str(status): int(count) for status, count in rows.all()})


HERE = Path(__file__).parents[1]


async def run(
    members: int,
    db_url: str | None,
    *,
    crash_after: int | None = None,
    quiet: bool = False,
    code: Path = HERE,
    plan_at_start: bool = False,
) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        api = FakeBotApi(token=TOKEN, bot_username="BenchBot", enforce_limits=True)
        await api.start()
        watch = Watch()
        api.add_listener(watch)
        db = Database(url)
        try:
            await _prepare(
                db,
                api,
                members,
                plan=not plan_at_start,
                report_id=await _report_message(api),
            )
            started = time.monotonic()
            bot = await start_bot(code, url, api, TOKEN)
            crashed = False
            while True:
                await asyncio.sleep(0.25)
                if crash_after is not None and not crashed and len(watch.times) >= crash_after:
                    bot.send_signal(signal.SIGKILL)
                    await bot.wait()
                    crashed = True
                    if not quiet:
                        print(f"  killed the bot (SIGKILL) after {len(watch.times)} messages")
                    bot = await start_bot(code, url, api, TOKEN)
                counts = await _status_counts(db)
                if counts["pending"] == 0 and counts["sending"] == 0:
                    break
                if time.monotonic() - started > 3600:
                    raise TimeoutError("the broadcast did not finish within an hour")
            seconds = time.monotonic() - started
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            counts = await _status_counts(db)
            got = [watch.per_chat.get(FIRST_MEMBER + i, 0) for i in range(members)]
            return Result(
                code=str(code),
                members=members,
                backend=backend,
                seconds=seconds,
                rate=watch.rate(),
                busiest=watch.busiest_second(),
                rate_limited=api.stats.rate_limited,
                peak_rss_mb=peak_kb / 1024,
                delivered=sum(1 for n in got if n >= 1),
                duplicates=sum(1 for n in got if n > 1),
                crashed=crashed,
                uncertain=counts["uncertain"],
                missing=sum(1 for n in got if n == 0),
            )
        finally:
            drop = _drop(db_url or "", url) if backend == "postgresql" else None
            await close_run(db, api, drop)


def _row(r: Result) -> str:
    crash = f"kill -9 → {r.uncertain} uncertain, {r.missing} missing" if r.crashed else "—"
    return (
        f"| {r.code} | {r.members:,} | {r.backend} | {r.seconds:.1f} | {r.rate:.1f} "
        f"| {r.rate / CEILING:.2f} | {r.busiest} | {r.rate_limited} | {r.peak_rss_mb:.0f} "
        f"| {r.delivered:,} | {r.duplicates} | {crash} |"
    )


def table(results: list[Result]) -> str:
    return markdown_table(
        "| code | members | DB | time (s) | msg/s | ratio to 30/s | busiest 1 s | 429s "
        "| peak RSS bot (MB) | delivered | duplicates | crash → uncertain |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        map(_row, results),
    )


def main(argv: list[str] | None = None) -> int:
    """Broadcast to each size from each checkout given, side by side; print the table."""
    parser = bench_parser(__doc__)
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    parser.add_argument("--crash-after", type=int, default=None, help="SIGKILL after K messages")
    parser.add_argument("--code", type=Path, nargs="+", default=[HERE], help="checkouts to run")
    parser.add_argument(
        "--plan-at-start", action="store_true", help="leave the first reminder planning to the bot"
    )
    args = parser.parse_args(argv)
    results = []
    for members in args.members:
        for code in args.code:
            print(f"broadcast to {members:,} members ({code}) …", flush=True)
            result = asyncio.run(
                run(
                    members,
                    args.db,
                    crash_after=args.crash_after,
                    code=code.resolve(),
                    plan_at_start=args.plan_at_start,
                )
            )
            results.append(result)
            print(table([result]), flush=True)
    print()
    print(table(results))
    bad = [r for r in results if r.duplicates or (r.missing and not r.crashed)]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
