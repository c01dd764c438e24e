"""The attacking suite's world and its referee.

``world`` is two cells on the real Application (tests/e2e Harness): cell A, whose secretary
claimed it through Telegram and linked its group, with an ordinary member, a pending, a
rejected and a deactivated person, an upcoming and a cancelled meeting and a comment; and
cell B, another cell with its own secretary, member, meeting and comment. Strangers are
people the bot has never heard of.

``referee`` watches what must never happen: an ERROR log record (a handler raising to the
error handler, a job crashing), a Bot API call the server refused (a text over Telegram's
limits, bad markup, an answer to a query twice), a press left unanswered, a database row
changed by someone with no right to change it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.simulator import FakeGroup, FakeUser
from storage.db import Database
from storage.models import (
    Base,
    Cell,
    Comment,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberState,
    Role,
)
from tests.attendance_helpers import make_meeting
from tests.builders import add_members
from tests.e2e.conftest import Harness, harness  # noqa: F401  (the fixture, re-exported)

SEED = 20261127
Snapshot = dict[str, set[tuple[Any, ...]]]
# Telegram's refusals the bot handles on purpose (handlers/common.py edit_quietly): a double
# tap edits to the same text; a forged press on a document or a deleted message cannot edit it.
EXPECTED_REFUSALS = (
    "message is not modified",
    "there is no text in the message to edit",
    "message to edit not found",
)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.errors: list[logging.LogRecord] = []
        self.refused: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record)
        elif record.name == "bot.simulator.server" and "→" in record.msg:
            message = record.getMessage()
            if not any(ok in message for ok in EXPECTED_REFUSALS):
                self.refused.append(message)


@dataclass
class Referee:
    """What the attacks must never cause; ``verdict()`` lists every breach seen."""

    collector: _Collector
    queries: list[tuple[str, str, str]] = field(default_factory=list)  # (qid, who, data)

    def assert_clean(self, answers: dict[str, Any]) -> None:
        breaches = self.verdict(answers)
        assert not breaches, f"{len(breaches)} breaches:\n" + "\n".join(breaches)

    def verdict(self, answers: dict[str, Any]) -> list[str]:
        breaches = [
            f"ERROR log {r.name}: {r.getMessage()} ({r.exc_info[1]!r})"
            if r.exc_info
            else f"ERROR log {r.name}: {r.getMessage()}"
            for r in self.collector.errors
        ]
        breaches += [f"Bot API refused: {m}" for m in self.collector.refused]
        breaches += [
            f"press not answered: {who} pressed {data!r}"
            for qid, who, data in self.queries
            if qid not in answers
        ]
        return breaches


@pytest.fixture
def referee() -> Iterator[Referee]:
    collector = _Collector()
    server_log = logging.getLogger("bot.simulator.server")
    old_level = server_log.level
    server_log.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield Referee(collector)
    finally:
        root.removeHandler(collector)
        server_log.setLevel(old_level)


@dataclass
class World:
    harness: Harness
    group: FakeGroup
    cell_a: int
    cell_b: int
    secretary: FakeUser  # cell A's
    member: FakeUser  # an ordinary active member of A
    pending: FakeUser
    rejected: FakeUser
    deactivated: FakeUser
    outsider: FakeUser  # an active member of cell B
    strangers: list[FakeUser]
    member_ids: dict[str, int]  # who → members.id (A's secretary, member, …; "b_*" for B)
    meeting_a: int
    cancelled_a: int
    meeting_b: int
    comment_a: int
    comment_b: int
    rng: random.Random

    @property
    def db(self) -> Database:
        return self.harness.services.db

    def ids_of_a(self) -> list[int]:
        keep = ("secretary", "member", "pending", "rejected", "deactivated")
        return [self.meeting_a, self.cancelled_a, self.comment_a] + [
            self.member_ids[k] for k in keep
        ]

    def ids_of_b(self) -> list[int]:
        return [self.meeting_b, self.comment_b, self.cell_b] + [
            v for k, v in self.member_ids.items() if k.startswith("b_")
        ]


# The bot's own bookkeeping, which runs whoever presses: the periodic jobs' claims and the
# shared sending schedule. Not data anyone could change by pressing a button.
BOOKKEEPING = frozenset({"job_runs", "send_clock", "chat_send_clock"})


async def snapshot(db: Database) -> Snapshot:
    """Every row of every table but the bookkeeping ones, as comparable tuples."""
    tables: Snapshot = {}
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = (await session.execute(select(table))).all()
            tables[table.name] = {tuple(repr(v) for v in row) for row in rows}
    return tables


def changes(before: Snapshot, after: Snapshot) -> dict[str, dict[str, set[tuple[Any, ...]]]]:
    """Per table, the rows that disappeared and the rows that appeared."""
    out: dict[str, dict[str, set[tuple[Any, ...]]]] = {}
    for name in before.keys() | after.keys():
        gone, new = (
            before.get(name, set()) - after.get(name, set()),
            after.get(name, set()) - before.get(name, set()),
        )
        if gone or new:
            out[name] = {"gone": gone, "new": new}
    return out


# Cell B's rows have ids far from cell A's, so an id of B never names a row of A by chance.
B_CELL, B_SECRETARY, B_MEMBER, B_MEETING, B_COMMENT = 9001, 9101, 9102, 9201, 9301


async def _cell_b(db: Database, starts_at: datetime) -> int:
    """Another cell, its secretary (Telegram 900), a member (901), a meeting, a comment."""
    async with db.session() as session:
        session.add(Cell(id=B_CELL, name="Chi bộ Khu phố 9", group_chat_id=-2002))
        await session.flush()
        session.add_all(
            [
                Member(
                    id=B_SECRETARY, cell_id=B_CELL, telegram_id=900, full_name="Vũ Văn Chín",
                    role=Role.SECRETARY, state=MemberState.ACTIVE, can_dm=True,
                ),
                Member(
                    id=B_MEMBER, cell_id=B_CELL, telegram_id=901, full_name="Mai Thị Mười",
                    role=Role.MEMBER, state=MemberState.ACTIVE, can_dm=True,
                ),
            ]
        )  # fmt: skip
        await session.flush()
        session.add(
            Meeting(
                id=B_MEETING, cell_id=B_CELL, kind=MeetingKind.REGULAR, starts_at=starts_at,
                duration_minutes=90, place="Nhà văn hóa khu phố 9", agenda="Chương trình B",
            )
        )  # fmt: skip
        await session.flush()
        session.add(Comment(id=B_COMMENT, meeting_id=B_MEETING, member_id=B_MEMBER, text="Góp ý B"))
    return B_CELL


async def _person(world_db: Database, cell_id: int, name: str, tid: int, **kw: Any) -> int:
    (person,) = await add_members(world_db, cell_id, [name], tid_base=tid, **kw)
    return person.id


@pytest.fixture
async def world(harness: Harness) -> AsyncIterator[World]:  # noqa: F811
    h = harness
    db = h.services.db
    secretary = await h.secretary()
    group = await h.group(secretary)
    async with db.session() as session:
        cell_a = await session.scalar(select(Cell.id))
        secretary_id = await session.scalar(select(Member.id).where(Member.telegram_id == 100))
    assert cell_a is not None and secretary_id is not None
    ids = {"secretary": secretary_id}
    ids["member"] = await _person(db, cell_a, "Lê Văn Bình", 301)
    ids["pending"] = await _person(db, cell_a, "Phạm Thị Chờ", 302, state=MemberState.PENDING)
    ids["rejected"] = await _person(db, cell_a, "Đỗ Văn Từ", 303, state=MemberState.REJECTED)
    ids["deactivated"] = await _person(db, cell_a, "Hồ Thị Đi", 304, state=MemberState.INACTIVE)
    cell_b = await _cell_b(db, h.clock.now() + timedelta(days=8))
    ids["b_secretary"], ids["b_member"] = B_SECRETARY, B_MEMBER
    soon = h.clock.now() + timedelta(days=8)
    meeting_a = await make_meeting(db, cell_a, soon)
    cancelled_a = await make_meeting(
        db, cell_a, soon + timedelta(days=3), status=MeetingStatus.CANCELLED
    )
    async with db.session() as session:
        comment = Comment(meeting_id=meeting_a, member_id=ids["member"], text="Góp ý của Bình")
        session.add(comment)
        await session.flush()
        comment_a = comment.id
    users = {
        tid: h.api.user(tid, name, started=True)
        for tid, name in ((301, "Bình"), (302, "Chờ"), (303, "Từ"), (304, "Đi"), (901, "Chín"))
    }
    strangers = [h.api.user(700 + i, f"Lạ {i}", started=True) for i in range(3)]
    for user in (*users.values(), *strangers):
        group.set_member(user)
        await h.say(user, "/help")  # a bot message in each private chat, to press on
    # what the jobs do anyway (plan reminders, send what is due) is done before any attack
    await h.services.meetings.maintain()
    h.services.wake_outbox()
    await h.api.wait_idle(quiet=0.5)
    yield World(
        h,
        group,
        cell_a,
        cell_b,
        secretary,
        users[301],
        users[302],
        users[303],
        users[304],
        users[901],
        strangers,
        ids,
        meeting_a,
        cancelled_a,
        B_MEETING,
        comment_a,
        B_COMMENT,
        random.Random(SEED),
    )
