"""SQLite serves one instance: a second ``chibo run`` on the same file is refused in one line."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.simulator import FakeBotApi

TOKEN = "123456:SINGLE-INSTANCE-TOKEN"


async def _chibo_run(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=str(Path(__file__).parents[2]),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_second_instance_on_the_same_sqlite_file_is_refused(tmp_path: Path) -> None:
    api = FakeBotApi(token=TOKEN, bot_username="ChiBoBot")
    await api.start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chibo.sqlite3'}",
        "WEBHOOK_URL": "",
    }
    first = await _chibo_run(env)
    try:
        await api.wait_until(lambda: bool(api.method_calls("getUpdates")), timeout=30)
        second = await _chibo_run(env)
        _, err = await asyncio.wait_for(second.communicate(), timeout=30)
        lines = err.decode().strip().splitlines()
        assert second.returncode == 2
        assert len(lines) == 1 and "SQLite" in lines[0] and "PostgreSQL" in lines[0]
        assert first.returncode is None  # the first one runs on
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), timeout=30)
        await api.stop()
