"""Answers as plain text for a phone: a short reply first, the details on request.

``format_answer`` is what a member sees before the "📖 Chi tiết" button: the entry's direct
1–3 line reply and its sources on one short line (document, article, date), with superseded
documents flagged. ``format_entry_details`` is the reasoning and caveats with every source in
full, looked up again from the entry id when the button is pressed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.delivery.limits import shorten, telegram_length
from bot.texts import knowledge as texts

from .base import Entry, Source

if TYPE_CHECKING:
    from .qa import Answer

# The text before the button stays within about 600 characters (two parts included).
MAX_SHORT_CHARS = 600
MAX_SOURCE_LINE = 90
MAX_SHORT_SOURCES = 2
# Only the article part of a source's point goes on the short line ("Điều 24, khoản 2").
_ARTICLE_RE = re.compile(r"^(?:Điều|Mục|Điểm|Khoản|điểm|mục)\s[^:(;]*", re.UNICODE)


def format_source(source: Source) -> str:
    """One source in full: "Hướng dẫn 42-HD/BTCTW ngày 28/10/2025, mục 2 [nguồn …; note]"."""
    text = source.document
    if source.date:
        text += f" ngày {source.date}" if "/" in source.date else f" ({source.date})"
    if source.point:
        text += f", {source.point}"
    label = texts.CONFIDENCE_LABELS.get(source.confidence, source.confidence)
    details = f"{label}; {source.note}" if source.note else label
    if source.replaced_by and "thay" not in details.lower():
        details += f"; {texts.REPLACED_BY.format(by=source.replaced_by)}"
    return f"{text} [{details}]"


def short_source(source: Source) -> str:
    """ "Hướng dẫn 42-HD/BTCTW, 28/10/2025" (+ the article; + "đã được thay thế")."""
    parts = [source.document]
    article = _ARTICLE_RE.match(source.point or "")
    if article:
        parts.append(article.group(0).strip().rstrip(","))
    if source.date:
        parts.append(source.date)
    text = ", ".join(parts)
    return f"{text} ({texts.SUPERSEDED_MARK})" if source.replaced_by else text


def sources_line(entry: Entry) -> str:
    """The entry's main sources on one short line: current documents first, as many as fit
    whole (a superseded one always with its flag); unverified ([W], [U]) ones stay in the
    details."""
    verified = [s for s in entry.sources if s.confidence not in ("W", "U")]
    if not verified:
        return texts.NO_VERIFIED_SOURCE
    ordered = sorted(verified, key=lambda s: s.replaced_by is not None)[:MAX_SHORT_SOURCES]
    local = f" ({texts.LOCAL_MARK})" if entry.local else ""
    shown = [short_source(ordered[0])]
    for source in ordered[1:]:
        candidate = [*shown, short_source(source)]
        if telegram_length(_line(candidate, local)) <= MAX_SOURCE_LINE:
            shown = candidate
    line = _line(shown, local)
    if telegram_length(line) <= MAX_SOURCE_LINE:
        return line
    # One source too long for the line: cut its document name, never its date or flag.
    head = short_source(ordered[0])
    tail = head[len(ordered[0].document) :]
    room = MAX_SOURCE_LINE - telegram_length(_line([tail], local))
    return _line([shorten(ordered[0].document, room) + tail], local)


def _line(sources: list[str], local: str) -> str:
    return f"{texts.SOURCES_HEADER} {'; '.join(sources)}.{local}"


def format_answer(answer: Answer) -> str:
    """What a member sees first: the direct reply(s) with their sources, or the honest
    no-answer (out of scope: one line; a party question with no rule: ask the chi ủy)."""
    if answer.confident and answer.entries:
        if len(answer.entries) == 1:
            entry = answer.entries[0]
            return f"{entry.reply}\n{sources_line(entry)}"
        blocks = [f"• {e.reply}\n{sources_line(e)}" for e in answer.entries]
        return shorten("\n\n".join(blocks), MAX_SHORT_CHARS)
    if answer.out_of_scope or answer.data_intent is not None:
        return answer.text
    parts = [answer.text]
    if answer.suggestions:
        lines = [texts.SUGGESTIONS_HEADER, *(f"• {title}" for _, title in answer.suggestions)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def format_entry_details(entry: Entry) -> str:
    """The reasoning, caveats and every source of one entry (the "📖 Chi tiết" message)."""
    title = entry.title + (f" ({texts.LOCAL_MARK})" if entry.local else "")
    lines = [texts.SOURCES_HEADER, *(f"• {format_source(s)}" for s in entry.sources)]
    return f"📖 {title}\n\n{entry.answer}\n\n" + "\n".join(lines)


def format_details(answer: Answer) -> str:
    """The details of every entry the answer uses (empty when it used none)."""
    return "\n\n".join(format_entry_details(e) for e in answer.entries)
