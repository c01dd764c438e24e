"""Ids given to the ``chibo`` command are bounded like ids in buttons: a huge or malformed one
is a usage error naming the option, never a database traceback."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.mark.parametrize("value", ["99999999999", "0", "-1", "٣", "1e3", "x"])
@pytest.mark.parametrize(
    "argv",
    [
        ["cell", "secretary-link", "--cell", "{}"],
        ["plan", "import", "--cell", "{}", "plan.csv"],
        ["export", "--cell", "{}", "--meeting", "1"],
        ["export", "--cell", "1", "--meeting", "{}"],
    ],
)
def test_a_bad_id_is_a_usage_error(
    argv: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([part.format(value) for part in argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "must be a number from 1 to 2147483647" in err
    assert "Traceback" not in err
