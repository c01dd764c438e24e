"""README.md's simulator tour, run step by step exactly as printed.

The steps are read from README.md ("### The simulator", the "A first tour:" paragraph) and
typed into the same code path as ``chibo run`` without a token: the real PTB Application on
the fake Bot API, the terminal chat and its command parser, a fresh SQLite database.  ``s_…``
and ``j_…`` are replaced by the codes the simulator printed, as a person would do.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
from pathlib import Path

from bot.runner import _run_simulator
from bot.settings import Settings
from bot.simulator.tour import INVITE_PLACEHOLDER, SECRETARY_PLACEHOLDER, TOUR, tour_lines

ROOT = Path(__file__).resolve().parents[2]
PROMPT = re.compile(r"\n(\w+)> $")


def readme_tour() -> list[str]:
    """The commands of the README's tour: the first `…` span of each "→" step."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### The simulator", 1)[1].split("\n## ", 1)[0]
    paragraph = section.split("A first tour:", 1)[1].split("\n\n", 1)[0]
    steps = [re.search(r"`([^`]+)`", part) for part in paragraph.split("→")]
    assert all(steps), paragraph
    return [step.group(1) for step in steps if step]


#: What a person sees after typing each step: (who has the prompt next, texts on screen).
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "/start s_…": (
        "Hoa",
        ["được ghi nhận là bí thư của Chi bộ mô phỏng", "gửi họ và tên đầy đủ"],
    ),
    "Nguyễn Thị Hoa": ("Hoa", ["Cảm ơn đồng chí Nguyễn Thị Hoa", "Gõ /moi"]),
    "/moi": ("Hoa", ["https://t.me/ChiBoBot?start=j_", "người được mời gõ: /start j_"]),
    ":nguoi An": ("An", ["(người mới: An;", "Bạn là An (id 1002), đang ở chat riêng với bot."]),
    "/start j_…": ("An", ["đang xin tham gia Chi bộ mô phỏng", "gửi họ và tên đầy đủ"]),
    "Nguyễn Văn An": (
        "An",
        ["Cảm ơn đồng chí Nguyễn Văn An", "gửi", "(✉ có tin mới ở chat riêng của Hoa)"],
    ),
    ":nguoi Hoa": (
        "Hoa",
        [
            "Bạn là Hoa (id 1001), đang ở chat riêng với bot.",
            "— 1 tin chưa đọc —",
            "Đề nghị tham gia Chi bộ mô phỏng đang chờ duyệt (1)",
            "   1. Nguyễn Văn An\n",
            "[1] ✅ Duyệt 1. Nguyễn Văn An  [2] ❌ Từ chối 1",
        ],
    ),
    ":bam 1": (
        "Hoa",
        [
            "(bạn bấm «✅ Duyệt 1. Nguyễn Văn An»",
            "(đã sửa)",
            "Nguyễn Thị Hoa đã duyệt: Nguyễn Văn An",
        ],
    ),
    "/thanhvien": (
        "Hoa",
        [
            "Danh sách đảng viên Chi bộ mô phỏng (2 đồng chí)",
            "1. Nguyễn Thị Hoa — Bí thư chi bộ",
            "2. Nguyễn Văn An — Đảng viên",
        ],
    ),
}


class _Terminal(io.TextIOWrapper):
    """The read end of a pipe that says it is a terminal: the chat shows its prompt."""

    def isatty(self) -> bool:
        return True


async def _wait_for_prompt(out: io.StringIO, since: int, timeout: float = 20.0) -> str:
    """The text printed after ``since`` once the chat asks for the next line."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while PROMPT.search(out.getvalue()[since - 1 :]) is None:
        assert loop.time() < deadline, "no prompt after:\n" + out.getvalue()[since:]
        await asyncio.sleep(0.05)
    return out.getvalue()[since:]


async def test_readme_tour_works_as_printed(tmp_path: Path) -> None:
    steps = readme_tour()
    assert steps == [step for step, _ in TOUR]  # the README and the start-up text agree
    assert list(EXPECTED) == steps

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chibo.sqlite3'}",
    )
    read_fd, write_fd = os.pipe()
    stdin = _Terminal(io.FileIO(read_fd, "r"), encoding="utf-8")
    out = io.StringIO()
    root = logging.getLogger()
    level = root.level
    sim = asyncio.create_task(_run_simulator(settings, stdin=stdin, stdout=out))
    try:
        start = await _wait_for_prompt(out, 1)
        code = re.search(r"/start (s_[\w-]+)", start)
        assert code is not None, start
        for line in tour_lines(code.group(1)):  # the numbered steps, with the real code
            assert line in start
        assert start.endswith("Bạn là Hoa (id 1001), đang ở chat riêng với bot.\nHoa> ")
        codes = {SECRETARY_PLACEHOLDER: code.group(1)}
        transcript = start
        for step in steps:
            typed = step
            for placeholder, real in codes.items():
                typed = typed.replace(placeholder, real)
            assert "…" not in typed, f"no code printed yet for {step!r}"
            since = len(out.getvalue())
            os.write(write_fd, (typed + "\n").encode())
            shown = await _wait_for_prompt(out, since)
            transcript += typed + "\n" + shown
            who, texts = EXPECTED[step]
            for text in texts:
                assert text in shown, f"after {typed!r} expected {text!r}, saw:\n{shown}"
            assert shown.endswith(f"\n{who}> "), shown
            assert "⚠" not in shown and "Traceback" not in shown, shown
            invite = re.search(r"/start (j_[\w-]+)", shown)
            if invite:
                codes[INVITE_PLACEHOLDER] = invite.group(1)
        os.write(write_fd, b":thoat\n")
        assert await asyncio.wait_for(sim, 20) == 0
    finally:
        if not sim.done():
            sim.cancel()
        os.close(write_fd)
        stdin.close()
        root.setLevel(level)
    assert out.getvalue().endswith("Tạm biệt!\n")
    assert all(len(line) <= 80 for line in transcript.splitlines()), transcript
