"""Local Telegram stand-in: a fake Bot API server and a terminal chat."""

from bot.simulator.fake_api import (
    ApiError,
    ApiEvent,
    FakeApiStats,
    FakeBotApi,
    FakeGroup,
    FakeUser,
    FloodLimits,
)
from bot.simulator.terminal import run_terminal_chat

__all__ = [
    "ApiError",
    "ApiEvent",
    "FakeApiStats",
    "FakeBotApi",
    "FakeGroup",
    "FakeUser",
    "FloodLimits",
    "run_terminal_chat",
]
