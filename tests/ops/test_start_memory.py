"""What the bot holds at start: the export libraries load on the first export, not before.

openpyxl and python-docx (with numpy and Pillow, which they pull in) are about 25 MB of a
running bot's memory (bench/README.md, the broadcast's peak RSS); a bot that has not exported
yet does not hold them."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)

EXPORT_LIBRARIES = ("openpyxl", "docx", "matplotlib", "numpy", "PIL")
START = "import bot.cli, bot.runner, bot.app, bot.simulator.terminal\n"  # what `chibo run` needs


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys\n{code}"
        f"print(','.join(sorted(m for m in {EXPORT_LIBRARIES!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=50, check=True
    )
    return [name for name in done.stdout.strip().split(",") if name]


def test_starting_the_bot_loads_no_export_library() -> None:
    assert _loaded_after(START) == []


def test_the_first_export_loads_them() -> None:
    """The probe can fail: writing a workbook and minutes does load openpyxl and docx."""
    export = "from bot.exports.service import bundle\nbundle('x', (), 'x', [])\n"
    assert {"openpyxl"} <= set(_loaded_after(START + export))
