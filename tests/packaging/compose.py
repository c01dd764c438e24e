"""Reading compose.yaml without a YAML library: its services are indented by two spaces and
their keys by four, which the packaging tests check as they read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"


def compose_text() -> str:
    return COMPOSE.read_text(encoding="utf-8")


def services() -> list[str]:
    """The service names, in order."""
    block = re.search(r"^services:\n((?:[ #].*\n|\s*\n)*)", compose_text(), flags=re.MULTILINE)
    assert block, "compose.yaml has no services"
    return re.findall(r"^  ([a-z][\w-]*):", block.group(1), flags=re.MULTILINE)


def service(name: str) -> str:
    """The lines of one service in compose.yaml."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\s*\n)*)", compose_text(), flags=re.MULTILINE)
    assert match, f"compose.yaml has no service {name}"
    return match.group(1)


def grace_period_seconds(name: str = "bot") -> int:
    """The service's stop_grace_period (Docker waits this long after SIGTERM, then kills)."""
    grace = re.search(r"stop_grace_period:\s*(\d+)s", service(name))
    assert grace, f"{name} sets no stop_grace_period (Docker's default is 10 s)"
    return int(grace.group(1))
