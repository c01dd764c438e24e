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

__all__ = [
    "ApiError",
    "ApiEvent",
    "FakeApiStats",
    "FakeBotApi",
    "FakeGroup",
    "FakeUser",
    "FloodLimits",
]
