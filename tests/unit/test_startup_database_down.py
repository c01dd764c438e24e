"""PostgreSQL down at start: the bot says so in one clear line per attempt, naming the host
(never the password), keeps trying for DATABASE_CONNECT_TIMEOUT seconds, then gives up with a
clear message and a non-zero status. No traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pw-777"


@pytest.mark.parametrize("command", [["db", "current"], ["run"], ["cell", "list"]])
def test_an_unreachable_database_gives_clear_lines_then_a_clean_exit(
    tmp_path: Path, command: list[str]
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"postgresql://chibo:{PASSWORD}@127.0.0.1:1/chibo",
        "DATABASE_CONNECT_TIMEOUT": "3",
        "TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOP",
        "LOG_LEVEL": "DEBUG",
    }
    begun = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    took = time.monotonic() - begun
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in output, output
    assert PASSWORD not in output
    lines = [line for line in output.splitlines() if "127.0.0.1:1" in line]
    assert len(lines) >= 2, output  # at least one retry, each attempt a line
    assert "not reachable" in done.stderr.splitlines()[-1], output
    assert 3 <= took < 20, f"gave up after {took:.1f} s"


def test_a_database_that_answers_no_is_reported_at_once(tmp_path: Path) -> None:
    """The server is up but refuses (no such database): waiting would not help."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/no_such_database_here",
        "DATABASE_CONNECT_TIMEOUT": "30",
    }
    begun = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "current"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines() == [
        line for line in done.stderr.strip().splitlines() if "cannot be opened" in line
    ]
    assert "127.0.0.1:5432/no_such_database_here" in done.stderr
    assert time.monotonic() - begun < 15
