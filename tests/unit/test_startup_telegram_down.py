"""Telegram unreachable, or the token refused, at start: ``chibo run`` says so in one line,
never prints the token, leaves no HTTP session open and exits non-zero. No traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.simulator import FakeBotApi
from tests.fakes import closed_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"

pytestmark = pytest.mark.timeout(90)


async def _chibo_run(tmp_path: Path, base_url: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chibo.db'}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "LOG_LEVEL": "DEBUG",
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


def _assert_clean(code: int, out: str, err: str) -> str:
    output = out + err
    assert code == 2, output
    assert "Traceback" not in output, output
    assert "Unclosed" not in output, output  # every aiohttp session was closed
    assert "ABCdefGHI" not in output, output
    return err.strip().splitlines()[-1]


async def test_no_answer_from_telegram_is_one_line_and_a_clean_exit(tmp_path: Path) -> None:
    last = _assert_clean(*await _chibo_run(tmp_path, f"http://127.0.0.1:{closed_port()}/bot"))
    assert last.startswith("Cannot start: no answer from Telegram"), last
    assert "TELEGRAM_API_BASE_URL" in last


async def test_a_refused_token_is_one_line_and_a_clean_exit(tmp_path: Path) -> None:
    api = FakeBotApi(token="1:ANOTHER-TOKEN", bot_username="OtherBot")
    await api.start()
    try:
        last = _assert_clean(*await _chibo_run(tmp_path, api.base_url))
    finally:
        await api.stop()
    assert last == "Cannot start: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
