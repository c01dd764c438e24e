"""``chibo run``: the real bot by long polling, or the built-in local simulator."""

from __future__ import annotations

import logging
from typing import TextIO

from bot.app import build_application, run_until_stopped
from bot.runtime import configure_logging, open_services
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

SIMULATOR_TOKEN = "123456:SIMULATOR-TOKEN"
SIMULATOR_BOT = "ChiBoBot"
DEMO_CELL = "Chi bộ mô phỏng"


async def run(settings: Settings, *, force_simulator: bool = False) -> int:
    configure_logging(settings)
    if settings.bot_token and not force_simulator:
        return await _run_real(settings)
    if not settings.bot_token:
        print("TELEGRAM_BOT_TOKEN is not set: starting the built-in local simulator.")
    return await _run_simulator(settings)


async def _run_real(settings: Settings) -> int:
    services = await open_services(settings)
    assert settings.bot_token is not None
    app = build_application(
        services,
        token=settings.bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
    )
    try:
        await run_until_stopped(app)
    finally:
        await services.db.dispose()
    return 0


async def _run_simulator(
    settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """The bot against the fake Bot API, chatted with in the terminal (or the given streams)."""
    from bot.simulator import FakeBotApi
    from bot.simulator.terminal_session import run_terminal_chat
    from bot.simulator.tour import SECRETARY

    # The simulator is a quiet place to try things: only warnings reach the terminal.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    services = await open_services(settings)
    api = FakeBotApi(token=SIMULATOR_TOKEN, bot_username=SIMULATOR_BOT)
    await api.start()
    intro = await _simulator_intro(services, settings)
    app = build_application(
        services,
        token=SIMULATOR_TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        simulator=True,
    )

    async def chat() -> None:
        await run_terminal_chat(api, stdin=stdin, stdout=stdout, intro=intro, start_as=SECRETARY)

    try:
        await run_until_stopped(app, until=chat)
    finally:
        await api.stop()
        await services.db.dispose()
    return 0


async def _simulator_intro(services: Services, settings: Settings) -> str:
    """What the simulator prints before the first prompt: the cell and the tour's steps."""
    from bot.simulator.tour import SECRETARY, tour_lines

    cells = await services.cells.list_cells()
    if cells:
        cell = cells[0]
        payload = await services.cells.new_secretary_code(cell.id)
        where = _database_label(settings.database_url)
        head = [
            f"Chi bộ «{cell.name}» đã có từ lần chạy trước ({where}).",
            "Các bước dưới đây dành cho lần chạy đầu; để làm lại từ đầu: :thoat, xoá dữ liệu",
            "đó rồi chạy lại.",
        ]
    else:
        cell, payload = await services.cells.create_cell(DEMO_CELL)
        head = [f"Đã tạo «{cell.name}» để thử."]
    return "\n".join(
        [
            *head,
            f"Bạn đang đóng vai {SECRETARY}, người sẽ làm bí thư. Gõ lần lượt từng dòng:",
            *tour_lines(payload),
        ]
    )


def _database_label(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"tệp {parsed.database}"
    return f"cơ sở dữ liệu {parsed.render_as_string(hide_password=True)}"
