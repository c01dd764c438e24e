"""The typed bot data handlers get through ``ChiboContext`` (handlers/context.py)."""

from __future__ import annotations

import pytest

from bot.app import build_application
from bot.services import Services
from handlers.context import BotData, ChiboContext


def test_application_carries_typed_bot_data(services: Services) -> None:
    app = build_application(
        services,
        token="1:TEST",
        base_url="http://127.0.0.1:9/bot",
        base_file_url="http://x/",
        simulator=True,
    )
    assert app.context_types.context is ChiboContext
    assert isinstance(app.bot_data, BotData)
    assert app.bot_data.services is services
    assert app.bot_data.simulator is True
    assert app.bot_data.outbox is None and app.bot_data.outbox_worker is None
    context = ChiboContext(app)
    assert context.services is services


def test_empty_bot_data_says_how_to_fill_it() -> None:
    with pytest.raises(RuntimeError, match=r"bot\.app"):
        _ = BotData().services
