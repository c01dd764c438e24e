"""Members' questions: the rules knowledge base, or the cell's own data ("tháng này họp ngày
nào", "tôi đã xác nhận chưa") answered from the meetings in the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import NotAMember
from bot.knowledge import (
    MY_ANSWER,
    NEXT_MEETING,
    NEXT_THEMATIC,
    Answer,
    default_kb,
    format_answer,
    format_entry_details,
)
from bot.knowledge.qa import KnowledgeBase
from bot.meetings.service import MeetingService
from bot.meetings.views import MyMeeting
from bot.texts import common as tc
from bot.texts import knowledge as tk
from bot.texts import meetings as tx
from bot.texts.attendance import meeting_title
from bot.views import Membership

DATA_SOURCE_LINE = tk.DATA_SOURCE
# Enough upcoming meetings to find every one of this month's.
MONTH_LOOKAHEAD = 10


@dataclass(frozen=True)
class Reply:
    text: str
    suggestions: tuple[tuple[str, str], ...]  # (entry id, title) of the closest topics
    confident: bool
    entry_id: str | None
    # (entry id, title) of each entry answered: one "📖 Chi tiết" button each.
    details: tuple[tuple[str, str], ...] = ()


class QuestionService:
    def __init__(self, meetings: MeetingService, kb_local_dir: Path | None) -> None:
        self.meetings = meetings
        self.kb_local_dir = kb_local_dir

    @property
    def kb(self) -> KnowledgeBase:
        return default_kb(self.kb_local_dir)

    async def ask(
        self, telegram_id: int, question: str, *, group_chat_id: int | None = None
    ) -> Reply:
        answer = self.kb.ask(question)
        if answer.data_intent is not None:
            text = await self._from_data(telegram_id, answer, group_chat_id)
            return Reply(text, (), True, None)
        details = tuple((e.id, e.title) for e in answer.entries)
        return Reply(
            format_answer(answer), answer.suggestions, answer.confident, answer.entry_id, details
        )

    def details(self, entry_id: str) -> str | None:
        """The reasoning, caveats and sources of one entry, looked up again by its id (the
        "📖 Chi tiết" button and topic browsing); ``None`` for an id no longer in the base."""
        entry = self.kb.entry(entry_id)
        return None if entry is None else format_entry_details(entry)

    async def _from_data(self, telegram_id: int, answer: Answer, group_chat_id: int | None) -> str:
        try:
            who, mine = await self.meetings.upcoming(
                telegram_id, group_chat_id=group_chat_id, limit=MONTH_LOOKAHEAD
            )
            if answer.data_intent == NEXT_THEMATIC:
                _, meeting = await self.meetings.next_thematic(
                    telegram_id, group_chat_id=group_chat_id
                )
                if meeting is None:
                    text = tk.DATA_NO_THEMATIC.format(cell=who.cell.name)
                    return self._with_month(text, who, mine, shown=None)
                card = tx.card(meeting, who.cell.tz)
                text = tk.DATA_NEXT_THEMATIC.format(cell=who.cell.name, card=card)
                return self._with_month(text, who, mine, shown=meeting.id)
        except NotAMember:
            return tk.DATA_NOT_MEMBER
        if not mine:
            return tk.DATA_NO_MEETING.format(cell=who.cell.name)
        first = mine[0]
        if answer.data_intent == MY_ANSWER:
            text = tk.DATA_MY_ANSWER.format(
                kind=tc.KIND_NAMES[first.meeting.kind].lower(),
                when=tc.when(first.meeting.starts_at, who.cell.tz),
                answer=tx.ANSWER_NAMES[first.answer],
            )
        else:
            assert answer.data_intent == NEXT_MEETING
            card = tx.card(first.meeting, who.cell.tz)
            text = tk.DATA_NEXT_MEETING.format(cell=who.cell.name, card=card)
        return self._with_month(text, who, mine, shown=first.meeting.id)

    def _with_month(
        self, text: str, who: Membership, mine: list[MyMeeting], *, shown: int | None
    ) -> str:
        """The answer, naming this month's other meetings that are today or still to come."""
        tz = who.cell.tz
        now = self.meetings.clock.now().astimezone(tz)
        others = [
            m.meeting
            for m in mine
            if m.meeting.id != shown
            and (m.meeting.starts_at.astimezone(tz).year, m.meeting.starts_at.astimezone(tz).month)
            == (now.year, now.month)
        ]
        if others:
            lines = [
                tk.DATA_THIS_MONTH,
                *(f"• {meeting_title(m.kind, m.starts_at, tz)}" for m in others),
            ]
            text += "\n\n" + "\n".join(lines)
        return f"{text}\n\n{DATA_SOURCE_LINE}"
