"""``chibo transfer``: the administrator records a transfer between any two cells at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.unit.test_roster_import import cli_database

__all__ = ["cli_database"]


def test_cli_transfers_official_and_temporary_and_refuses_politely(
    cli_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("Chi bộ Thôn Đông", "Chi bộ Thôn Tây"):
        assert main(["cell", "create", "--name", name]) == 0
    roster = cli_database / "ds.csv"
    roster.write_text("họ tên,năm sinh\nLê Văn Tám,1948\nPhạm Thị Lan,1952\n", "utf-8")
    assert main(["roster", "import", "--cell", "1", str(roster)]) == 0
    capsys.readouterr()
    assert main(["roster", "list", "--cell", "1"]) == 0  # the ids the transfer takes
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "1\tLê Văn Tám\tdang_vien\tchinh_thuc\tactive\tno-telegram",
        "2\tPhạm Thị Lan\tdang_vien\tchinh_thuc\tactive\tno-telegram",
    ]
    assert main(["roster", "list", "--cell", "9"]) == 1
    assert "no cell 9" in capsys.readouterr().err

    assert main(["transfer", "--member", "1", "--to", "2"]) == 0
    out = capsys.readouterr().out
    assert "Transferred Lê Văn Tám (chính thức) from cell 1 to cell 2: member 3 there." in out
    assert main(["transfer", "--member", "1", "--to", "2"]) == 1  # no longer active in cell 1
    assert "no active member with that id" in capsys.readouterr().err
    assert main(["transfer", "--member", "2", "--to", "1"]) == 1  # its own cell
    assert "member's own cell" in capsys.readouterr().err
    assert main(["transfer", "--member", "2", "--to", "2", "--temporary", "mai", "x"]) == 2
    when = ["--temporary", "01/01/2099", "30/06/2099"]
    assert main(["transfer", "--member", "2", "--to", "2", *when]) == 0
    assert (
        "(tạm thời) from cell 1 to cell 2 từ 01/01/2099 đến 30/06/2099" in capsys.readouterr().out
    )
    assert main(["transfer", "--member", "2", "--to", "2", *when]) == 1
    assert "has a status in that period" in capsys.readouterr().err
    assert main(["roster", "list", "--cell", "1"]) == 0
    assert "1\tLê Văn Tám\tdang_vien\tchinh_thuc\tinactive" in capsys.readouterr().out
