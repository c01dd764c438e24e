"""Every domain error key raised anywhere has its own polite text, and every text formats."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import handlers  # noqa: F401  (registers every feature's error texts)
from bot.cli import main
from bot.errors import InvalidInput, StaleAction
from bot.meetings.drafts import clean_text
from bot.texts import common as tc
from bot.texts import errors as te
from handlers import common

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"\b(InvalidInput|StaleAction)\(\s*\"([a-z_]+)\"")
KEY_ARGUMENTS = re.compile(r"\b(empty_key|long_key)=\"([a-z_]+)\"")  # bot/text_input.py


def _raised_keys() -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text("utf-8")
            keys |= set(RAISED.findall(source))
            keys |= {("InvalidInput", key) for _, key in KEY_ARGUMENTS.findall(source)}
    return keys


def test_every_raised_key_has_its_own_text() -> None:
    keys = _raised_keys()
    assert ("InvalidInput", "text_too_long") in keys and len(keys) > 30
    generic = {tc.fmt(tc.INTERNAL_ERROR), tc.fmt(tc.STALE_BUTTON)}
    for kind, key in sorted(keys):
        exc = InvalidInput(key) if kind == "InvalidInput" else StaleAction(key)
        table = te.INPUT_ERRORS if kind == "InvalidInput" else te.STALE_ERRORS
        assert key in table, f"{kind}({key!r}) has no registered text"
        fields = {name for _, name, _, _ in string.Formatter().parse(table[key]) if name}
        values = {name: "1" for name in fields - {"bot"}}
        assert common.error_text(exc, **values) not in generic, key


def test_an_error_text_gets_the_values_of_its_error() -> None:
    with pytest.raises(InvalidInput) as raised:
        clean_text("presenters", "A" * 300)
    text = common.error_text(raised.value, cell="chi bộ")
    assert "255 ký tự" in text
    # A template whose values are missing answers generically instead of crashing.
    assert common.error_text(InvalidInput("text_too_long")) == tc.fmt(tc.INTERNAL_ERROR)


def test_cli_cell_errors_are_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["cell", "create", "--name", "ab"]) == 1
    assert "cannot create: a cell name must be 3 to 200 characters" in capsys.readouterr().err
    assert main(["cell", "secretary-link", "--cell", "42"]) == 1
    assert "cannot secretary link: no such cell" in capsys.readouterr().err
