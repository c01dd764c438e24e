"""Every test has a timeout: a hang fails fast with its stack instead of stalling CI."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HANGING = """
import asyncio

async def test_waits_for_ever():
    await asyncio.Event().wait()
"""


def test_the_suite_sets_a_timeout_for_every_test() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    assert 0 < int(options["timeout"]) <= 300
    assert any(
        dep.startswith("pytest-timeout")
        for dep in config["project"]["optional-dependencies"]["dev"]
    )


def test_a_hanging_async_test_fails_fast_with_its_stack(tmp_path: Path) -> None:
    (tmp_path / "test_hang.py").write_text(HANGING, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-o",
            "timeout=2",
            str(tmp_path / "test_hang.py"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Timeout" in done.stdout
    assert "test_waits_for_ever" in done.stdout and "1 failed" in done.stdout
