"""``chibo org create / link / list`` and ``chibo cell create --org`` on a real database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main


def _payload(out: str) -> str:
    found = re.search(r"/start (o_[A-Za-z0-9_-]+)", out)
    assert found, out
    return found.group(1)


def test_org_commands_set_up_a_nested_parent_with_cells_and_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["org", "create", "Đảng ủy quận 1"]) == 0
    out = capsys.readouterr().out
    assert "Created parent committee 1: Đảng ủy quận 1" in out and "bí thư đảng ủy" in out
    assert len(_payload(out)) <= 64  # Telegram's start payload limit
    assert main(["org", "create", "Đảng ủy phường Bến Nghé", "--parent", "1"]) == 0
    capsys.readouterr()
    assert main(["org", "create", "Đảng ủy X", "--parent", "9"]) == 1
    assert "no such parent committee" in capsys.readouterr().err

    assert main(["cell", "create", "--name", "Chi bộ Khu phố 3", "--org", "2"]) == 0
    out = capsys.readouterr().out
    assert "Created cell 1: Chi bộ Khu phố 3" in out and "under 2: Đảng ủy phường Bến Nghé" in out
    assert main(["cell", "create", "--name", "Chi bộ 4", "--org", "7"]) == 1
    assert "no such parent committee" in capsys.readouterr().err
    assert main(["cell", "list"]) == 0
    assert "Chi bộ 4" not in capsys.readouterr().out  # nothing was created

    assert main(["cell", "create", "--name", "Chi bộ Khu phố 5"]) == 0
    assert main(["cell", "attach", "--cell", "2", "--org", "1"]) == 0
    assert "Cell 2 is now under 1: Đảng ủy quận 1" in capsys.readouterr().out
    assert main(["cell", "attach", "--cell", "9", "--org", "1"]) == 1
    assert "no such cell" in capsys.readouterr().err
    assert main(["org", "list"]) == 0
    out = capsys.readouterr().out
    assert "1\tĐảng ủy quận 1\tparent=-\tcells=1" in out
    assert "2\tĐảng ủy phường Bến Nghé\tparent=1\tcells=1" in out

    # The district may give an overseer the ward's cell; a role without cells needs none.
    assert main(["org", "link", "--org", "1", "--role", "phu-trach", "--cells", "1"]) == 0
    assert _payload(capsys.readouterr().out)
    assert main(["org", "link", "--org", "2", "--role", "pho-bi-thu"]) == 0
    assert _payload(capsys.readouterr().out)
    assert main(["org", "link", "--org", "2", "--role", "phu-trach"]) == 1
    assert "--cells is for --role phu-trach" in capsys.readouterr().err
    assert main(["org", "link", "--org", "2", "--role", "bi-thu", "--cells", "1"]) == 1
    capsys.readouterr()
    assert main(["org", "link", "--org", "2", "--role", "phu-trach", "--cells", "1,5"]) == 1
    assert "no such cell" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["org", "link", "--org", "2", "--role", "chu-tich"])


def test_org_roles_are_listed_and_revoked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from bot.runtime import open_services
    from bot.settings import load_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["org", "create", "Đảng ủy phường Bến Nghé"]) == 0
    chief = _payload(capsys.readouterr().out)
    assert main(["cell", "create", "--name", "Chi bộ Khu phố 3", "--org", "1"]) == 0
    assert main(["org", "link", "--org", "1", "--role", "phu-trach", "--cells", "1"]) == 0
    overseer = _payload(capsys.readouterr().out)

    async def claim_and_look() -> tuple[int, int]:
        services = await open_services(load_settings())
        try:
            await services.orgs.claim(chief[2:], 700, "Trương Văn Bí Thư")
            await services.orgs.claim(overseer[2:], 701, "Đinh Thị Phụ Trách")
            found = [len(await services.orgs.roles_of(t)) for t in (700, 701)]
            return found[0], found[1]
        finally:
            await services.db.dispose()

    assert asyncio.run(claim_and_look()) == (1, 1)
    assert main(["org", "roles", "--org", "1"]) == 0
    out = capsys.readouterr().out
    assert "1\tbi_thu_du\tTrương Văn Bí Thư\tactive\tcells=-" in out
    assert "2\tphu_trach\tĐinh Thị Phụ Trách\tactive\tcells=1" in out
    assert main(["org", "revoke", "--role", "2"]) == 0
    assert "Revoked role 2 (phu_trach)" in capsys.readouterr().out
    assert main(["org", "roles", "--org", "1"]) == 0
    assert "2\tphu_trach\tĐinh Thị Phụ Trách\trevoked\tcells=-" in capsys.readouterr().out

    async def roles_left() -> int:
        services = await open_services(load_settings())
        try:
            return len(await services.orgs.roles_of(701))
        finally:
            await services.db.dispose()

    assert asyncio.run(roles_left()) == 0  # /tonghop now refuses them
    assert main(["org", "revoke", "--role", "9"]) == 1
    assert "no such role" in capsys.readouterr().err
    assert main(["org", "roles", "--org", "9"]) == 1
