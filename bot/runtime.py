"""Start-up shared by every command: settings, logging, the database and its schema."""

from __future__ import annotations

import logging
from typing import Any

from bot.clock import Clock
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade_database

REDACTED = "[redacted]"
_secrets: set[str] = set()


def configure_logging(settings: Settings) -> None:
    redact_in_logs(settings.secrets())
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


def redact_in_logs(secrets: list[str]) -> None:
    """From now on, no log record of any logger shows these strings, at any level.

    Records are cleaned where they are made (the record factory), before any handler or
    filter sees them: PTB logs the Bot API address, which holds the token, at DEBUG, and an
    exception's text may quote it too.
    """
    if not _secrets:
        _install_record_factory()
    _secrets.update(secret for secret in secrets if len(secret) >= 6)


def _redact(text: str) -> str:
    # Longest first: the whole token goes before the secret half inside it.
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _clean(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it when the record is emitted
        return
    cleaned = _redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        cleaned = _redact(text)
        if cleaned != text:  # no handler may format the raw exception again
            record.exc_text, record.exc_info = cleaned, None
    if record.stack_info:
        record.stack_info = _redact(record.stack_info)


def _install_record_factory() -> None:
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _clean(record)
        return record

    logging.setLogRecordFactory(redacting_record)


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Connect to the database, apply migrations, build the services."""
    db = Database(settings.database_url)
    await upgrade_database(db.engine)
    return Services.build(settings, db, clock)
