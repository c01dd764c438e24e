"""Tap storm: 1,000 attendance taps by 300 members of one cell within 10 seconds (issue #13).

The fake Bot API server runs in this process with Telegram's limits enforced (429 beyond 30
messages/s, 1/s per private chat, 20/min per group); the bot runs as in production
(``python -m bot.cli run``, a subprocess) with its outbox worker. The members tap the buttons
of the meeting's group panel at random moments (each 3 or 4 times, changing their answer), as
when a secretary says "bấm xác nhận đi các đồng chí" in a meeting of an agency cell. Reported:
the time from a press to its callback answer (p50, p99, max), whether every member's LAST tap
is the stored answer, the 429s the server gave, the private confirmations sent, and whether the
panel's final counts are right.

``--code DIR`` runs the bot from another checkout (the same database schema is created by that
checkout's own migrations at start-up): run main's code as the baseline, side by side:

    python -m bench.tap_storm                                  # this checkout
    python -m bench.tap_storm --code /work/main                # the baseline
    python -m bench.tap_storm --db postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench.broadcast_bench import TOKEN, _drop, _scratch_db
from bench.common import bench_parser, close_run, markdown_table, start_bot
from bot.simulator import ApiEvent, FakeBotApi, FakeUser
from storage.db import Database
from storage.enums import MeetingKind, MeetingStatus, MemberState, Role
from storage.models import Attendance, Cell, Meeting, Member
from storage.repositories.panels import PanelRepository

GROUP = -1_001_234_567
SECRETARY = 10
FIRST = 500_000
LABELS = {"yes": "✅ Có mặt", "no": "❌ Vắng", "maybe": "❔ Chưa chắc"}


@dataclass
class Result:
    code: str
    backend: str
    taps: int
    p50: float
    p99: float
    worst: float
    unanswered: int
    last_tap_stored: bool
    rate_limited: int
    confirmations: int
    panel_right: bool
    bot_cpu: float  # CPU seconds the bot process used from the first press to the last answer
    storm: float  # seconds from the first press to the last answer
    refused: list[str]  # each 429: method, chat and when, from the storm's first press


async def _schema_ready(db: Database) -> None:
    for _ in range(600):
        try:
            async with db.session() as session:
                await session.execute(text("SELECT 1 FROM meeting_panels LIMIT 1"))
                await session.execute(text("SELECT 1 FROM alembic_version LIMIT 1"))
            return
        except Exception:
            await asyncio.sleep(0.1)
    raise TimeoutError("the bot did not create the schema")


async def _fill(db: Database, members: int) -> tuple[int, int]:
    async with db.session() as session:
        cell_id = (
            await session.execute(
                insert(Cell).values(name="Chi bộ cơ quan", group_chat_id=GROUP).returning(Cell.id)
            )
        ).scalar_one()
        people = [
            {
                "cell_id": cell_id,
                "telegram_id": SECRETARY,
                "full_name": "Bí thư",
                "role": Role.SECRETARY,
                "state": MemberState.ACTIVE,
                "can_dm": True,
            }
        ]
        people += [
            {
                "cell_id": cell_id,
                "telegram_id": FIRST + i,
                "full_name": f"Đảng viên {i:03d}",
                "role": Role.MEMBER,
                "state": MemberState.ACTIVE,
                "can_dm": True,
            }
            for i in range(members)
        ]
        await session.execute(insert(Member), people)
        meeting_id = (
            await session.execute(
                insert(Meeting)
                .values(
                    cell_id=cell_id,
                    kind=MeetingKind.REGULAR,
                    status=MeetingStatus.SCHEDULED,
                    starts_at=datetime.now(UTC) + timedelta(days=5),
                    duration_minutes=90,
                )
                .returning(Meeting.id)
            )
        ).scalar_one()
        await PanelRepository(session).mark_dirty(meeting_id, cell_id)
    return cell_id, meeting_id


async def run(code: Path, db_url: str | None, members: int, taps: int, spread: float) -> Result:
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        url, backend = await _scratch_db(db_url, Path(tmp))
        api = FakeBotApi(token=TOKEN, bot_username="BenchBot")
        await api.start()
        pressed: dict[str, float] = {}
        answered: dict[str, float] = {}

        def on_event(event: ApiEvent) -> None:
            if event.kind == "callback_answer" and event.payload:
                answered.setdefault(str(event.payload.get("callback_query_id")), time.monotonic())

        api.add_listener(on_event)
        db = Database(url)
        bot = await start_bot(code, url, api, TOKEN, log_level="ERROR")
        try:
            await _schema_ready(db)
            _, meeting_id = await _fill(db, members)
            secretary = api.user(SECRETARY, "Bí thư", started=True)
            users = [api.user(FIRST + i, f"ĐV{i}", started=True) for i in range(members)]
            group = api.group(GROUP, "Chi bộ cơ quan — nhóm")
            for user in (secretary, *users):
                group.set_member(user)
            await group.add_bot(by=secretary, admin=True)
            panel = await api.wait_for_message(
                GROUP, lambda m: "📋" in m.get("text", ""), timeout=60
            )
            await asyncio.sleep(3)
            api.advance_time(60)  # the set-up's messages leave Telegram's windows
            api.enforce_limits = True
            confirmations_before = sum(len(api.messages(u.id)) for u in users)

            # each member taps 3 or 4 times (1,000 in all), at random moments within ``spread``
            plan: list[tuple[float, FakeUser, str]] = []
            counts = [taps // members + (1 if i < taps % members else 0) for i in range(members)]
            last: dict[int, str] = {}
            for user, n in zip(users, counts, strict=True):
                moments = sorted(rng.uniform(0, spread) for _ in range(n))
                for moment in moments:
                    choice = rng.choice(list(LABELS))
                    plan.append((moment, user, choice))
                    last[user.id] = choice
            plan.sort(key=lambda item: item[0])
            cpu_before = _cpu_seconds(bot.pid)
            started = time.monotonic()
            for moment, user, choice in plan:
                delay = started + moment - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                pressed[await user.press(panel, LABELS[choice])] = time.monotonic()
            deadline = time.monotonic() + 120
            while (  # noqa: ASYNC110 (a deadline, not an event)
                len(answered.keys() & pressed.keys()) < len(pressed) and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.2)
            bot_cpu = _cpu_seconds(bot.pid) - cpu_before
            storm = max(answered.values(), default=started) - started
            await asyncio.sleep(15)  # the confirmations and the last panel edit
            waits = sorted(answered[q] - t for q, t in pressed.items() if q in answered)
            async with db.session() as session:
                stored = dict(
                    (
                        await session.execute(
                            select(Member.telegram_id, Attendance.answer)
                            .join(Member, Member.id == Attendance.member_id)
                            .where(Attendance.meeting_id == meeting_id)
                        )
                    ).all()
                )
            expected = {a: sum(1 for v in last.values() if v == a) for a in LABELS}
            panel_text = str((api.get_message(GROUP, panel["message_id"]) or {}).get("text", ""))
            right = (
                f"✅ Có mặt: {expected['yes']}" in panel_text
                and f"❌ Vắng: {expected['no']}" in panel_text
                and f"❔ Chưa chắc: {expected['maybe']}" in panel_text
            )
            return Result(
                code=str(code),
                backend=backend,
                taps=len(pressed),
                p50=statistics.median(waits),
                p99=waits[max(0, int(len(waits) * 0.99) - 1)],
                worst=waits[-1],
                unanswered=len(pressed) - len(waits),
                last_tap_stored=all(stored.get(uid) == v for uid, v in last.items()),
                rate_limited=api.stats.rate_limited,
                confirmations=sum(len(api.messages(u.id)) for u in users) - confirmations_before,
                panel_right=right,
                bot_cpu=bot_cpu,
                storm=storm,
                refused=[
                    f"{method} to {chat} at {at - started:+.2f} s"
                    for method, chat, at in api.stats.refused
                ],
            )
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(bot.wait(), 30)
            except TimeoutError:
                bot.kill()
            drop = _drop(db_url or "", url) if backend == "postgresql" else None
            await close_run(db, api, drop)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def table(results: list[Result]) -> str:
    return markdown_table(
        "| code | DB | taps | answer p50 (s) | p99 (s) | max (s) | unanswered | last tap stored "
        "| 429s | confirmations | panel right | bot CPU (s) / storm (s) |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|",
        (
            f"| {r.code} | {r.backend} | {r.taps:,} | {r.p50:.3f} | {r.p99:.3f} | {r.worst:.3f} "
            f"| {r.unanswered} | {r.last_tap_stored} | {r.rate_limited} | {r.confirmations} "
            f"| {r.panel_right} | {r.bot_cpu:.1f} / {r.storm:.1f} |"
            for r in results
        ),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the storm against each checkout given, side by side, and print the table."""
    parser = bench_parser(__doc__)
    parser.add_argument("--code", type=Path, nargs="+", default=[Path(__file__).parents[1]])
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--taps", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    results = [
        asyncio.run(run(code.resolve(), args.db, args.members, args.taps, args.seconds))
        for code in args.code
    ]
    print(table(results))
    for r in results:
        for refusal in r.refused:
            print(f"429 ({r.code}): {refusal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
