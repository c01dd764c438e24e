"""Join requests reach each committee member as ONE message per cell listing who is waiting,
edited in place as people arrive or are decided (outbox rows of kind ``join_digest``).

A join or a decision plans, per reviewer, at most one unsent row: a row still waiting renders
the list as it is when it goes out, so a burst of 30 joins is one message and a few edits, not
30 messages. The first row of a digest sends a new message (when nobody was waiting before);
the later ones edit it (``edit_of``). A first request after an empty list always gets a new
message, so it is not lost in an old one. "✅ Duyệt tất cả" approves only those listed when the
digest was drawn: the button carries the last listed id and the time it was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outgoing
from bot.delivery.callbacks import CallbackData
from bot.delivery.limits import shorten
from bot.delivery.outgoing import ButtonSpec, OutgoingMessage, Rendered, Renderer
from bot.members.roster import Candidate, RosterService
from bot.texts import members as tm
from bot.texts import roster as tr
from bot.texts.common import fmt
from bot.views import CellInfo, MemberInfo
from storage.enums import OutboxStatus
from storage.models import Cell, Member, OutboxMessage
from storage.repositories.cells import CellRepository
from storage.repositories.join_digests import JoinDigestRepository
from storage.repositories.members import MemberRepository
from storage.repositories.outbox import OutboxRepository

JOIN_DIGEST = "join_digest"
DIGEST_ROUTE = "jd"  # jd:<member>:a | jd:<member>:r | jd:<member>:m<entry>
APPROVE_ALL_ROUTE = "jall"  # jall:<last listed member id>:<epoch seconds when drawn>
LISTED = 20  # people listed (each with buttons): the message fits whatever the names
NAME_ROOM = 40
CELL_ROOM = 60


@dataclass(frozen=True)
class Waiting:
    member: MemberInfo
    candidate: Candidate | None  # a roster entry without Telegram of the same name


@dataclass(frozen=True)
class Digest:
    cell: CellInfo
    waiting: tuple[Waiting, ...]
    drawn_at: datetime

    def message(self, last: str | None = None) -> OutgoingMessage:
        """The digest; ``last`` (the decision just taken) goes on top."""
        cell = shorten(self.cell.name, CELL_ROOM)
        head = [last] if last else []
        if not self.waiting:
            return OutgoingMessage("\n\n".join([*head, fmt(tr.DIGEST_EMPTY, cell=cell)]))
        listed = self.waiting[:LISTED]
        lines = [fmt(tr.DIGEST_TITLE, cell=cell, count=len(self.waiting))]
        rows: list[tuple[ButtonSpec, ...]] = []
        for index, person in enumerate(listed, start=1):
            name = shorten(person.member.full_name, NAME_ROOM)
            line = fmt(tr.DIGEST_LINE, index=index, name=name)
            buttons = [
                _button(tr.BUTTON_APPROVE_PERSON, person.member.id, "a", index=index, name=name),
                _button(tr.BUTTON_REJECT_PERSON, person.member.id, "r", index=index),
            ]
            if person.candidate is not None:
                entry = person.candidate
                year = entry.birth_year or "?"
                entry_name = shorten(entry.full_name, NAME_ROOM)
                line += " — " + fmt(tm.JOIN_MATCH_QUESTION, name=entry_name, year=year)
                label = fmt(tr.BUTTON_MATCH_PERSON, index=index, name=entry_name, year=year)
                data = CallbackData(DIGEST_ROUTE, person.member.id, f"m{entry.id}").encode()
                rows.append((ButtonSpec(label, data),))
            lines.append(line)
            rows.append(tuple(buttons))
        if len(self.waiting) > LISTED:
            lines.append(fmt(tr.DIGEST_MORE, count=len(self.waiting) - LISTED))
        matches = any(p.candidate for p in listed)
        lines.append(tr.DIGEST_HINT + (tr.DIGEST_HINT_MATCH if matches else ""))
        if len(listed) > 1:
            label = tr.BUTTON_APPROVE_ALL_BUT_MATCHES if matches else tr.BUTTON_APPROVE_ALL
            stamp = str(int(self.drawn_at.timestamp()))
            data = CallbackData(APPROVE_ALL_ROUTE, listed[-1].member.id, stamp).encode()
            rows.append((ButtonSpec(label, data),))
        return OutgoingMessage("\n".join([*head, *lines]), tuple(rows))


def _button(template: str, member_id: int, code: str, **values: object) -> ButtonSpec:
    data = CallbackData(DIGEST_ROUTE, member_id, code).encode()
    return ButtonSpec(fmt(template, **values), data)


async def load_digest(session: AsyncSession, cell: Cell, now: datetime) -> Digest:
    waiting = []
    for member in await JoinDigestRepository(session, JOIN_DIGEST).waiting(cell.id):
        found = await RosterService.candidates(session, cell.id, member.full_name)
        waiting.append(Waiting(MemberInfo.of(member), found[0] if found else None))
    return Digest(CellInfo.of(cell), tuple(waiting), now)


async def plan_digests(session: AsyncSession, cell: Cell, now: datetime, *, fresh: bool) -> int:
    """Plan the digest for every reachable reviewer: a new message when ``fresh`` (nobody was
    waiting before), else an edit of their current digest; nothing when one is still unsent."""
    repo = JoinDigestRepository(session, JOIN_DIGEST)
    rows = []
    for reviewer in await MemberRepository(session).committee(cell.id):
        if reviewer.telegram_id is None or not reviewer.can_dm:
            continue
        latest = await repo.latest(cell.id, reviewer.id)
        pending = latest is not None and latest.status == OutboxStatus.PENDING
        if pending and not (fresh and latest is not None and "edit_of" in latest.payload):
            continue  # it goes out with the list as it is then
        payload: dict[str, int] = {}
        if latest is not None and not fresh:
            payload["edit_of"] = int(latest.payload.get("edit_of", latest.id))
        rows.append(
            {
                "cell_id": cell.id,
                "kind": JOIN_DIGEST,
                "dedupe_key": f"join_digest:{cell.id}:{reviewer.id}:{latest.id if latest else 0}",
                "chat_id": reviewer.telegram_id,
                "member_id": reviewer.id,
                "payload": payload,
                "due_at": now,
            }
        )
    return await OutboxRepository(session).plan(rows) if rows else 0


async def render_digest(
    session: AsyncSession, row: OutboxMessage, now: datetime
) -> Rendered | None:
    recipient = await MemberRepository(session).get(row.member_id or 0)
    cell = await CellRepository(session).get(row.cell_id)
    if recipient is None or not recipient.is_committee or cell is None:
        return None
    digest = await load_digest(session, cell, now)
    message = digest.message()
    root_id = row.payload.get("edit_of")
    if root_id is None:
        return message if digest.waiting else None
    root = await OutboxRepository(session).get(int(root_id))
    if root is not None and root.telegram_message_id is not None:
        return outgoing.EditMessage(int(root.telegram_message_id), message)
    if root is not None and root.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
        raise outgoing.Defer(1)
    return message if digest.waiting else None


async def listed_for_approval(
    session: AsyncSession, cell_id: int, last_id: int, drawn_at: datetime
) -> list[Member]:
    """Who "✅ Duyệt tất cả" approves: those waiting that the digest listed when drawn (not
    anyone who asked later, nor a namesake of a roster entry, who is matched one by one)."""
    chosen = []
    for member in await JoinDigestRepository(session, JOIN_DIGEST).waiting(cell_id):
        if member.id > last_id or member.updated_at > drawn_at:
            continue
        if await RosterService.candidates(session, cell_id, member.full_name):
            continue
        chosen.append(member)
    return chosen[:LISTED]


RENDERERS: dict[str, Renderer] = {JOIN_DIGEST: render_digest}
