"""``chibo run``: the real bot (long polling, or a webhook), or the built-in local simulator."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.app import TelegramUnavailable, Webhook, build_application, run_until_stopped
from bot.ops.server import OpsAddress
from bot.runtime import configure_logging, open_services
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

SIMULATOR_TOKEN = "123456:SIMULATOR-TOKEN"
SIMULATOR_BOT = "ChiBoBot"
DEMO_CELL = "Chi bộ mô phỏng"


class RunError(Exception):
    """``chibo run`` can't start as asked; the message says why in one line."""


def webhook_of(settings: Settings, *, forced: bool = False) -> Webhook | None:
    """Webhook mode when ``--webhook`` is given or WEBHOOK_URL is set; polling otherwise."""
    if not forced and settings.webhook_url is None:
        return None
    if settings.webhook_url is None:
        raise RunError("--webhook needs WEBHOOK_URL: the public https address of the webhook")
    if settings.webhook_secret is None:
        raise RunError("Webhook mode needs WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -)")
    return Webhook(
        url=settings.webhook_url,
        secret=settings.webhook_secret.get_secret_value(),
        listen=settings.webhook_listen,
        port=settings.webhook_port,
    )


@contextlib.contextmanager
def sole_instance(database_url: str) -> Iterator[None]:
    """Hold an exclusive lock on ``<database file>.lock`` while the bot runs: SQLite serves one
    instance (several need PostgreSQL). The kernel drops the lock when the process dies."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        yield
        return
    path = Path(str(parsed.database)).with_name(Path(str(parsed.database)).name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(
                f"Another chibo run already uses {parsed.database}: SQLite serves one instance;"
                " several need PostgreSQL"
            ) from None
        yield


async def run(
    settings: Settings, *, force_simulator: bool = False, force_webhook: bool = False
) -> int:
    configure_logging(settings)
    with sole_instance(settings.database_url):
        if settings.bot_token and not force_simulator:
            return await _run_real(settings, webhook_of(settings, forced=force_webhook))
        if not settings.bot_token:
            print("TELEGRAM_BOT_TOKEN is not set: starting the built-in local simulator.")
        return await _run_simulator(settings)


async def _run_real(settings: Settings, webhook: Webhook | None) -> int:
    services = await open_services(settings)
    assert settings.bot_token is not None
    app = build_application(
        services,
        token=settings.bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
    )
    try:
        await run_until_stopped(app, webhook=webhook, ops=OpsAddress.of(settings))
    except TelegramUnavailable as exc:
        raise RunError(str(exc)) from exc
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
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"tệp {parsed.database}"
    return f"cơ sở dữ liệu {parsed.render_as_string(hide_password=True)}"
