"""What every bench script shares: its command line, starting the bot, the clean-up after a
run and the result table."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Iterable
from pathlib import Path
from typing import Any

from bot.simulator import FakeBotApi
from storage.db import Database


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser described by the first line of the script's docstring."""
    return argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)


def province_arguments(parser: argparse.ArgumentParser, codes_help: str) -> None:
    """The province's size, the database and the checkouts run side by side."""
    parser.add_argument("--cells", type=int, default=3000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite file)")
    here = Path(__file__).parents[1]
    parser.add_argument("--code", type=Path, nargs="+", default=[here], help=codes_help)


async def close_run(db: Database, api: FakeBotApi, drop: Awaitable[None] | None) -> None:
    """Close the run's database and fake server, then drop its scratch database if any."""
    await db.dispose()
    await api.stop()
    if drop is not None:
        await drop


def markdown_table(header: str, align: str, rows: Iterable[str]) -> str:
    """A Markdown table: the header row, the alignment row, then ``rows`` (each already a row)."""
    return "\n".join([header, align, *rows])


async def start_bot(
    code: Path, db_url: str, api: FakeBotApi, token: str, *, log_level: str = "WARNING"
) -> asyncio.subprocess.Process:
    """``chibo run`` from checkout ``code`` (its own code: main's as the baseline) against the
    fake server; the bot's stderr goes to ``BENCH_BOT_LOG`` if set."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_API_FILE_URL": api.base_file_url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": log_level,
    }
    log = os.environ.get("BENCH_BOT_LOG")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=str(code),
        stderr=open(log, "ab") if log else None,  # noqa: ASYNC230 (once, at start)
    )


async def json_from_child(code: Path, *args: str) -> Any:
    """``python *args`` in a fresh process running checkout ``code``'s code (a baseline's, for
    a side-by-side figure); what it printed last, as JSON."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdout=asyncio.subprocess.PIPE,
        cwd=str(code),
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    out, _ = await child.communicate()
    return json.loads(out.decode().strip().splitlines()[-1])
