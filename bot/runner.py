"""``chibo run``: the real bot by long polling, or the built-in local simulator."""

from __future__ import annotations

import logging

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
    if settings.telegram_bot_token and not force_simulator:
        return await _run_real(settings)
    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set: starting the built-in local simulator.")
    return await _run_simulator(settings)


async def _run_real(settings: Settings) -> int:
    services = await open_services(settings)
    assert settings.telegram_bot_token is not None
    app = build_application(
        services,
        token=settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
    )
    try:
        await run_until_stopped(app)
    finally:
        await services.db.dispose()
    return 0


async def _run_simulator(settings: Settings) -> int:
    from bot.simulator import FakeBotApi
    from bot.simulator.terminal import run_terminal_chat

    # The simulator is a quiet place to try things: only warnings reach the terminal.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    services = await open_services(settings)
    api = FakeBotApi(token=SIMULATOR_TOKEN, bot_username=SIMULATOR_BOT)
    await api.start()
    intro = await _simulator_intro(services)
    app = build_application(
        services,
        token=SIMULATOR_TOKEN,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        simulator=True,
    )

    async def chat() -> None:
        await run_terminal_chat(api, intro=intro)

    try:
        await run_until_stopped(app, until=chat)
    finally:
        await api.stop()
        await services.db.dispose()
    return 0


async def _simulator_intro(services: Services) -> str:
    cells = await services.cells.list_cells()
    if cells:
        cell = cells[0]
        payload = await services.cells.new_secretary_code(cell.id)
        action = f"Chi bộ đã có: {cell.name}."
    else:
        cell, payload = await services.cells.create_cell(DEMO_CELL)
        action = f"Đã tạo {cell.name} để thử."
    return (
        f"{action}\nĐể trở thành bí thư của chi bộ này, gõ:  /start {payload}\n"
        "Sau đó gõ /moi để lấy lời mời, rồi  :nguoi Tên  để đóng vai đảng viên khác."
    )
