"""Application settings, read from the environment and `.env` (pydantic-settings).

Every setting is documented in README.md and `.env.example`. A bad value stops start-up with one
line that names the setting (see `load_settings`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.delivery.ratelimit import DEFAULT_GLOBAL_RATE
from storage.db import DEFAULT_DATABASE_URL, database_url

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_API_FILE_URL = "https://api.telegram.org/file/bot"
# What Telegram accepts as setWebhook's secret_token.
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# The operator's /healthz and /metrics (bot/ops/server.py): loopback only unless told otherwise.
OPS_DEFAULT_HOST = "127.0.0.1"
OPS_DEFAULT_PORT = 9180


class SettingsError(Exception):
    """A setting has a bad value; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Bot token from BotFather; empty starts the local simulator."
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    database_connect_timeout: float = Field(
        default=60,
        ge=0,
        le=3600,
        description="Seconds to keep trying to reach the database at start before giving up.",
    )
    timezone: str = Field(default="Asia/Ho_Chi_Minh")
    telegram_api_base_url: str = Field(default=TELEGRAM_API_BASE_URL)
    telegram_api_file_url: str = Field(default=TELEGRAM_API_FILE_URL)
    log_level: str = Field(default="INFO")
    send_rate_per_second: float = Field(
        default=DEFAULT_GLOBAL_RATE,
        gt=0,
        le=30,
        description="Messages per second the bot sends at most (Telegram allows about 30).",
    )
    kb_local_dir: Path | None = Field(
        default=None, description="Folder with the cell's own knowledge-base entries."
    )
    webhook_url: str | None = Field(
        default=None,
        description="Public https address Telegram posts updates to; set: webhook mode.",
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook binds.")
    webhook_port: int = Field(default=8080, ge=1, le=65535, description="Port it listens on.")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Telegram sends with every update; required in webhook mode.",
    )
    ops_host: str = Field(
        default=OPS_DEFAULT_HOST, description="Address /healthz and /metrics listen on."
    )
    ops_port: int = Field(
        default=OPS_DEFAULT_PORT, ge=0, le=65535, description="Their port; 0 turns them off."
    )

    @field_validator(
        "telegram_bot_token", "kb_local_dir", "webhook_url", "webhook_secret", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()
        bot_id, sep, secret = token.partition(":")
        if not (sep and bot_id.isdigit() and len(secret) >= 10):
            raise ValueError("must look like 123456789:ABC... (the token BotFather gives)")
        return SecretStr(token)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return database_url(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Ho_Chi_Minh)") from exc
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// address")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be the public https:// address of the bot's webhook")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters: letters A-Z a-z, digits, _ and -")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        name = value.strip().upper()
        if name not in logging.getLevelNamesMapping():
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_token(self) -> str | None:
        """The token itself, for the Bot API client only (never log it)."""
        token = self.telegram_bot_token
        return token.get_secret_value() if token is not None else None

    def secrets(self) -> list[str]:
        """What no log may show: the token, its secret half, the database password."""
        found: list[str] = []
        if self.bot_token:
            found += [self.bot_token, self.bot_token.partition(":")[2]]
        password = make_url(self.database_url).password
        if password:
            found.append(str(password))
        if self.webhook_secret is not None:
            found.append(self.webhook_secret.get_secret_value())
        return found


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning a validation error into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "?"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {name}: {message}") from None
