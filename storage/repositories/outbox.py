"""The outbox table: planning rows once per ``dedupe_key``, cancelling them, and the worker's
claim / lease / outcome queries (bot/delivery/outbox.py explains the guarantees)."""

from __future__ import annotations

import json
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


class PlanEntry(NamedTuple):
    """One of the rows a ``MemberRow`` stands for: its key is ``prefix``, the member's id,
    ``suffix``. Members who get the same rows of a meeting share one tuple of entries."""

    kind: str
    prefix: str
    suffix: str
    payload: Mapping[str, Any]
    due_at: datetime


class MemberRow(NamedTuple):
    """A member's own rows of a meeting, compact: the database builds them
    (``plan_or_revive``), in the order of ``entries``, one ``turn`` after another."""

    cell_id: int
    meeting_id: int
    member_id: int
    chat_id: int
    entries: tuple[PlanEntry, ...]

    def rows(self) -> list[PlanRow]:
        """The rows themselves, as ``PlanRow`` tuples (what the database builds of it)."""
        member = str(self.member_id)
        return [
            PlanRow(
                self.cell_id,
                kind,
                prefix + member + suffix,
                self.chat_id,
                self.member_id,
                self.meeting_id,
                payload,
                due,
            )
            for kind, prefix, suffix, payload, due in self.entries
        ]


# ``plan_or_revive`` given ``MemberRow``s: the rows given whole (``x``) and the members' rows
# built by the database from each member (``m``) and its entries (``s``), in the order given
# (``o``, then the entry's place ``off``: the ids come out as if each row had been given),
# each member's ``turn`` its first row's (``base``) plus the entry's place.
_ROW = "o, off, " + _NAMES
_MEMBER_ROW = (
    "m.o, s.off, m.cell_id, s.kind, s.prefix || CAST(m.member_id AS TEXT) || s.suffix, "
    "m.chat_id, m.member_id, m.meeting_id, s.payload, '{pending}', s.due_at, 0, {created}, "
    "m.base + s.off"
)
_POSTGRES_COMPACT = (
    f"INSERT INTO outbox ({_NAMES}) SELECT {_NAMES} FROM ("
    f"SELECT {_ROW} FROM unnest(CAST(:o AS INTEGER[]), CAST(:off AS INTEGER[]), "
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in BULK_COLUMNS)
    + f") AS x({_ROW}) UNION ALL SELECT "
    + _MEMBER_ROW.format(pending=OutboxStatus.PENDING, created="CAST(:created AS TIMESTAMPTZ)")
    + " FROM unnest(CAST(:m_o AS INTEGER[]), CAST(:m_sid AS INTEGER[]), "
    "CAST(:m_cell AS INTEGER[]), CAST(:m_member AS INTEGER[]), CAST(:m_chat AS BIGINT[]), "
    "CAST(:m_meeting AS INTEGER[]), CAST(:m_base AS INTEGER[])) "
    "AS m(o, sid, cell_id, member_id, chat_id, meeting_id, base) "
    "JOIN unnest(CAST(:s_sid AS INTEGER[]), CAST(:s_off AS INTEGER[]), CAST(:s_kind AS TEXT[]), "
    "CAST(:s_prefix AS TEXT[]), CAST(:s_suffix AS TEXT[]), CAST(:s_payload AS JSON[]), "
    "CAST(:s_due AS TIMESTAMPTZ[])) AS s(sid, off, kind, prefix, suffix, payload, due_at) "
    f"ON s.sid = m.sid) AS r ORDER BY o, off {_REVIVE}"
)
# the same, with ids taken beforehand (``reserve_ids``): the n-th row in that order the n-th
_POSTGRES_COMPACT_IDS = _POSTGRES_COMPACT.replace(
    f"INSERT INTO outbox ({_NAMES}) SELECT {_NAMES} FROM (",
    f"INSERT INTO outbox (id, {_NAMES}) SELECT "
    f"(CAST(:ids AS INTEGER[]))[row_number() OVER (ORDER BY o, off)], {_NAMES} FROM (",
)
_RESERVE_IDS = "SELECT nextval(pg_get_serial_sequence('outbox', 'id')) FROM generate_series(1, :n)"
# SQLite: the entries go in a temporary table (the connection's own, emptied each time) keyed
# by set and place, so that each member finds its own by the key
_SQLITE_ENTRIES = (
    "CREATE TEMP TABLE IF NOT EXISTS plan_entries (sid INTEGER, off INTEGER, kind TEXT, "
    "prefix TEXT, suffix TEXT, payload TEXT, due_at TEXT, PRIMARY KEY (sid, off)) WITHOUT ROWID"
)
_SQLITE_COMPACT = (  # "INSERT" first: Python's sqlite3 counts the rows only then
    f"INSERT INTO outbox ({_NAMES}) "
    "WITH m(o, sid, cell_id, member_id, chat_id, meeting_id, base) AS ("
    "SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, "
    "value ->> 6 FROM json_each(:members)) "
    f"SELECT {_NAMES} FROM ("
    "SELECT "
    + ", ".join(f"value ->> {i} AS {name}" for i, name in enumerate(_ROW.split(", ")))
    + " FROM json_each(:rows) UNION ALL SELECT "
    + _MEMBER_ROW.format(pending=OutboxStatus.PENDING, created=":created")
    + " FROM m JOIN temp.plan_entries AS s ON s.sid = m.sid) WHERE true "
    f"ORDER BY o, off {_REVIVE}"
)


