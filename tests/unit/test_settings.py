from __future__ import annotations

import pytest

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TIMEZONE", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no .env here


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"


def test_env_and_normalised_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOP")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/chibo")
    settings = load_settings()
    assert settings.bot_token == "123456:ABCDEFGHIJKLMNOP"
    assert settings.database_url == "postgresql+asyncpg://postgres@db/chibo"


def test_blank_token_means_simulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    assert load_settings().telegram_bot_token is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://x"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"Invalid setting {name}:")
    assert "\n" not in message


def test_dotenv_file(tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text("TIMEZONE=Asia/Bangkok\n", encoding="utf-8")
    assert load_settings().timezone == "Asia/Bangkok"
