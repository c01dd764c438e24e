"""Start-up shared by every command: settings, logging, the database and its schema."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade_database

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
FIRST_RETRY = 0.5  # seconds; doubled after each failed attempt
LONGEST_RETRY = 10.0
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


@dataclass(frozen=True)
class _Server:
    name: str
    retry: bool  # a server may still be starting; a file is there or not


def _server(url: str) -> _Server:
    """How to name the database in a message: host, port and database, never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":  # a file: nothing to wait for
        return _Server(f"file {parsed.database}", retry=False)
    return _Server(f"{parsed.host}:{parsed.port or 5432}/{parsed.database}", retry=True)


class DatabaseUnavailable(Exception):
    """The database could not be reached within DATABASE_CONNECT_TIMEOUT; the message says so."""


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Connect to the database, apply migrations, build the services."""
    db = await connect_database(settings)
    await upgrade_database(db.engine)
    return Services.build(settings, db, clock)


async def connect_database(settings: Settings) -> Database:
    """The database, once it answers: PostgreSQL may still be starting (compose, a reboot).

    Each failed attempt is one log line naming the server (never the password); after
    ``database_connect_timeout`` seconds ``DatabaseUnavailable`` ends the start.
    """
    where = _server(settings.database_url)
    try:
        db = Database(settings.database_url)  # SQLite: makes the folder and the file
    except OSError as exc:
        raise DatabaseUnavailable(_giving_up(where, exc, 0)) from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.database_connect_timeout
    delay = FIRST_RETRY
    while True:
        try:
            async with asyncio.timeout(max(1.0, deadline - loop.time())):
                async with db.engine.connect():
                    return db
        except (OSError, TimeoutError, SQLAlchemyError) as exc:
            failure: BaseException = exc
        left = deadline - loop.time()
        if left <= 0 or not (where.retry and _may_pass(failure)):
            await db.dispose()
            raise DatabaseUnavailable(_giving_up(where, failure, settings.database_connect_timeout))
        pause = min(delay, left)
        log.warning(
            "cannot reach the database at %s (%s); trying again in %.1f s",
            where.name,
            _reason(failure),
            pause,
        )
        await asyncio.sleep(pause)
        delay = min(delay * 2, LONGEST_RETRY)


def _may_pass(failure: BaseException) -> bool:
    """No answer, or "starting up": worth waiting. Any other answer of the server is final."""
    import asyncpg

    said = _driver_error(failure)
    if isinstance(said, asyncpg.CannotConnectNowError):
        return True
    return not isinstance(said, asyncpg.PostgresError)


def _driver_error(failure: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrappers."""
    error = getattr(failure, "orig", None) or failure
    return error.__cause__ or error


def _giving_up(where: _Server, failure: BaseException, waited: float) -> str:
    if where.retry and _may_pass(failure):
        return (
            f"The database at {where.name} is not reachable ({_reason(failure)}); gave up after "
            f"{waited:g} s (DATABASE_CONNECT_TIMEOUT). Check DATABASE_URL and that the "
            "database server is running."
        )
    return (
        f"The database at {where.name} cannot be opened ({_reason(failure)}). Check DATABASE_URL."
    )


def _reason(failure: BaseException) -> str:
    """The driver's own words (SQLAlchemy's wrapper adds the SQL and a help link)."""
    error = _driver_error(failure)
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}"[:200] if lines else type(error).__name__
