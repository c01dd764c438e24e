"""The outbox table: planning rows once per ``dedupe_key``, cancelling them, and the worker's
claim / lease / outcome queries (bot/delivery/outbox.py explains the guarantees)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cell, Meeting, Member, OutboxMessage, OutboxStatus, utcnow
from storage.repositories._dialect import dialect_insert, is_postgres, per_dialect

# Urgency tiers of the claim order (see ``claimable``), by kind. A kind not named here is
# one of "the rest". tests/unit/test_outbox_urgency.py checks every renderer's kind is placed.
REPLY_TIER, MEETING_TIER, COMMITTEE_TIER, REST_TIER = 0, 1, 2, 3
REPLY_KINDS = ("answer_confirm",)
MEETING_KINDS = ("reminder", "reminder_group", "nudge", "meeting_notice", "committee_task")
COMMITTEE_KINDS = (
    "agenda",
    "agenda_doc",
    "agenda_edit",
    "agenda_note",
    "agenda_invite",
    "agenda_report",
)


def urgency_tier() -> ColumnElement[int]:
    """A row's tier; meeting kinds count as such only with a meeting (not the gap warnings)."""
    kind = OutboxMessage.kind
    return case(
        (kind.in_(REPLY_KINDS), REPLY_TIER),
        (and_(kind.in_(MEETING_KINDS), OutboxMessage.meeting_id.is_not(None)), MEETING_TIER),
        (kind.in_(COMMITTEE_KINDS), COMMITTEE_TIER),
        else_=REST_TIER,
    )


# The worker's record of a delivered row, built once: only a row still in flight changes
# (one another instance took back after its lock lapsed is left alone, as ``locked`` does).
_RECORD_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("row_id"), OutboxMessage.status == OutboxStatus.SENDING)
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("sent_at"),
        telegram_message_id=bindparam("message_id"),
        locked_until=None,
        error=bindparam("note"),
    )
    .execution_options(synchronize_session=False)
)

# asyncpg refuses a statement with more than 32,767 bind parameters; an outbox row has 11.
PLAN_BATCH = 500

# ``plan_or_revive``: the columns it writes, their PostgreSQL array types, and what it does with
# a key that exists (a cancelled, never-sent row is wanted again; anything else is left alone).
BULK_COLUMNS = (
    ("cell_id", "INTEGER"),
    ("kind", "TEXT"),
    ("dedupe_key", "TEXT"),
    ("chat_id", "BIGINT"),
    ("member_id", "INTEGER"),
    ("meeting_id", "INTEGER"),
    ("payload", "JSON"),
    ("status", "TEXT"),
    ("due_at", "TIMESTAMPTZ"),
    ("attempts", "INTEGER"),
    ("created_at", "TIMESTAMPTZ"),
    ("turn", "INTEGER"),
)
_NAMES = ", ".join(name for name, _ in BULK_COLUMNS)
_REVIVE = (
    f"ON CONFLICT (dedupe_key) DO UPDATE SET status = '{OutboxStatus.PENDING}' "
    f"WHERE outbox.status = '{OutboxStatus.CANCELLED}' AND outbox.sent_at IS NULL"
)
_SQLITE_BULK = (
    f"INSERT INTO outbox ({_NAMES}) VALUES ({', '.join('?' for _ in BULK_COLUMNS)}) {_REVIVE}"
)
_POSTGRES_BULK = (
    f"INSERT INTO outbox ({_NAMES}) SELECT * FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in BULK_COLUMNS)
    + f") {_REVIVE}"
)


# ``plan_unless_pending`` runs on every tap that changes an answer: its statements are built
# once, on the table (building them and the ORM insert cost more CPU than the round trips).
_OUTBOX = cast(Table, OutboxMessage.__table__)
_O = _OUTBOX.c
_PENDING_OF = (
    select(_O.id)
    .where(
        _O.kind == bindparam("kind"),
        _O.meeting_id == bindparam("meeting_id"),
        _O.member_id == bindparam("member_id"),
        _O.status == str(OutboxStatus.PENDING),
    )
    .limit(1)
)
_PENDING_OF_LOCKED = _PENDING_OF.with_for_update()
# The columns a row planned by ``plan_unless_pending`` has once ``_defaults`` filled it in:
# those a bulk plan writes.
_ONE_ROW = tuple(name for name, _ in BULK_COLUMNS)
_PLAN_ONE = per_dialect(
    lambda insert: (
        insert(_OUTBOX)
        .values({name: bindparam(name) for name in _ONE_ROW})
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_O.id)
    )
)
# SQLite (serial transactions, no row locks): the check and the insert in one statement,
# ``INSERT … SELECT <the row> WHERE NOT EXISTS (<a pending one>)`` (one round trip fewer).
_PLAN_ONE_UNLESS_PENDING_SQLITE = per_dialect(
    lambda insert: (
        insert(_OUTBOX)
        .from_select(
            list(_ONE_ROW),
            select(*(bindparam(name, type_=_O[name].type) for name in _ONE_ROW)).where(
                ~exists(_PENDING_OF.scalar_subquery())
            ),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_O.id)
    )
)["sqlite"]

