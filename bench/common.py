"""What every bench script shares: its command line and the clean-up after a run."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable

from bot.simulator import FakeBotApi
from storage.db import Database


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser described by the first line of the script's docstring."""
    return argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)


async def close_run(db: Database, api: FakeBotApi, drop: Awaitable[None] | None) -> None:
    """Close the run's database and fake server, then drop its scratch database if any."""
    await db.dispose()
    await api.stop()
    if drop is not None:
        await drop