def _arrays(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """Rows as one list per column, named (PostgreSQL takes them as arrays)."""
    columns = list(zip(*rows, strict=True)) or [()] * len(names)
    return {name: list(column) for name, column in zip(names, columns, strict=True)}


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

    async def plan_or_revive(
        self, rows: Sequence[PlanRow | MemberRow], ids: Sequence[int] | None = None
    ) -> int:
        """Insert the rows not planned yet and make cancelled, never-sent ones pending again
        (they are wanted after all: exactly-once holds); returns how many of either.

        The bulk path of reminder planning: one statement whatever the number of rows (on
        PostgreSQL the columns go as 12 arrays, so no parameter limit is near; on SQLite one
        ``executemany``), no ORM objects. Members' rows given as ``MemberRow``s are built by
        the database (``_plan_compact``): a member is 7 values, not 12 per row. ``ids``
        (``reserve_ids``, PostgreSQL) are the rows' ids, in their order."""
        if ids is not None or any(isinstance(row, MemberRow) for row in rows):
            return await self._plan_compact(rows, ids)
        values = self._driver_rows(cast(Sequence[PlanRow], rows))
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

    async def reserve_ids(self, count: int) -> list[int]:
        """PostgreSQL: ``count`` ids of the outbox's sequence, ascending, for a plan written
        later (``plan_or_revive(…, ids=…)``): plans written at once, on two connections, then
        get their ids in the order they were reserved in, as if written one after another."""
        result = await self.session.execute(text(_RESERVE_IDS), {"n": count})
        return sorted(int(value) for value in result.scalars())

    async def _plan_compact(
        self, rows: Sequence[PlanRow | MemberRow], ids: Sequence[int] | None = None
    ) -> int:
        """``plan_or_revive`` with members' rows given as ``MemberRow``s: one statement in
        which the database builds them (``_POSTGRES_COMPACT``, ``_SQLITE_COMPACT``), the same
        rows in the same order with the same turns as if each had been given."""
        dialect = self.session.get_bind().dialect
        table = OutboxMessage.__table__.c
        to_json = table.payload.type.dialect_impl(dialect).bind_processor(dialect)
        to_moment = table.due_at.type.dialect_impl(dialect).bind_processor(dialect)
        entries: dict[int, tuple[int, tuple[PlanEntry, ...]]] = {}  # by identity, held
        sets: list[tuple[Any, ...]] = []
        members: list[tuple[int, ...]] = []
        whole: list[PlanRow] = []
        order: list[int] = []
        whole_turns: list[int] = []
        turns: dict[int, int] = {}
        seen: set[str] = set()
        for place, row in enumerate(rows):
            if isinstance(row, MemberRow):
                if not row.entries:
                    continue
                held = entries.get(id(row.entries))
                if held is None:
                    held = entries[id(row.entries)] = (len(entries), row.entries)
                    for off, (kind, prefix, suffix, payload, due) in enumerate(row.entries):
                        sets.append((held[0], off, kind, prefix, suffix, payload, due))
                turn = turns.get(row.cell_id, 0)
                turns[row.cell_id] = turn + len(row.entries)
                members.append(
                    (place, held[0], row.cell_id, row.member_id, row.chat_id, row.meeting_id, turn)
                )
            else:
                if row.dedupe_key in seen:
                    continue
                seen.add(row.dedupe_key)
                turn = turns.get(row.cell_id, 0)
                turns[row.cell_id] = turn + 1
                whole.append(row)
                order.append(place)
                whole_turns.append(turn)
        values = self._driver_rows(whole)
        # the turns ``_driver_rows`` counted are among the whole rows only: the right ones here
        fixed = [(*value[:-1], turn) for value, turn in zip(values, whole_turns, strict=True)]
        created = to_moment(utcnow()) if to_moment else utcnow()
        moments: dict[datetime, Any] = {}

        def moment(due: datetime) -> Any:
            if due not in moments:
                moments[due] = to_moment(due) if to_moment else due
            return moments[due]

        set_values = [
            (*head, to_json(payload) if to_json else payload, moment(due))
            for *head, payload, due in sets
        ]
        if is_postgres(self.session):
            params: dict[str, Any] = {"o": order, "off": [0] * len(order), "created": created}
            params.update(_arrays([name for name, _ in BULK_COLUMNS], fixed))
            members_as = ("m_o", "m_sid", "m_cell", "m_member", "m_chat", "m_meeting", "m_base")
            params.update(_arrays(members_as, members))
            sets_as = ("s_sid", "s_off", "s_kind", "s_prefix", "s_suffix", "s_payload", "s_due")
            params.update(_arrays(sets_as, set_values))
            if ids is not None:
                params["ids"] = list(ids)
            statement = _POSTGRES_COMPACT if ids is None else _POSTGRES_COMPACT_IDS
            result = await self.session.execute(text(statement), params)
        else:
            params = {
                "rows": json.dumps([[o, 0, *value] for o, value in zip(order, fixed, strict=True)]),
                "members": json.dumps(members),
                "created": created,
            }
            connection = await self.session.connection()
            await connection.exec_driver_sql(_SQLITE_ENTRIES)
            await connection.exec_driver_sql("DELETE FROM temp.plan_entries")
            if set_values:
                await connection.exec_driver_sql(
                    "INSERT INTO temp.plan_entries VALUES (?, ?, ?, ?, ?, ?, ?)", set_values
                )
            result = await connection.exec_driver_sql(_SQLITE_COMPACT, params)
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
