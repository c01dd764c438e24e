"""Three instances, one bot: a broadcast and a tap storm, and kill -9 of the busiest instance.

N ``chibo run --webhook`` processes share one PostgreSQL database. The fake Bot API server
(in this process, ``enforce_limits=True``: 429 beyond 30 messages/s overall, 1/s per private
chat) plays Telegram and the load balancer in front of them: it POSTs every update to the
instances' webhook ports in turn (``route_webhook``). The agenda goes to ``--members``
members; a share of them tap "✅ Có mặt" on their copy a moment after it arrives (some twice),
and never tap again: a tap the killed instance had taken is answered only after it was handled,
so Telegram (here the fake server) posts it again, to another instance. Mid-way the instance
that used the most CPU is killed with SIGKILL. Measured: the overall send rate and busiest
second, the 429s, duplicate copies, members without a copy, rows left "chưa rõ" (in flight at
the kill), the take-over time (from the kill until every row claimed at that moment was sent),
the taps stored, the taps never answered and the updates posted again after a failed POST.

    python -m bench.multi_instance --db postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench import broadcast_bench
from bench.broadcast_bench import AGENDA, FIRST_MEMBER, TOKEN, _drop, _prepare, _scratch_db
from bench.common import bench_parser
from bot.simulator import ApiEvent, FakeBotApi
from bot.simulator.protocol import JSON
from storage.db import Database
from storage.models import Attendance, AttendanceAnswer, OutboxMessage, OutboxStatus
from storage.repositories.outbox import OutboxRepository

PUBLIC_URL = "https://bot.example.org"
WEBHOOK_URL = f"{PUBLIC_URL}/telegram"
SECRET = "multi-instance-bench-secret"
AGENDA_MARK = AGENDA.splitlines()[1]  # a line only the agenda copies carry
YES = "✅ Có mặt"
# A tap on the killed instance waits for the fake server's retry (its pause doubles with each
# failed POST, up to 5 s) and for the handling on another instance.
ANSWER_WITHIN = 30.0  # seconds
LEASE = timedelta(seconds=61)  # the worker's sending lease (60 s), and a second


@dataclass
class Watch(broadcast_bench.Watch):
    """Every new bot message to a member (``times``), and the agenda copies per member."""

    copies: Counter[int] = field(default_factory=Counter)
    on_first_copy: Callable[[int, JSON], None] = lambda chat, copy: None

    def __call__(self, event: ApiEvent) -> None:
        if event.kind != "new" or event.chat_id < FIRST_MEMBER:
            return
        self.times.append(time.monotonic())
        if event.message is not None and AGENDA_MARK in str(event.message.get("text", "")):
            self.copies[event.chat_id] += 1
            if self.copies[event.chat_id] == 1:
                self.on_first_copy(event.chat_id, event.message)


@dataclass
class Result:
    instances: int
    members: int
    seconds: float
    rate: float
    busiest: int
    rate_limited: int
    duplicates: int
    missing: int
    uncertain: int
    takeover: float
    tappers: int
    taps: int
    unanswered: int
    redelivered: int
    stored: int
    stored_yes: int
    killed_after: int = 0
    logs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.instances} instances, {self.members:,} members: {self.seconds:.1f} s, "
            f"{self.rate:.1f} msg/s overall (busiest second {self.busiest}), "
            f"{self.rate_limited} answers 429, {self.duplicates} duplicates, "
            f"{self.missing} members without a copy, {self.uncertain} uncertain rows, "
            f"kill -9 after {self.killed_after} copies, take-over {self.takeover:.1f} s, "
            f"{self.taps} taps by {self.tappers} members ({self.unanswered} never answered, "
            f"{self.redelivered} posted again after a failed POST), "
            f"{self.stored} answers stored ({self.stored_yes} yes)"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _start(db_url: str, api: FakeBotApi, port: int, log: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_URL": db_url,
        "WEBHOOK_URL": WEBHOOK_URL,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as err:
        return await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot.cli", "run", "--webhook"),
            env=env,
            cwd=str(Path(__file__).parents[1]),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=err,
        )


async def _counts(db: Database) -> Counter[str]:
    """Rows by status; pending ones only once due (reminders for next week wait)."""
    async with db.session() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.due_at <= func.now())
            .group_by(OutboxMessage.status)
        )
        return Counter({str(status): int(count) for status, count in rows.all()})


async def _claimed_now(db: Database) -> set[int]:
    """Pending rows some instance holds a claim on (the killed one's among them)."""
    async with db.session() as session:
        rows = await session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.locked_until > func.now(),
            )
        )
        return set(rows)


async def _still_pending(db: Database, ids: set[int]) -> int:
    async with db.session() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING
                )
            )
            or 0
        )


class TapStorm:
    """Members tap "✅ Có mặt" on their copy 1.2–3 s after it arrives; one in three twice.
    Nobody taps again: a tap is counted unanswered if no answer came within ``ANSWER_WITHIN``.

    Driven by the fake server's events (no polling), so that the process that plays
    Telegram stays as idle as it can: the server counts a request when its event loop reads it.
    """

    def __init__(self, api: FakeBotApi, share: float, seed: int = 11) -> None:
        self.api, self.share = api, share
        self.random = random.Random(seed)
        self.tasks: set[asyncio.Task[None]] = set()
        self.members = self.taps = self.unanswered = 0

    def copy_arrived(self, chat: int, copy: JSON) -> None:
        if self.random.random() >= self.share:
            return
        self.members += 1
        task = asyncio.get_running_loop().create_task(self._member(chat, copy))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _member(self, chat: int, copy: JSON) -> None:
        user = self.api.user(chat)
        await asyncio.sleep(self.random.uniform(1.2, 3.0))  # reading the agenda first
        queries = [await user.press(copy, YES)]
        self.taps += 1
        if self.random.random() < 1 / 3:
            await asyncio.sleep(0.15)
            queries.append(await user.press(copy, YES))
            self.taps += 1
        if not await self._answered(queries):
            self.unanswered += 1

    async def _answered(self, queries: list[str], timeout: float = ANSWER_WITHIN) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(q in self.api.callback_answers for q in queries):
                return True
            await asyncio.sleep(0.5)
        return False

    async def finish(self) -> None:
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=60)


