"""Knowledge-base entries: the data model, the registry (meta.toml), merging and cross-checks.

One topic per file in ``bot/knowledge/entries/``. A cell may keep its own folder of entries
(local rules): an entry there with the same ``id`` replaces the built-in one, a new ``id`` adds
a topic. Reading and validating one file is bot/knowledge/entry_file.py.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_DIR = PACKAGE_DIR / "entries"
META_FILE = PACKAGE_DIR / "meta.toml"

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Source:
    """Where an answer comes from, with the digest's confidence label (P, S, S-local, W, U)."""

    document: str
    date: str | None
    point: str | None
    confidence: str
    note: str | None = None
    # Set when the registry (meta.toml) lists the cited document as superseded: what replaced it.
    replaced_by: str | None = None


@dataclass(frozen=True)
class Entry:
    """One topic of the knowledge base."""

    id: str
    group: str
    order: int
    title: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[Source, ...]
    # The direct 1–3 line reply shown first (the answer holds the reasoning and caveats).
    reply: str = ""
    keywords: tuple[str, ...] = ()
    # Topic words: a confident answer needs at least one of them in the question (after
    # normalization and synonyms). Empty disables the check.
    anchors: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()
    no_rule_found: bool = False
    path: Path | None = field(default=None, compare=False)
    local: bool = False


@dataclass(frozen=True)
class Issue:
    """A validation problem, printed as ``path:line: severity: message``."""

    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    order: int


@dataclass(frozen=True)
class Document:
    """A document in the registry; ``superseded_by`` set means it must not be cited as current."""

    number: str
    year: str
    title: str
    superseded_by: str | None


@dataclass(frozen=True)
class Meta:
    groups: tuple[Group, ...]
    documents: tuple[Document, ...]
    threshold: float

    def group_order(self, group_id: str) -> int:
        for group in self.groups:
            if group.id == group_id:
                return group.order
        return 10_000


class KnowledgeBaseError(Exception):
    """The built-in knowledge base is invalid (a bug in the shipped data)."""


def load_meta(path: Path = META_FILE) -> Meta:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = tuple(
        Group(id=g["id"], title=g["title"], order=i) for i, g in enumerate(data.get("groups", []))
    )
    documents = tuple(
        Document(
            number=d["number"],
            year=str(d["year"]),
            title=d.get("title", ""),
            superseded_by=d.get("superseded_by"),
        )
        for d in data.get("documents", [])
    )
    return Meta(groups=groups, documents=documents, threshold=float(data["ranking"]["threshold"]))


def merge(builtin: Iterable[Entry], local: Iterable[Entry]) -> list[Entry]:
    """Local entries replace built-in ones with the same id and add new ids."""
    merged = {e.id: e for e in builtin}
    for entry in local:
        merged[entry.id] = entry
    return list(merged.values())


def cross_check(entries: Iterable[Entry]) -> list[Issue]:
    """Checks across entries: the same sample question under two topics confuses the ranker."""
    issues: list[Issue] = []
    owner: dict[str, Entry] = {}
    for entry in entries:
        for q in entry.questions:
            key = " ".join(q.lower().split())
            other = owner.get(key)
            if other is not None and other.id != entry.id:
                path = entry.path or Path(entry.id)
                issues.append(
                    Issue(path, 1, "warning", f"câu hỏi {q!r} cũng có trong '{other.id}'")
                )
            owner.setdefault(key, entry)
    return issues
