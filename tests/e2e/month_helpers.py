"""Helpers of the "secretary's month" e2e tests (issue #12 point 7): a user whose every
message and tap is counted, and meetings put straight into the database."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from docx.table import Table
from sqlalchemy import select

from bot.simulator import FakeUser
from bot.texts import exports as tx
from storage.models import AgendaBroadcast, Cell, Meeting, MeetingKind, MeetingStatus


class Counted:
    """A person's interactions with the bot: each message sent and each button pressed."""

    def __init__(self, user: FakeUser) -> None:
        self.user = user
        self.id = user.id
        self.count = 0

    async def send(self, text: str, **kwargs: Any) -> Any:
        self.count += 1
        return await self.user.send(text, **kwargs)

    async def press(self, message: Any, button: str | int) -> str:
        self.count += 1
        return await self.user.press(message, button)


async def add_meeting(
    services: Any,
    starts_at: datetime,
    *,
    kind: MeetingKind = MeetingKind.REGULAR,
    place: str | None = None,
    agenda: str | None = None,
) -> int:
    """A meeting of the (only) cell, written directly: e.g. last month's, already held."""
    async with services.db.session() as session:
        cell = await session.scalar(select(Cell))
        assert cell is not None
        meeting = Meeting(
            cell_id=cell.id,
            kind=kind,
            status=MeetingStatus.SCHEDULED,
            starts_at=starts_at,
            duration_minutes=90,
            place=place,
            agenda=agenda,
        )
        session.add(meeting)
        await session.flush()
        return meeting.id


def buttons(message: dict[str, Any]) -> list[str]:
    """The texts of a message's inline buttons, row by row."""
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def meetings_by_start(services: Any) -> list[Meeting]:
    async with services.db.session() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.starts_at)))


async def agenda_sent(services: Any) -> None:
    """Wait until the secretary's "send" press was handled: the agenda is confirmed."""
    for _ in range(200):
        async with services.db.session() as session:
            version = await session.scalar(select(AgendaBroadcast.version))
        if version:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the agenda was not sent")


def signatures(doc: DocumentType) -> tuple[str, str]:
    """The draft minutes' signature block, the table right after the closing line ("Buổi
    sinh hoạt kết thúc …"): the names under the minute-taker's title and the chair's."""
    closing = tx.CLOSING.split(" lúc")[0]
    body = list(doc.element.body.iterchildren())
    at = next(
        i
        for i, element in enumerate(body)
        if element.tag == qn("w:p") and "".join(element.itertext()).startswith(closing)
    )
    assert body[at + 1].tag == qn("w:tbl"), "no table right after the closing line"
    left, right = Table(body[at + 1], doc).rows[0].cells
    assert left.text.startswith(f"{tx.SIGN_LEFT}\n{tx.SIGN_HINT}")
    assert right.text.startswith(f"{tx.SIGN_RIGHT}\n{tx.SIGN_HINT}")
    return left.text.rsplit("\n", 1)[-1], right.text.rsplit("\n", 1)[-1]
