"""Start-up shared by every command: settings, logging, the database and its schema."""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade_database


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Connect to the database, apply migrations, build the services."""
    db = Database(settings.database_url)
    await upgrade_database(db.engine)
    return Services.build(settings, db, clock)
