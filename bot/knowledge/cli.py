"""Command-line entry points behind `chibo ask` and `chibo kb check` (called from bot/cli.py)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from bot.texts import knowledge as texts

from .base import KnowledgeBaseError
from .qa import Answer, KnowledgeBase
from .render import format_answer, format_details

SEPARATOR = "\n" + "─" * 40 + "\n"


def answer_json(answer: Answer) -> dict[str, Any]:
    """The JSON object printed by `chibo ask --json` for one question: ``answer`` is the short
    reply a member sees first, ``details`` the reasoning and caveats behind "📖 Chi tiết"."""
    return {
        "question": answer.question,
        "answer": format_answer(answer),
        "details": format_details(answer),
        "sources": [asdict(s) for e in answer.entries for s in e.sources],
        "entry": answer.entry_id,
        "entries": [e.id for e in answer.entries],
        "confident": answer.confident,
        "title": answer.title,
        "score": answer.score,
        "suggestions": [{"entry": e, "title": t} for e, t in answer.suggestions],
        "data_intent": answer.data_intent,
        "needs_cell_data": answer.data_intent is not None,
        "out_of_scope": answer.out_of_scope,
    }


def ask_command(
    questions: list[str],
    *,
    as_json: bool,
    local_dir: Path | None,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    """Answer questions; with none given, read one question per line from stdin.

    Prints plain text answers (each ending with its sources) or, with ``as_json``, one JSON
    object per line. Returns 0, or 2 if the knowledge base cannot be loaded.
    """
    try:
        kb = KnowledgeBase.load(local_dir)
    except (KnowledgeBaseError, OSError) as exc:
        stdout.write(texts.LOAD_FAILED.format(error=exc) + "\n")
        return 2
    source = questions if questions else (line.strip() for line in stdin)
    first = True
    for question in source:
        if not question.strip():
            continue
        answer = kb.ask(question)
        if as_json:
            stdout.write(json.dumps(answer_json(answer), ensure_ascii=False) + "\n")
        else:
            if not first:
                stdout.write(SEPARATOR)
            details = format_details(answer)
            stdout.write(format_answer(answer) + (f"\n\n{details}" if details else "") + "\n")
        first = False
    stdout.flush()
    return 0


def kb_check_command(local_dir: Path | None, stdout: TextIO) -> int:
    """Validate the built-in and local entries; print problems as ``file:line: ...``.

    Returns 1 if any entry has an error (it would be skipped by the bot), else 0.
    """
    try:
        kb = KnowledgeBase.load(local_dir)
    except (KnowledgeBaseError, OSError) as exc:
        stdout.write(texts.LOAD_FAILED.format(error=exc) + "\n")
        return 1
    for issue in kb.issues:
        stdout.write(f"{issue}\n")
    errors = sum(1 for i in kb.issues if i.severity == "error")
    warnings = len(kb.issues) - errors
    if errors:
        stdout.write(texts.CHECK_FAILED.format(errors=errors, warnings=warnings) + "\n")
        return 1
    local = sum(1 for e in kb.topics() if e.local)
    stdout.write(
        texts.CHECK_OK.format(entries=len(kb.topics()), local=local, warnings=warnings) + "\n"
    )
    return 0
