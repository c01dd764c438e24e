"""Reading knowledge-base entry files: TOML parsing and every validation rule.

Every problem is reported with its file and line so ``chibo kb check`` can point at it.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.delivery.limits import shorten

from .base import Document, Entry, Issue, Meta, Severity, Source
from .numbers import numbers_in

CONFIDENCE_LABELS = ("P", "S", "S-local", "W", "U")
ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
DATE_RE = re.compile(r"^(\d{2}/\d{2}/\d{4}|\d{4})$")
MAX_ANSWER_CHARS = 900
# The direct reply: two of them with their source lines fit the ~600 characters before the
# "📖 Chi tiết" button (bot/knowledge/render.py).
MAX_REPLY_CHARS = 205
MAX_TITLE_CHARS = 80
MIN_QUESTIONS = 3
# Words an answer must use when it admits that no rule was found.
NO_RULE_MARKERS = ("chưa tìm thấy", "không tìm thấy")

_ENTRY_KEYS = {
    "id",
    "group",
    "order",
    "title",
    "questions",
    "keywords",
    "anchors",
    "answer",
    "reply",
    "sources",
    "supersedes",
    "superseded_by",
    "no_rule_found",
}
_SOURCE_KEYS = {"document", "date", "point", "confidence", "note"}


# --- line lookup -----------------------------------------------------------------------------


def _line_of_key(text: str, key: str, *, table: str | None = None, index: int = 0) -> int:
    """Best-effort line number of ``key = ...`` (inside the index-th ``[[table]]`` if given)."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        seen = -1
        for i, line in enumerate(lines):
            if line.strip() == f"[[{table}]]":
                seen += 1
                if seen == index:
                    start = i
                    break
        else:
            return 1
    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if i > start and table is not None and lines[i].lstrip().startswith("["):
            break
        if table is None and lines[i].lstrip().startswith("["):
            break
        if key_re.match(lines[i]):
            return i + 1
    return start + 1 if table is not None else 1


def _line_of_text(text: str, needle: str, default: int) -> int:
    for i, line in enumerate(text.splitlines()):
        if needle and needle in line:
            return i + 1
    return default


