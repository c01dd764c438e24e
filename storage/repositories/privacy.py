"""Queries behind /cuatoi (everything stored about one member) and the erasure of a departed
member's personal data."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, String, Table, Text, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Attendance,
    Base,
    ChatSendClock,
    Comment,
    Meeting,
    Member,
    MemberErasure,
    PendingInput,
)


def _cell_tables() -> list[Table]:
    """The tables whose rows belong to a cell, but the members themselves (a namesake keeps
    their name; the erased member's row is handled on its own)."""
    return [
        t for t in Base.metadata.sorted_tables if "cell_id" in t.c and t is not Member.__table__
    ]


def _may_hold(column: Column[Any], name: str, erased: str) -> bool:
    """A text column that can hold the name and its replacement (not a short code)."""
    if not isinstance(column.type, String | Text) or column.primary_key:
        return False
    length = column.type.length
    return length is None or length >= max(len(name), len(erased))


def _without_name(text: str, name: str, erased: str) -> str:
    """The text with the name replaced: the whole value, or, for a name of two words or more,
    wherever it stands as whole words ("Lê Văn An, Trần Thị Bình" loses "Lê Văn An"). A
    one-word name is replaced only as the whole value: "An" is not erased from "Anh"."""
    if text == name:
        return erased
    if len(name.split()) < 2:
        return text
    return re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", erased, text)


def _scrubbed(value: Any, name: str, telegram_id: int | None, erased: str) -> Any:
    """A JSON value with the name replaced (see ``_without_name``) and the Telegram id
    dropped, at any depth."""
    if isinstance(value, str):
        return _without_name(value, name, erased)
    if isinstance(value, int) and not isinstance(value, bool) and value == telegram_id:
        return None
    if isinstance(value, list):
        return [_scrubbed(v, name, telegram_id, erased) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, name, telegram_id, erased) for k, v in value.items()}
    return value


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def answers(self, member_id: int) -> list[tuple[Attendance, Meeting]]:
        """The member's attendance rows with their meetings, oldest meeting first."""
        query = (
            select(Attendance, Meeting)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.member_id == member_id)
            .order_by(Meeting.starts_at)
        )
        return [(row, meeting) for row, meeting in (await self.session.execute(query)).all()]

    async def comments(self, member_id: int) -> list[tuple[Comment, datetime]]:
        """The member's comments with their meeting's start, oldest first."""
        query = (
            select(Comment, Meeting.starts_at)
            .join(Meeting, Meeting.id == Comment.meeting_id)
            .where(Comment.member_id == member_id)
            .order_by(Comment.created_at)
        )
        return [(c, at) for c, at in (await self.session.execute(query)).all()]

    async def erasure(self, member_id: int) -> MemberErasure | None:
        return await self.session.get(MemberErasure, member_id)

    async def record_erasure(
        self, member_id: int, cell_id: int, by_member_id: int, at: datetime
    ) -> None:
        self.session.add(
            MemberErasure(
                member_id=member_id, cell_id=cell_id, erased_by_member_id=by_member_id, erased_at=at
            )
        )
        await self.session.flush()

    async def drop_reasons(self, member_id: int) -> int:
        """Forget the absence reasons (free text) and keep the answers; rows touched."""
        result = await self.session.execute(
            update(Attendance)
            .where(Attendance.member_id == member_id)
            .values(reason_code=None, reason_text=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def delete_comments(self, member_id: int) -> int:
        result = await self.session.execute(delete(Comment).where(Comment.member_id == member_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def forget_pending_input(self, telegram_id: int) -> None:
        """Their half-finished steps, and their private chat's place in the sending schedule
        (a private chat's id is the person's Telegram id)."""
        await self.session.execute(
            delete(PendingInput).where(PendingInput.telegram_id == telegram_id)
        )
        await self.session.execute(
            delete(ChatSendClock).where(ChatSendClock.chat_id == telegram_id)
        )

    async def scrub_cell(
        self, cell_id: int, name: str, telegram_id: int | None, erased: str
    ) -> None:
        """Remove the name and the Telegram id from every row of the cell, in every table:
        texts (a meeting's chair, its minute taker), JSON (outbox payloads, audit details) and
        chat ids (the outbox rows that were sent to the member)."""
        for table in _cell_tables():
            in_cell = table.c.cell_id == cell_id
            for column in table.c:
                if isinstance(column.type, JSON):
                    await self._scrub_json(table, column.name, in_cell, name, telegram_id, erased)
                elif _may_hold(column, name, erased):
                    await self._scrub_text(table, column, in_cell, name, erased)
                elif isinstance(column.type, BigInteger) and telegram_id is not None:
                    await self.session.execute(
                        update(table)
                        .where(in_cell, column == telegram_id)
                        .values({column.name: None if column.nullable else 0})
                    )

    async def _scrub_text(
        self, table: Table, column: Column[Any], in_cell: Any, name: str, erased: str
    ) -> None:
        keys = list(table.primary_key.columns)
        holding = column.contains(name, autoescape=True)
        rows = await self.session.execute(select(*keys, column).where(in_cell, holding))
        for *key, value in rows.all():
            clean = _without_name(value, name, erased)
            if clean != value:
                match = and_(*(k == v for k, v in zip(keys, key, strict=True)))
                await self.session.execute(update(table).where(match).values({column.name: clean}))

    async def _scrub_json(
        self,
        table: Table,
        column: str,
        in_cell: Any,
        name: str,
        telegram_id: int | None,
        erased: str,
    ) -> None:
        keys = list(table.primary_key.columns)
        rows = await self.session.execute(select(*keys, table.c[column]).where(in_cell))
        for *key, value in rows.all():
            clean = _scrubbed(value, name, telegram_id, erased)
            if clean != value:
                match = and_(*(k == v for k, v in zip(keys, key, strict=True)))
                await self.session.execute(update(table).where(match).values({column: clean}))
