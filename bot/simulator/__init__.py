"""Local Telegram stand-in: a fake Bot API server and a terminal chat."""

from bot.simulator.entities import ApiEvent, FakeApiStats, FakeGroup, FakeUser, FloodLimits
from bot.simulator.fake_api import FakeBotApi
from bot.simulator.protocol import ApiError
from bot.simulator.terminal_session import run_terminal_chat

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
