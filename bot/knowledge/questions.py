"""Members' questions: the rules knowledge base, or the cell's own data ("tháng này họp ngày
nào", "tôi đã xác nhận chưa") answered from the meetings in the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import NotAMember
from bot.knowledge import MY_ANSWER, NEXT_MEETING, NEXT_THEMATIC, Answer, default_kb, format_answer
from bot.knowledge.qa import KnowledgeBase
from bot.meetings.service import MeetingService
from bot.texts import common as tc
from bot.texts import knowledge as tk
from bot.texts import meetings as tx

DATA_SOURCE_LINE = tk.DATA_SOURCE


@dataclass(frozen=True)
class Reply:
    text: str
    suggestions: tuple[tuple[str, str], ...]  # (entry id, title) of the closest topics
    confident: bool
    entry_id: str | None


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
        return Reply(format_answer(answer), answer.suggestions, answer.confident, answer.entry_id)

    def topic(self, entry_id: str) -> str | None:
        """The answer of one topic, as browsing shows it (with its sources)."""
        entry = self.kb.entry(entry_id)
        if entry is None:
            return None
        answer = Answer(
            question=entry.title,
            entry_id=entry.id,
            title=entry.title,
            text=entry.answer,
            sources=entry.sources,
            confident=True,
            score=1.0,
            suggestions=(),
            local=entry.local,
        )
        return format_answer(answer)

    async def _from_data(self, telegram_id: int, answer: Answer, group_chat_id: int | None) -> str:
        try:
            if answer.data_intent == NEXT_THEMATIC:
                who, meeting = await self.meetings.next_thematic(
                    telegram_id, group_chat_id=group_chat_id
                )
                if meeting is None:
                    return tk.DATA_NO_THEMATIC.format(cell=who.cell.name)
                card = tx.card(meeting, who.cell.tz)
                text = tk.DATA_NEXT_THEMATIC.format(cell=who.cell.name, card=card)
                return f"{text}\n\n{DATA_SOURCE_LINE}"
            who, mine = await self.meetings.upcoming(
                telegram_id, group_chat_id=group_chat_id, limit=1
            )
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
        return f"{text}\n\n{DATA_SOURCE_LINE}"