# --- validation --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.issues: list[Issue] = []

    def add(self, line: int, message: str, severity: Severity = "error") -> None:
        self.issues.append(Issue(self.path, line, severity, message))

    def key_line(self, key: str) -> int:
        return _line_of_key(self.text, key)

    def string(self, data: Mapping[str, Any], key: str, *, required: bool) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(1, f"thiếu trường bắt buộc '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(self.key_line(key), f"'{key}' phải là chuỗi không rỗng")
            return None
        return value.strip()

    def string_list(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(self.key_line(key), f"'{key}' phải là danh sách chuỗi không rỗng")
            return ()
        return tuple(v.strip() for v in value)


def _check_source(chk: _Checker, raw: Any, index: int, meta: Meta) -> Source | None:
    line = _line_of_key(chk.text, "document", table="sources", index=index)
    if not isinstance(raw, dict):
        chk.add(line, f"nguồn thứ {index + 1} phải là bảng [[sources]]")
        return None
    for key in sorted(set(raw) - _SOURCE_KEYS):
        chk.add(_line_of_key(chk.text, key, table="sources", index=index), f"trường lạ '{key}'")
    document = raw.get("document")
    confidence = raw.get("confidence")
    if not isinstance(document, str) or not document.strip():
        chk.add(line, f"nguồn thứ {index + 1}: thiếu 'document'")
        return None
    if confidence not in CONFIDENCE_LABELS:
        chk.add(
            _line_of_key(chk.text, "confidence", table="sources", index=index),
            f"nguồn thứ {index + 1}: 'confidence' phải là một trong {', '.join(CONFIDENCE_LABELS)}",
        )
        return None
    values: dict[str, str | None] = {}
    for key in ("date", "point", "note"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            chk.add(
                _line_of_key(chk.text, key, table="sources", index=index), f"'{key}' phải là chuỗi"
            )
            value = None
        values[key] = value.strip() if isinstance(value, str) else None
    date = values["date"]
    if date is not None and not DATE_RE.match(date):
        chk.add(
            _line_of_key(chk.text, "date", table="sources", index=index),
            f"ngày '{date}' phải có dạng dd/mm/yyyy hoặc yyyy",
        )
    source = Source(document.strip(), date, values["point"], confidence, values["note"])
    superseded = _superseded_document(source, meta)
    if superseded is None:
        return source
    if "thay" not in (source.note or "").lower():
        chk.add(
            line,
            f"'{source.document}' đã được thay thế bởi {superseded.superseded_by}: "
            "ghi rõ trong 'note' (ví dụ: 'đã được thay thế bởi ...')",
        )
    return dataclasses.replace(source, replaced_by=superseded.superseded_by)


def _superseded_document(source: Source, meta: Meta) -> Document | None:
    """The registry entry for a superseded document this source cites, matched by number + year."""
    text = f"{source.document} {source.date or ''}"
    for doc in meta.documents:
        if doc.superseded_by and doc.number in text and doc.year in text:
            return doc
    return None


def parse_entry(
    path: Path, text: str, meta: Meta, *, local: bool
) -> tuple[Entry | None, list[Issue]]:
    """Parse and validate one entry file. Returns the entry (None if unusable) and its issues."""
    chk = _Checker(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        chk.add(int(match.group(1)) if match else 1, f"lỗi cú pháp TOML: {exc}")
        return None, chk.issues
    for key in sorted(set(data) - _ENTRY_KEYS):
        chk.add(chk.key_line(key), f"trường lạ '{key}'")

    entry_id = chk.string(data, "id", required=True)
    if entry_id is not None and not ID_RE.match(entry_id):
        chk.add(chk.key_line("id"), "id phải là chữ thường ASCII, số, '_' (2–40 ký tự)")
    group = chk.string(data, "group", required=True)
    if group is not None and group not in {g.id for g in meta.groups}:
        chk.add(chk.key_line("group"), f"nhóm '{group}' chưa khai báo trong meta.toml", "warning")
    title = chk.string(data, "title", required=True)
    if title is not None and len(title) > MAX_TITLE_CHARS:
        chk.add(chk.key_line("title"), f"tiêu đề dài quá {MAX_TITLE_CHARS} ký tự")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        chk.add(chk.key_line("order"), "'order' phải là số nguyên")
        order = 100
    no_rule = data.get("no_rule_found", False)
    if not isinstance(no_rule, bool):
        chk.add(chk.key_line("no_rule_found"), "'no_rule_found' phải là true hoặc false")
        no_rule = False

    questions = chk.string_list(data, "questions")
    if len(questions) < MIN_QUESTIONS:
        chk.add(chk.key_line("questions"), f"cần ít nhất {MIN_QUESTIONS} câu hỏi mẫu")
    seen: set[str] = set()
    for q in questions:
        if q.lower() in seen:
            chk.add(
                _line_of_text(text, q, chk.key_line("questions")),
                f"câu hỏi trùng: {q!r}",
                "warning",
            )
        seen.add(q.lower())
    keywords = chk.string_list(data, "keywords")
    anchors = chk.string_list(data, "anchors")
    if not anchors and not local:
        chk.add(chk.key_line("id"), "nên có 'anchors' (từ chủ đề) để tránh trả lời nhầm", "warning")
    supersedes = chk.string_list(data, "supersedes")
    superseded_by = chk.string_list(data, "superseded_by")

    answer = chk.string(data, "answer", required=True)
    if answer is not None:
        _check_answer(chk, answer, no_rule)

    raw_sources = data.get("sources")
    sources: list[Source] = []
    if not isinstance(raw_sources, list) or not raw_sources:
        chk.add(
            chk.key_line("sources") if "sources" in data else 1, "cần ít nhất một nguồn [[sources]]"
        )
    else:
        for i, raw in enumerate(raw_sources):
            source = _check_source(chk, raw, i, meta)
            if source is not None:
                sources.append(source)
    if sources and not no_rule and all(s.confidence in ("W", "U") for s in sources):
        chk.add(
            chk.key_line("no_rule_found"),
            "chỉ có nguồn [W]/[U]: không được trình bày như quy định — đặt no_rule_found = true "
            "hoặc thêm nguồn đáng tin cậy",
        )
    reply = chk.string(data, "reply", required=False)
    if reply is None and not local and "reply" not in data:
        chk.add(1, "nên có 'reply' (câu trả lời thẳng 1–3 dòng)", "warning")
    if reply is not None and answer is not None:
        _check_reply(chk, reply, answer, sources, no_rule)
    if any(i.severity == "error" for i in chk.issues) or None in (entry_id, group, title, answer):
        return None, chk.issues
    assert entry_id is not None and group is not None and title is not None and answer is not None
    entry = Entry(
        id=entry_id,
        group=group,
        order=order,
        title=title,
        questions=questions,
        answer=answer,
        sources=tuple(sources),
        reply=reply or _first_paragraph(answer),
        keywords=keywords,
        anchors=anchors,
        supersedes=supersedes,
        superseded_by=superseded_by,
        no_rule_found=no_rule,
        path=path,
        local=local,
    )
    return entry, chk.issues


def _check_answer(chk: _Checker, answer: str, no_rule: bool) -> None:
    line = chk.key_line("answer")
    if len(answer) > MAX_ANSWER_CHARS:
        chk.add(line, f"câu trả lời dài {len(answer)} ký tự (tối đa {MAX_ANSWER_CHARS})")
    if "đồng chí" not in answer.lower():
        chk.add(line, "câu trả lời nên xưng hô 'đồng chí'", "warning")
    lowered = answer.lower()
    if no_rule and not any(m in lowered for m in NO_RULE_MARKERS):
        chk.add(line, "no_rule_found = true: câu trả lời phải nói rõ 'chưa tìm thấy' quy định")
    if no_rule and "chi ủy" not in lowered and "bí thư" not in lowered:
        chk.add(line, "no_rule_found = true: câu trả lời phải hướng dẫn hỏi chi ủy/bí thư")


def _check_reply(
    chk: _Checker, reply: str, answer: str, sources: list[Source], no_rule: bool
) -> None:
    """The short reply may only restate the entry: every number in it must be in the answer
    or the sources, a superseded document it names must be flagged, and a no-rule reply must
    say so."""
    line = chk.key_line("reply")
    if len(reply) > MAX_REPLY_CHARS:
        chk.add(line, f"'reply' dài {len(reply)} ký tự (tối đa {MAX_REPLY_CHARS})")
    held = numbers_in(" ".join([answer, *(_source_text(s) for s in sources)]))
    invented = sorted(numbers_in(reply) - held)
    if invented:
        chk.add(line, f"'reply' nêu số không có trong câu trả lời hay nguồn: {', '.join(invented)}")
    lowered = reply.lower()
    if no_rule and not any(m in lowered for m in NO_RULE_MARKERS):
        chk.add(line, "no_rule_found = true: 'reply' phải nói rõ 'chưa tìm thấy' quy định")
    for source in sources:
        number = source.document.split()[-1]
        if source.replaced_by and number in reply and "thay" not in lowered:
            chk.add(line, f"'reply' nhắc {number} (đã được thay thế) mà không nói rõ")


def _source_text(source: Source) -> str:
    return " ".join(filter(None, (source.document, source.date, source.point, source.note)))


def _first_paragraph(answer: str) -> str:
    """A local entry without 'reply' shows its answer's first paragraph first."""
    return shorten(answer.strip().split("\n", 1)[0], MAX_REPLY_CHARS)


# --- loading -----------------------------------------------------------------------------------


def load_dir(directory: Path, meta: Meta, *, local: bool) -> tuple[list[Entry], list[Issue]]:
    """Load every ``*.toml`` in a folder (files starting with '_' are skipped)."""
    entries: list[Entry] = []
    issues: list[Issue] = []
    if not directory.is_dir():
        issues.append(Issue(directory, 0, "error", "không tìm thấy thư mục"))
        return entries, issues
    first_seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            issues.append(Issue(path, 0, "error", f"không đọc được tệp: {exc}"))
            continue
        entry, found = parse_entry(path, text, meta, local=local)
        issues.extend(found)
        if entry is None:
            continue
        if entry.id in first_seen:
            issues.append(
                Issue(
                    path,
                    _line_of_key(text, "id"),
                    "error",
                    f"id '{entry.id}' đã dùng trong {first_seen[entry.id].name}",
                )
            )
            continue
        first_seen[entry.id] = path
        entries.append(entry)
    return entries, issues
