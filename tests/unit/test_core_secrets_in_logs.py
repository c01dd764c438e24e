"""Secrets never reach a log, at any level: not the bot token (PTB and httpx log the Bot API
address, which contains it), not the database password."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot
from telegram.error import TelegramError

from bot.runtime import configure_logging
from bot.settings import Settings
from bot.simulator import FakeBotApi

TOKEN = "987654:SECRET-TOKEN-abcdefghij"
SECRET_PART = "SECRET-TOKEN-abcdefghij"
DB_PASSWORD = "pa55-w0rd-xyz"


def _settings() -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        log_level="DEBUG",
        database_url=f"postgresql://chibo:{DB_PASSWORD}@db.example:5432/chibo",
    )


def test_the_token_is_a_secret_in_the_settings() -> None:
    settings = _settings()
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())
    assert DB_PASSWORD not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN


async def test_no_log_record_carries_the_token_or_the_database_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure_logging(_settings())
    api = FakeBotApi(token=TOKEN, bot_username="ChiBoBot")
    await api.start()
    try:
        with caplog.at_level(logging.DEBUG):
            bot = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)
            async with bot:
                await bot.get_me()
                with pytest.raises(TelegramError):
                    await bot.send_message(chat_id=424242, text="nobody there")
            logging.getLogger("some.library").debug("connecting to %s", api.base_url + TOKEN)
            try:
                raise RuntimeError(f"failed: {api.base_url}{TOKEN}/getMe")
            except RuntimeError:
                logging.getLogger("other").exception("request to %s failed", TOKEN)
            logging.getLogger("db").info("url postgresql://chibo:%s@db.example", DB_PASSWORD)
    finally:
        await api.stop()
    assert any("getMe" in record.getMessage() for record in caplog.records)  # PTB did log
    formatter = logging.Formatter("%(message)s")
    for record in caplog.records:
        shown = formatter.format(record)
        for secret in (SECRET_PART, DB_PASSWORD):
            assert secret not in shown, f"{record.name}: {shown[:200]}"
    assert SECRET_PART not in caplog.text and DB_PASSWORD not in caplog.text