async def _stored_answers(db: Database) -> tuple[int, int]:
    async with db.session() as session:
        total = await session.scalar(select(func.count()).select_from(Attendance))
        yes = await session.scalar(
            select(func.count()).where(Attendance.answer == AttendanceAnswer.YES)
        )
        return int(total or 0), int(yes or 0)


async def _wait_drained(db: Database, watch: Watch, started: float, limit: float) -> None:
    """Until nothing is pending and no new message went out for two seconds."""
    while True:
        await asyncio.sleep(0.5)
        counts = await _counts(db)
        quiet = time.monotonic() - (watch.times[-1] if watch.times else started)
        if counts["pending"] == 0 and quiet > 2.0:
            return
        if time.monotonic() - started > limit:
            raise TimeoutError(f"the outbox did not drain within {limit:.0f} s: {counts}")


async def run(
    db_url: str,
    *,
    members: int = 1000,
    instances: int = 3,
    kill_after: int | None = 400,
    tap_share: float = 0.3,
    limit: float = 200.0,
) -> Result:
    """The whole scenario on a scratch database of the PostgreSQL server of ``db_url``."""
    with tempfile.TemporaryDirectory() as tmp:
        url, _ = await _scratch_db(db_url, Path(tmp))
        api = FakeBotApi(token=TOKEN, bot_username="BenchBot", enforce_limits=True)
        await api.start()
        storm = TapStorm(api, tap_share)
        watch = Watch(on_first_copy=storm.copy_arrived)
        api.add_listener(watch)
        db = Database(url)
        ports = [_free_port() for _ in range(instances)]
        api.route_webhook(PUBLIC_URL, *(f"http://127.0.0.1:{port}" for port in ports))
        logs = [Path(tmp) / f"instance-{i}.log" for i in range(instances)]
        bots: list[asyncio.subprocess.Process] = []
        try:
            await _prepare(db, api, members)  # the agenda is planned: the instances send it
            started = time.monotonic()
            bots = [
                await _start(url, api, port, log) for port, log in zip(ports, logs, strict=True)
            ]
            killed_after, takeover = 0, 0.0
            while kill_after is not None and len(watch.copies) < kill_after:
                await asyncio.sleep(0.05)
                if time.monotonic() - started > limit:
                    raise TimeoutError("the broadcast did not get going")
            if kill_after is not None:
                busiest = max(bots, key=lambda bot: _cpu_seconds(bot.pid))
                claimed = await _claimed_now(db)
                busiest.send_signal(signal.SIGKILL)
                killed_at = time.monotonic()
                killed_after = len(watch.copies)
                await busiest.wait()
                while claimed and await _still_pending(db, claimed):  # noqa: ASYNC110
                    await asyncio.sleep(0.25)  # polling the database: no event to wait for
                takeover = time.monotonic() - killed_at
            await _wait_drained(db, watch, started, limit)
            await storm.finish()
            await _wait_drained(db, watch, started, limit)
            seconds = time.monotonic() - started
            # Rows the killed instance had on the wire are "sending"; the others mark them
            # uncertain once their 60 s lease is over. Nothing else is in flight now, so this
            # is what the table will say a minute later.
            async with db.session() as session:
                now = await session.scalar(select(func.now()))
                assert now is not None
                await OutboxRepository(session).expire_leases(now + LEASE)
            counts = await _counts(db)
            got = [watch.copies.get(FIRST_MEMBER + i, 0) for i in range(members)]
            stored, stored_yes = await _stored_answers(db)
            return Result(
                instances=instances,
                members=members,
                seconds=seconds,
                rate=watch.rate(),
                busiest=watch.busiest_second(),
                rate_limited=api.stats.rate_limited,
                duplicates=sum(1 for n in got if n > 1),
                missing=sum(1 for n in got if n == 0),
                uncertain=counts["uncertain"],
                takeover=takeover,
                tappers=storm.members,
                taps=storm.taps,
                unanswered=storm.unanswered,
                redelivered=api.webhook_redeliveries,
                stored=stored,
                stored_yes=stored_yes,
                killed_after=killed_after,
                logs=[log.read_text(errors="replace")[-2000:] for log in logs],
            )
        except BaseException:
            for log in logs:  # what the instances said, for whoever reads the failure
                if log.exists():
                    print(f"--- {log.name}", log.read_text(errors="replace")[-3000:], sep="\n")
            raise
        finally:
            for bot in bots:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
            for bot in bots:
                try:
                    await asyncio.wait_for(bot.wait(), timeout=40)
                except TimeoutError:
                    bot.kill()
            await db.dispose()
            await api.stop()
            await _drop(db_url, url)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--db", required=True, help="a PostgreSQL URL (scratch databases on it)")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--kill-after", type=int, default=400, help="copies before kill -9")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    bad = 0
    for _ in range(args.runs):
        result = asyncio.run(
            run(args.db, members=args.members, instances=args.instances, kill_after=args.kill_after)
        )
        print(result.summary(), flush=True)
        bad += bool(result.duplicates or result.missing > result.uncertain or result.rate_limited)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
