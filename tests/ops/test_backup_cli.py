"""`chibo db backup FILE` and `chibo db restore FILE`, as an operator types them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import cli


def _chibo(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    return cli.main(list(args))


async def test_backup_then_restore_brings_the_cells_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live = f"sqlite+aiosqlite:///{tmp_path / 'live.sqlite3'}"
    fresh = f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}"
    copy = tmp_path / "backup.sqlite3"

    def run(url: str, *args: str) -> int:
        return _chibo(monkeypatch, url, *args)

    assert await asyncio.to_thread(run, live, "cell", "create", "--name", "Chi bộ Sao Lưu") == 0
    assert await asyncio.to_thread(run, live, "db", "backup", str(copy)) == 0
    assert copy.exists() and (copy.stat().st_mode & 0o777) == 0o600
    assert await asyncio.to_thread(run, live, "db", "backup", str(copy)) == 1  # never overwrites
    capsys.readouterr()
    assert await asyncio.to_thread(run, fresh, "db", "restore", str(copy)) == 0
    assert "schema revision" in capsys.readouterr().out
    assert await asyncio.to_thread(run, fresh, "cell", "list") == 0
    assert "Chi bộ Sao Lưu" in capsys.readouterr().out
