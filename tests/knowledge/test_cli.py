"""`chibo ask` and `chibo kb check` entry points."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.knowledge.cli import ask_command, kb_check_command


def _ask(questions: list[str], *, as_json: bool, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = ask_command(
        questions, as_json=as_json, local_dir=None, stdin=io.StringIO(stdin), stdout=out
    )
    return code, out.getvalue()


def test_ask_prints_the_short_answer_then_the_details() -> None:
    code, text = _ask(["hop chi bo it nhat may tieng"], as_json=False)
    assert code == 0 and text.startswith("Ít nhất 90 phút")
    short, details = text.split("\n\n📖 ", 1)
    assert short.split("\n")[-1].startswith("Nguồn:")
    assert "cấp ủy có thẩm quyền" in details


def test_ask_json_keeps_the_short_answer_and_the_details() -> None:
    _, text = _ask(["về hưu đóng thế nào, có được miễn không?"], as_json=True)
    obj = json.loads(text)
    assert obj["entries"] == ["dues_rates", "dues_exemption"]
    assert len(obj["answer"]) <= 600 and "0,5% lương hưu" in obj["answer"]
    assert "📖 Mức đóng đảng phí" in obj["details"] and "📖 Miễn, giảm" in obj["details"]
    assert obj["needs_cell_data"] is False and obj["out_of_scope"] is False


def test_ask_json_marks_questions_that_need_the_cells_data() -> None:
    _, text = _ask(["chuyen de quy nay chu de gi a"], as_json=True)
    obj = json.loads(text)
    assert obj["data_intent"] == "next_thematic" and obj["needs_cell_data"] is True
    assert "dữ liệu của chi bộ" in obj["answer"] and obj["details"] == ""


def test_ask_json_one_object_per_question() -> None:
    code, text = _ask(["dang phi sinh vien bao nhieu", "giá xăng hôm nay"], as_json=True)
    lines = text.strip().splitlines()
    assert code == 0 and len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    for obj in (first, second):
        assert {"question", "answer", "sources", "entry", "confident"} <= obj.keys()
        assert isinstance(obj["sources"], list)
    assert first["entry"] == "dues_rates" and first["confident"] is True
    assert first["sources"][0]["document"].startswith("Quy định 01-QĐ/TW")
    assert second["entry"] is None and second["confident"] is False


def test_ask_reads_stdin_when_no_question() -> None:
    code, text = _ask([], as_json=True, stdin="chi bo 4 tot la gi\n\nthang nay hop ngay nao\n")
    objs = [json.loads(line) for line in text.strip().splitlines()]
    assert code == 0 and len(objs) == 2
    assert objs[0]["entry"] == "chi_bo_bon_tot"
    assert objs[1]["data_intent"] == "next_meeting" and objs[1]["entry"] is None


def test_kb_check_ok() -> None:
    out = io.StringIO()
    assert kb_check_command(None, out) == 0
    assert "Kiểm tra xong" in out.getvalue()


def test_kb_check_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "rule.toml"
    bad.write_text('id = "x_y"\ngroup = "lich"\ntitle = ""\n', encoding="utf-8")
    out = io.StringIO()
    assert kb_check_command(tmp_path, out) == 1
    text = out.getvalue()
    assert f"{bad}:3: error:" in text and "lỗi" in text


def test_missing_local_dir_is_reported(tmp_path: Path) -> None:
    out = io.StringIO()
    assert kb_check_command(tmp_path / "missing", out) == 1
    assert "không tìm thấy thư mục" in out.getvalue()
