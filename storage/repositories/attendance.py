"""Queries about meetings' attendance: answers (upserted), the roll, check-in."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Row, Select, Table, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Cell, Meeting, MeetingStatus, Member, MemberState
from storage.repositories._dialect import dialect_insert, per_dialect

# The tap path's statements, built once (issue #13, tap storm). A tap is answered right after
# it is stored, and at 100 taps a second the bot's CPU is the limit: building a statement,
# its cache key and an ORM load cost more than the round trip itself. So these are Core
# statements on the tables (no ORM plugin, no identity map), with bound parameters.
_MEETINGS = cast(Table, Meeting.__table__)
_MEMBERS = cast(Table, Member.__table__)
_CELLS = cast(Table, Cell.__table__)
_ATTENDANCE = cast(Table, Attendance.__table__)
_A = _ATTENDANCE.c
# The stored answer as a tap compares with it (labelled: the meeting's columns keep their names).
_STORED = (
    _A.id.label("stored_id"),
    _A.answer,
    _A.reason_code,
    _A.reason_text,
    _A.answered_by_member_id,
    _A.answer_update_id,
    _A.answer_revision,
    _A.present,
)
_ANSWERING = (
    select(
        _MEETINGS,
        _MEMBERS.c.id.label("member_id"),
        _MEMBERS.c.full_name.label("member_name"),
        _MEMBERS.c.can_dm,
        _CELLS.c.name.label("cell_name"),
        _CELLS.c.timezone.label("cell_timezone"),
        _CELLS.c.group_chat_id,
        _CELLS.c.parent_committee,
    )
    .join(_MEMBERS, _MEMBERS.c.cell_id == _MEETINGS.c.cell_id)
    .join(_CELLS, _CELLS.c.id == _MEETINGS.c.cell_id)
    .where(
        _MEETINGS.c.id == bindparam("meeting_id"),
        _MEMBERS.c.telegram_id == bindparam("telegram_id"),
        _MEMBERS.c.state == str(MemberState.ACTIVE),
    )
)
_ANSWERING_SQLITE = _ANSWERING.add_columns(*_STORED).outerjoin(
    _ATTENDANCE, (_A.meeting_id == _MEETINGS.c.id) & (_A.member_id == _MEMBERS.c.id)
)
_ANSWERING_POSTGRES = _ANSWERING.with_for_update(of=_MEMBERS)
_STORED_ANSWER = select(*_STORED).where(
    _A.meeting_id == bindparam("meeting_id"), _A.member_id == bindparam("member_id")
)
# The outbox's send-time render of a confirmation: the meeting, its cell's time zone and the
# active member's stored answer, in one statement (it used to be four ORM loads).
_CONFIRMING = (
    select(
        _MEETINGS,
        _CELLS.c.timezone.label("cell_timezone"),
        _A.answer,
        _A.answer_revision,
    )
    .join(_CELLS, _CELLS.c.id == _MEETINGS.c.cell_id)
    .join(
        _MEMBERS,
        (_MEMBERS.c.id == bindparam("member_id")) & (_MEMBERS.c.state == str(MemberState.ACTIVE)),
    )
    .outerjoin(_ATTENDANCE, (_A.meeting_id == _MEETINGS.c.id) & (_A.member_id == _MEMBERS.c.id))
    .where(_MEETINGS.c.id == bindparam("meeting_id"))
)
_ANSWER_COLUMNS = (
    "answer",
    "reason_code",
    "reason_text",
    "answered_at",
    "answered_by_member_id",
    "answer_revision",
    "updated_at",
)

_ANSWER_VALUES = frozenset(_ANSWER_COLUMNS) - {"updated_at"}


def _upsert_answer(insert: Any, *, with_update_id: bool) -> Any:
    """``upsert_answer``'s statement for one dialect: the new values are the inserted ones
    (``excluded``), and with an update id, only over an answer set by an older update."""
    columns = (*_ANSWER_COLUMNS, "answer_update_id") if with_update_id else _ANSWER_COLUMNS
    statement = insert(_ATTENDANCE).values(
        {name: bindparam(name) for name in ("meeting_id", "member_id", *columns)}
    )
    stored = _A.answer_update_id
    return statement.on_conflict_do_update(
        index_elements=["meeting_id", "member_id"],
        set_={name: statement.excluded[name] for name in columns},
        where=(stored.is_(None) | (stored <= bindparam("answer_update_id")))
        if with_update_id
        else None,
    ).returning(_A.id)


_UPSERT_ANSWER = {
    (name, with_id): statement
    for with_id in (False, True)
    for name, statement in per_dialect(partial(_upsert_answer, with_update_id=with_id)).items()
}
_ADVANCE_UPDATE_ID = (
    update(_ATTENDANCE)
    .where(
        _A.id == bindparam("row_id"),
        _A.answer_update_id.is_(None) | (_A.answer_update_id < bindparam("update_id")),
    )
    .values(answer_update_id=bindparam("update_id"))
)


class AttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def meeting(self, meeting_id: int, *, for_update: bool = False) -> Meeting | None:
        query = select(Meeting).where(Meeting.id == meeting_id)
        if for_update and self._postgres:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def lock_member(self, member_id: int) -> None:
        """Serialise one member's writes on PostgreSQL (SQLite transactions already are)."""
        if self._postgres:
            await self.session.execute(
                select(Member.id).where(Member.id == member_id).with_for_update()
            )

    async def answering(
        self, meeting_id: int, telegram_id: int
    ) -> tuple[Row[Any], Row[Any] | None] | None:
        """What a tap needs, as rows read by name: the meeting's columns, the presser's active
        membership in its cell (``member_id``, ``member_name``, ``can_dm``; locked: one
        member's writes take turns) and the cell (``cell_name``, ``cell_timezone``,
        ``group_chat_id``, ``parent_committee``); then the stored answer (``stored_id``,
        ``answer``, ``reason_code``, ``reason_text``, ``answered_by_member_id``,
        ``answer_update_id``, ``answer_revision``, ``present``), None if there is none. One
        round trip on SQLite (its transactions are serial), two on PostgreSQL (the answer is
        read after the lock, so it is the latest committed one). None: no such membership.
        """
        params = {"meeting_id": meeting_id, "telegram_id": telegram_id}
        connection = await self.session.connection()
        if connection.dialect.name != "postgresql":
            row = (await connection.execute(_ANSWERING_SQLITE, params)).first()
            if row is None:
                return None
            return row, (row if row.stored_id is not None else None)
        row = (await connection.execute(_ANSWERING_POSTGRES, params)).first()
        if row is None:
            return None
        stored = await connection.execute(
            _STORED_ANSWER, {"meeting_id": meeting_id, "member_id": row.member_id}
        )
        return row, cast("Row[Any] | None", stored.first())

    async def confirming(self, meeting_id: int, member_id: int) -> Row[Any] | None:
        """For a member's confirmation: the meeting's columns by name, ``cell_timezone`` and
        the member's stored ``answer`` and ``answer_revision`` (None: no answer stored).
        None: no such meeting, or the member is gone or no longer active."""
        connection = await self.session.connection()
        params = {"meeting_id": meeting_id, "member_id": member_id}
        return (await connection.execute(_CONFIRMING, params)).first()

    async def get(self, meeting_id: int, member_id: int) -> Attendance | None:
        query = select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.member_id == member_id
        )
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def upsert(self, meeting_id: int, member_id: int, now: datetime, **values: Any) -> None:
        """Insert the member's row for the meeting or update the given columns of it."""
        values = {**values, "updated_at": now}
        statement = dialect_insert(self.session, Attendance).values(
            meeting_id=meeting_id, member_id=member_id, **values
        )
        statement = statement.on_conflict_do_update(
            index_elements=["meeting_id", "member_id"], set_=values
        )
        await self.session.execute(statement)

    async def upsert_answer(
        self, meeting_id: int, member_id: int, now: datetime, update_id: int | None, **values: Any
    ) -> bool:
        """Store an answer (every one of ``_ANSWER_COLUMNS`` but ``updated_at``) unless a newer
        update already set one; True if stored.

        The condition is part of the statement, so it holds however writers interleave.
        """
        if values.keys() != _ANSWER_VALUES:  # the prebuilt statement binds these, no others
            raise TypeError(f"upsert_answer sets {sorted(_ANSWER_VALUES)}, got {sorted(values)}")
        params = {**values, "meeting_id": meeting_id, "member_id": member_id, "updated_at": now}
        if update_id is not None:
            params["answer_update_id"] = update_id
        connection = await self.session.connection()
        statement = _UPSERT_ANSWER[connection.dialect.name, update_id is not None]
        return (await connection.execute(statement, params)).first() is not None

    async def advance_update_id(self, row_id: int, update_id: int) -> None:
        """Record that a newer update confirmed the stored answer (row ``row_id``) as it is."""
        connection = await self.session.connection()
        await connection.execute(_ADVANCE_UPDATE_ID, {"row_id": row_id, "update_id": update_id})

    async def for_meeting(self, meeting_id: int) -> list[Attendance]:
        query = select(Attendance).where(Attendance.meeting_id == meeting_id)
        return list(await self.session.scalars(query.execution_options(populate_existing=True)))

    async def roll_members(self, cell_id: int, meeting_id: int) -> list[Member]:
        """Active members, plus anyone else who has a row for the meeting (left since)."""
        answered = select(Attendance.member_id).where(Attendance.meeting_id == meeting_id)
        query = (
            select(Member)
            .where(
                Member.cell_id == cell_id,
                or_(Member.state == MemberState.ACTIVE, Member.id.in_(answered)),
            )
            .order_by(Member.full_name, Member.id)
        )
        return list(await self.session.scalars(query))

    def _cell_meetings(self, cell_id: int) -> Select[Meeting]:
        return select(Meeting).where(
            Meeting.cell_id == cell_id, Meeting.status != MeetingStatus.CANCELLED
        )

    async def meetings_between(self, cell_id: int, start: datetime, end: datetime) -> list[Meeting]:
        query = self._cell_meetings(cell_id).where(
            Meeting.starts_at >= start, Meeting.starts_at < end
        )
        return list(await self.session.scalars(query.order_by(Meeting.starts_at, Meeting.id)))

    async def recent(self, cell_id: int, before: datetime, limit: int = 8) -> list[Meeting]:
        query = self._cell_meetings(cell_id).where(Meeting.starts_at <= before)
        return list(
            await self.session.scalars(query.order_by(Meeting.starts_at.desc()).limit(limit))
        )

    async def unexcused_absences(
        self, member_id: int, start: datetime, end: datetime
    ) -> list[datetime]:
        """Start times of meetings in [start, end) the member missed without a reason."""
        query = (
            select(Meeting.starts_at)
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(
                Attendance.member_id == member_id,
                Attendance.present.is_(False),
                Attendance.absence_excused.is_(False),
                Meeting.status != MeetingStatus.CANCELLED,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
        )
        return list(await self.session.scalars(query))
