"""Splitting a member's question into clauses, so each part of a two-part question and the
one relevant clause of a long, rambling question can be ranked on its own.

"đảng phí bây giờ đóng bao nhiêu, đóng ở đâu?" → ["đảng phí bây giờ đóng bao nhiêu",
"đóng ở đâu"]. Clauses are cut at punctuation and at the conjunctions that start a new
question ("còn", "và", "mà", "với lại"); a piece of fewer than ``MIN_WORDS`` words is joined
to the one before it, because alone it carries no topic.
"""

from __future__ import annotations

import re

from bot.text_input import fold

MIN_WORDS = 3
_PUNCTUATION_RE = re.compile(r"[?!;.,\n]+")
# Conjunctions compared on folded words, so "va" and "và" split alike.
_CONJUNCTIONS = frozenset({"con", "va", "ma", "hay la", "voi lai", "ngoai ra"})


def _split_conjunctions(piece: str) -> list[str]:
    words = piece.split()
    folded = [fold(w).lower() for w in words]
    out: list[list[str]] = [[]]
    i = 0
    while i < len(words):
        pair = " ".join(folded[i : i + 2])
        size = 2 if pair in _CONJUNCTIONS else 1 if folded[i] in _CONJUNCTIONS else 0
        if size and out[-1]:
            out.append([])
        if size:
            i += size
            continue
        out[-1].append(words[i])
        i += 1
    return [" ".join(ws) for ws in out if ws]


def split_clauses(question: str) -> list[str]:
    """The question's clauses in order (the question itself when it has only one)."""
    pieces = [
        part
        for chunk in _PUNCTUATION_RE.split(question)
        for part in _split_conjunctions(chunk.strip())
    ]
    clauses: list[str] = []
    for piece in pieces:
        if clauses and len(piece.split()) < MIN_WORDS:
            clauses[-1] = f"{clauses[-1]} {piece}"
        elif not clauses or len(clauses[-1].split()) >= MIN_WORDS:
            clauses.append(piece)
        else:
            clauses[-1] = f"{clauses[-1]} {piece}"
    return clauses or [question]
