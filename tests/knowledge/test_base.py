"""Entry loading and validation: problems are reported by file and line; local overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, KnowledgeBaseError
from bot.knowledge.base import BUILTIN_DIR, load_meta
from bot.knowledge.entry_file import load_dir, parse_entry

GOOD = """\
id = "local_meeting_day"
group = "lich"
order = 1
title = "Ngày sinh hoạt của chi bộ"
questions = ["chi bộ họp ngày nào trong tháng", "ngày sinh hoạt cố định", "họp mùng mấy"]
anchors = ["ngày"]
answer = \"\"\"
Thưa đồng chí, chi bộ sinh hoạt thường kỳ vào ngày 5 hằng tháng (nghị quyết của chi bộ).
\"\"\"

[[sources]]
document = "Nghị quyết của chi bộ"
date = "2026"
confidence = "S-local"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _issues(text: str, tmp_path: Path) -> list[str]:
    path = _write(tmp_path, "entry.toml", text)
    _, issues = parse_entry(path, text, load_meta(), local=True)
    return [f"{i.line}:{i.severity}:{i.message}" for i in issues]


def test_builtin_entries_are_valid() -> None:
    entries, issues = load_dir(BUILTIN_DIR, load_meta(), local=False)
    assert [str(i) for i in issues] == []
    assert len(entries) >= 30


def test_good_local_entry_has_no_issues(tmp_path: Path) -> None:
    assert _issues(GOOD, tmp_path) == []


def test_toml_syntax_error_reports_line(tmp_path: Path) -> None:
    bad = GOOD.replace("order = 1", "order = = 1")
    issues = _issues(bad, tmp_path)
    assert len(issues) == 1 and issues[0].startswith("3:error:") and "TOML" in issues[0]


def test_missing_and_unknown_fields(tmp_path: Path) -> None:
    bad = GOOD.replace('title = "Ngày sinh hoạt của chi bộ"\n', "").replace(
        "order = 1", "order = 1\nquesions = []"
    )
    issues = _issues(bad, tmp_path)
    assert any("thiếu trường bắt buộc 'title'" in i for i in issues)
    assert any(i.startswith("4:error:") and "quesions" in i for i in issues)


def test_bad_source_points_at_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace('confidence = "S-local"', 'confidence = "maybe"')
    issues = _issues(bad, tmp_path)
    line = bad.splitlines().index('confidence = "maybe"') + 1
    assert any(i.startswith(f"{line}:error:") and "confidence" in i for i in issues)


def test_bad_id_and_long_answer(tmp_path: Path) -> None:
    bad = GOOD.replace('"local_meeting_day"', '"Ngày họp!"').replace(
        "Thưa đồng chí,", "Thưa đồng chí, " + "rất dài " * 150
    )
    issues = _issues(bad, tmp_path)
    assert any(i.startswith("1:error:") and "id" in i for i in issues)
    assert any("tối đa 900" in i for i in issues)


def test_superseded_document_must_be_marked(tmp_path: Path) -> None:
    bad = GOOD.replace(
        'document = "Nghị quyết của chi bộ"\ndate = "2026"',
        'document = "Hướng dẫn 12-HD/BTCTW"\ndate = "06/07/2018"',
    ).replace('"S-local"', '"S"')
    issues = _issues(bad, tmp_path)
    assert any("42-HD/BTCTW" in i for i in issues)
    marked = bad.replace('confidence = "S"', 'confidence = "S"\nnote = "Đã được thay thế"')
    assert _issues(marked, tmp_path) == []


def test_weak_sources_cannot_be_stated_as_rules(tmp_path: Path) -> None:
    bad = GOOD.replace('"S-local"', '"W"')
    assert any("[W]/[U]" in i for i in _issues(bad, tmp_path))


def test_no_rule_entries_must_say_so(tmp_path: Path) -> None:
    bad = GOOD.replace("order = 1", "order = 1\nno_rule_found = true")
    issues = _issues(bad, tmp_path)
    assert any("chưa tìm thấy" in i for i in issues)
    assert any("chi ủy" in i for i in issues)


def test_local_folder_overrides_and_adds(tmp_path: Path) -> None:
    _write(tmp_path, "meeting_day.toml", GOOD)
    override = GOOD.replace('"local_meeting_day"', '"meeting_duration"').replace(
        "ngày 5 hằng tháng", "tối thiểu 120 phút theo quy định của đảng ủy"
    )
    _write(tmp_path, "duration.toml", override)
    kb = KnowledgeBase.load(tmp_path)
    assert kb.entry("local_meeting_day") is not None
    duration = kb.entry("meeting_duration")
    assert duration is not None and duration.local and "120 phút" in duration.answer
    answer = kb.ask("chi bo hop ngay nao trong thang vay")
    assert answer.entry_id == "local_meeting_day" and answer.local


def test_duplicate_ids_in_local_folder(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", GOOD)
    _write(tmp_path, "b.toml", GOOD)
    _, issues = load_dir(tmp_path, load_meta(), local=True)
    assert any(i.path.name == "b.toml" and "đã dùng" in i.message for i in issues)


def test_invalid_local_entries_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "bad.toml", "id = ")
    kb = KnowledgeBase.load(tmp_path)
    assert any(i.path.name == "bad.toml" and i.severity == "error" for i in kb.issues)
    assert kb.entry("meeting_duration") is not None


def test_broken_builtin_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _write(tmp_path, "bad.toml", "id = ")
    monkeypatch.setattr("bot.knowledge.qa.BUILTIN_DIR", tmp_path)
    with pytest.raises(KnowledgeBaseError):
        KnowledgeBase.load()
