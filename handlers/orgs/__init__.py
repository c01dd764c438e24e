"""The higher committee's side in Telegram: the role link, /tonghop and its buttons, and the
job that plans the monthly digests."""

from __future__ import annotations

from handlers.context import ChiboApp
from handlers.orgs import overview


def register(app: ChiboApp) -> None:
    overview.register(app)
