"""Rules Q&A for cell meetings: a curated Vietnamese knowledge base with sources.

Public API (the Telegram handlers and the command line use only these)::

    kb = default_kb()                 # or KnowledgeBase.load(local_dir)
    answer = kb.ask("hop chi bo it nhat may tieng")
    text = format_answer(answer)      # the short reply with its sources, for a phone
    more = format_details(answer)     # the reasoning and caveats ("📖 Chi tiết")
    detect_data_intent("tháng này họp ngày nào")  # -> "next_meeting": answer from the DB

Telegram is deliberately absent from this package.
"""

from __future__ import annotations

from .base import Entry, Group, Issue, KnowledgeBaseError, Source
from .intents import MY_ANSWER, NEXT_MEETING, NEXT_THEMATIC, detect_data_intent
from .normalize import normalize_text
from .qa import Answer, KnowledgeBase, default_kb
from .render import format_answer, format_details, format_entry_details, format_source

__all__ = [
    "MY_ANSWER",
    "NEXT_MEETING",
    "NEXT_THEMATIC",
    "Answer",
    "Entry",
    "Group",
    "Issue",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Source",
    "default_kb",
    "detect_data_intent",
    "format_answer",
    "format_details",
    "format_entry_details",
    "format_source",
    "normalize_text",
]