_EMPTY: Mapping[str, Any] = {}  # a row without payload (never written to)


class PlanRow(NamedTuple):
    """A row ``plan_or_revive`` writes, as reminder planning builds it: a tuple, not a dict
    (a province's first planning builds 412,000 of them). The other columns take their
    defaults: pending, no attempt, ``turn`` its place among its cell's rows of the call."""

    cell_id: int
    kind: str
    dedupe_key: str
    chat_id: int
    member_id: int | None
    meeting_id: int | None
    payload: Mapping[str, Any]  # rows of one lead share one (read-only)
    due_at: datetime


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- planning --------------------------------------------------------------------------
    async def plan(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows, ignoring any whose ``dedupe_key`` exists; returns how many are new.

        A row names at least ``cell_id``, ``kind``, ``dedupe_key``, ``chat_id`` and ``due_at``.
        """
        return len(await self.plan_keys(rows))

    async def plan_keys(self, rows: Sequence[Mapping[str, Any]]) -> set[str]:
        """``plan``, returning the ``dedupe_key`` of every row that is new."""
        unique = self._defaults(rows)
        statement = (
            dialect_insert(self.session, OutboxMessage)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.dedupe_key)
        )
        new: set[str] = set()
        for batch in _batches(unique, PLAN_BATCH):
            new.update((await self.session.scalars(statement, list(batch))).all())
        return new

    async def plan_or_revive(self, rows: Sequence[PlanRow]) -> int:
        """Insert the rows not planned yet and make cancelled, never-sent ones pending again
        (they are wanted after all: exactly-once holds); returns how many of either.

        The bulk path of reminder planning: one statement whatever the number of rows (on
        PostgreSQL the columns go as 12 arrays, so no parameter limit is near; on SQLite one
        ``executemany``), no ORM objects."""
        values = self._driver_rows(rows)
        if not values:
            return 0
        if is_postgres(self.session):
            columns = zip(*values, strict=True)
            arrays = {name: list(col) for (name, _), col in zip(BULK_COLUMNS, columns, strict=True)}
            result = await self.session.execute(text(_POSTGRES_BULK), arrays)
        else:
            connection = await self.session.connection()
            result = await connection.exec_driver_sql(_SQLITE_BULK, values)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _driver_rows(self, rows: Sequence[PlanRow]) -> list[tuple[Any, ...]]:
        """The rows once per ``dedupe_key`` (the first wins) with the columns they leave out,
        as tuples in ``BULK_COLUMNS`` order, ready for the driver.

        Each distinct moment and payload is converted once (a meeting's reminders share a
        handful of them): the conversion, not the database, was most of the time."""
        dialect = self.session.get_bind().dialect
        table = OutboxMessage.__table__.c
        to_json = table.payload.type.dialect_impl(dialect).bind_processor(dialect)
        to_moment = table.due_at.type.dialect_impl(dialect).bind_processor(dialect)
        # keyed by identity (rows of one lead share their payload), the dict held so its id
        # stays its own
        payloads: dict[int, tuple[Mapping[str, Any], Any]] = {}
        moments: dict[datetime, Any] = {}
        created = to_moment(utcnow()) if to_moment else utcnow()
        pending = str(OutboxStatus.PENDING)
        seen: set[str] = set()
        turns: dict[int, int] = {}
        values: list[tuple[Any, ...]] = []
        append = values.append
        for cell, kind, key, chat_id, member_id, meeting_id, payload, due in rows:
            if key in seen:
                continue
            seen.add(key)
            turn = turns.get(cell, 0)
            turns[cell] = turn + 1
            held = payloads.get(id(payload))
            if held is None:
                held = payloads[id(payload)] = (payload, to_json(payload) if to_json else payload)
            moment = moments.get(due)
            if moment is None:
                moment = moments[due] = to_moment(due) if to_moment else due
            append(
                (
                    cell,
                    kind,
                    key,
                    chat_id,
                    member_id,
                    meeting_id,
                    held[1],
                    pending,
                    moment,
                    0,
                    created,
                    turn,
                )
            )
        return values

    @staticmethod
    def _defaults(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The rows with the columns they leave out, once per ``dedupe_key`` (the first
        wins), each with its ``turn``: its place among its cell's rows (``claimable``)."""
        unique: dict[str, dict[str, Any]] = {}
        created = utcnow()
        turns: dict[int, int] = {}
        for row in rows:
            if row["dedupe_key"] in unique:
                continue
            turn = turns.get(row["cell_id"], 0)
            turns[row["cell_id"]] = turn + 1
            unique[row["dedupe_key"]] = {
                "payload": {},
                "member_id": None,
                "meeting_id": None,
                "attempts": 0,
                "created_at": created,
                "turn": turn,
                **row,
                "status": str(row.get("status", OutboxStatus.PENDING)),
            }
        return list(unique.values())

    async def plan_unless_pending(self, row: Mapping[str, Any]) -> bool:
        """Plan ``row`` unless a row of its kind for the same meeting and member is still
        pending: that one renders the latest state when it is sent. True if planned.

        On PostgreSQL the pending row is locked, so a worker rendering it right now finishes
        first; it is then no longer pending and the new row is planned. On SQLite the check
        is part of the insert (one statement)."""
        values = self._defaults([row])[0]
        if values.keys() != set(_ONE_ROW):  # not the columns the prebuilt statements bind
            return await self._plan_unless_pending_generic(row)
        connection = await self.session.connection()
        if connection.dialect.name != "postgresql":
            result = await connection.execute(_PLAN_ONE_UNLESS_PENDING_SQLITE, values)
            return result.first() is not None
        if (await connection.execute(_PENDING_OF_LOCKED, values)).first() is not None:
            return False
        return (await connection.execute(_PLAN_ONE["postgresql"], values)).first() is not None

    async def _plan_unless_pending_generic(self, row: Mapping[str, Any]) -> bool:
        query = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.kind == row["kind"],
                OutboxMessage.meeting_id == row["meeting_id"],
                OutboxMessage.member_id == row["member_id"],
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .limit(1)
        )
        if is_postgres(self.session):
            query = query.with_for_update()
        if await self.session.scalar(query) is not None:
            return False
        return await self.plan([row]) == 1

    async def revive(self, keys: Sequence[str]) -> int:
        """Make cancelled, never-sent rows pending again (they are wanted after all)."""
        revived = 0
        for batch in _batches(keys, PLAN_BATCH):
            result = await self.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.dedupe_key.in_(batch),
                    OutboxMessage.status == OutboxStatus.CANCELLED,
                    OutboxMessage.sent_at.is_(None),
                )
                .values(status=OutboxStatus.PENDING),
                execution_options={"synchronize_session": False},
            )
            revived += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return revived

    async def cancel(
        self,
        *,
        meeting_id: int | None = None,
        member_id: int | None = None,
        kinds: Sequence[str] | None = None,
        dedupe_prefix: str | None = None,
    ) -> int:
        """Cancel the rows not yet sent of a meeting and/or a member (optionally only these
        kinds / key prefix), releasing any claim on them."""
        if meeting_id is None and member_id is None:
            raise ValueError("cancel needs a meeting or a member")
        statement = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
        if meeting_id is not None:
            statement = statement.where(OutboxMessage.meeting_id == meeting_id)
        if member_id is not None:
            statement = statement.where(OutboxMessage.member_id == member_id)
        if kinds is not None:
            statement = statement.where(OutboxMessage.kind.in_(list(kinds)))
        if dedupe_prefix is not None:
            statement = statement.where(
                OutboxMessage.dedupe_key.startswith(dedupe_prefix, autoescape=True)
            )
        result = await self.session.execute(
            statement.values(status=OutboxStatus.CANCELLED, locked_until=None),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- the worker ------------------------------------------------------------------------
    async def next_due(self, now: datetime, skip_chats: Collection[int] = ()) -> datetime | None:
        """The earliest due pending row (outside ``skip_chats``) or expiring lease, whichever
        comes first."""
        due = await self.session.scalar(
            select(func.min(OutboxMessage.due_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
                *_outside(skip_chats),
            )
        )
        leased = await self.session.scalar(
            select(func.min(OutboxMessage.locked_until)).where(
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                OutboxMessage.locked_until > now,
            )
        )
        moments = [m for m in (due, leased) if m is not None]
        return min(moments) if moments else None

    async def expire_leases(self, now: datetime) -> int:
        """Rows left ``sending`` past their lease become ``uncertain``; returns how many."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.locked_until < now,
            )
            .values(status=OutboxStatus.UNCERTAIN, error="interrupted", locked_until=None),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def release_claim(self, row_id: int) -> None:
        """A claimed row that was never begun goes back to the queue at once (a stopping
        worker gives it to the next process without making it wait for the lease)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(locked_until=None),
            execution_options={"synchronize_session": False},
        )

    async def claimable(
        self, now: datetime, limit: int, skip_chats: Collection[int] = ()
    ) -> list[OutboxMessage]:
        """Due pending rows nobody holds, most urgent first (skipping rows locked elsewhere,
        and rows to ``skip_chats``: chats the worker knows are busy for a while).

        The order (README, "Urgency first"): a member's reply to their own tap, then the
        reminders and notices of the soonest meeting, then the committee's own messages,
        then the rest. Within a tier cells take turns: a row's ``turn`` is its place in its
        cell's plan, so the first copy of every cell's broadcast goes before any second copy,
        and one cell's 200-member agenda does not hold back another cell's reminder.
        """
        tier = urgency_tier()
        urgent_at = case(
            (tier == MEETING_TIER, Meeting.starts_at),
            else_=literal(now, OutboxMessage.due_at.type),
        )
        query = (
            select(OutboxMessage)
            .outerjoin(Meeting, Meeting.id == OutboxMessage.meeting_id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.due_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
                *_outside(skip_chats),
            )
            .order_by(tier, urgent_at, OutboxMessage.turn, OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if is_postgres(self.session):
            query = query.with_for_update(of=OutboxMessage, skip_locked=True)
        return list(await self.session.scalars(query))

    async def due(self, now: datetime) -> list[OutboxMessage]:
        """Every pending row due by ``now``, soonest first, claimed or not."""
        query = select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now
        )
        return list(
            await self.session.scalars(query.order_by(OutboxMessage.due_at, OutboxMessage.id))
        )

    async def pending_of(self, member_id: int, kinds: Sequence[str]) -> list[OutboxMessage]:
        """A member's rows of these kinds not sent yet (e.g. their reminders, to re-check)."""
        query = select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.member_id == member_id,
            OutboxMessage.kind.in_(list(kinds)),
        )
        return list(await self.session.scalars(query.order_by(OutboxMessage.id)))

    async def get(self, row_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, row_id)

    async def locked(self, row_id: int) -> OutboxMessage | None:
        """One row, freshly read and (on PostgreSQL) locked for this transaction."""
        return await self.session.get(
            OutboxMessage,
            row_id,
            with_for_update=is_postgres(self.session),
            populate_existing=True,
        )

    async def record_sent(
        self, row_id: int, sent_at: datetime, message_id: int | None, note: str | None
    ) -> None:
        """A row in flight was delivered: one UPDATE, no load (most sends end here)."""
        await self.session.execute(
            _RECORD_SENT,
            {"row_id": row_id, "sent_at": sent_at, "message_id": message_id, "note": note},
        )

    async def stop_private_messages(self, member_id: int) -> None:
        """The member blocked the bot (or never started it): stop writing to them."""
        await self.session.execute(
            update(Member).where(Member.id == member_id).values(can_dm=False)
        )

    async def follow_group_migration(self, old: int, new: int) -> None:
        """A group became a supergroup: its chat id changed; follow it in cells and rows."""
        taken = await self.session.scalar(select(Cell.id).where(Cell.group_chat_id == new))
        if taken is None:
            await self.session.execute(
                update(Cell).where(Cell.group_chat_id == old).values(group_chat_id=new)
            )
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == old, OutboxMessage.status == OutboxStatus.PENDING)
            .values(chat_id=new),
            execution_options={"synchronize_session": False},
        )


def _outside(chats: Collection[int]) -> list[ColumnElement[bool]]:
    return [OutboxMessage.chat_id.not_in(list(chats))] if chats else []
