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
    """Cut before each conjunction (which stays with the clause it opens)."""
    words = piece.split()
    folded = [fold(w).lower() for w in words]
    out: list[list[str]] = [[]]
    for i, word in enumerate(words):
        opens = folded[i] in _CONJUNCTIONS or " ".join(folded[i : i + 2]) in _CONJUNCTIONS
        if opens and out[-1]:
            out.append([])
        out[-1].append(word)
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
        if not clauses or (_size(piece) >= MIN_WORDS and _size(clauses[-1]) >= MIN_WORDS):
            clauses.append(piece)
        else:
            clauses[-1] = f"{clauses[-1]} {piece}"
    return clauses or [question]


def _size(clause: str) -> int:
    """Words of a clause, not counting the conjunction that opens it."""
    words = [fold(w).lower() for w in clause.split()]
    skip = (
        2
        if " ".join(words[:2]) in _CONJUNCTIONS
        else 1
        if words[:1] and words[0] in _CONJUNCTIONS
        else 0
    )
    return len(words) - skip
