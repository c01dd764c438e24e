"""Helpers of the promise tests, most borrowed from the tests that already had them:
``stored_anywhere(services, (text, telegram_id))`` scans every table (the erasure test's
scanner), ``settle`` lets the outbox worker send what is due (the reminders e2e tests' way),
``texts_of`` reads what a chat shows."""

from __future__ import annotations

from bot.delivery.shared_budget import PRUNE_AFTER, PRUNE_EVERY
from bot.services import Services
from storage.repositories.send_budget import SendBudgetRepository
from tests.e2e.conftest import Harness
from tests.e2e.test_reminders_e2e import _settle as settle
from tests.unit.test_privacy_erasure import _occurrences as stored_anywhere

__all__ = ["NO_TELEGRAM_ID", "settle", "stored_anywhere", "stored_later", "texts_of"]

NO_TELEGRAM_ID = -(2**62)  # a Telegram id no row holds: to look for a text only


def texts_of(harness: Harness, chat_id: int) -> list[str]:
    """Every text and caption the bot shows in a chat, edits applied."""
    return [str(m.get("text") or m.get("caption") or "") for m in harness.api.messages(chat_id)]


async def stored_later(services: Services, needles: tuple[str, int]) -> list[str]:
    """``stored_anywhere`` once the sending schedule (PostgreSQL) has forgotten the chats it
    last wrote to, as it does by itself within PRUNE_AFTER + PRUNE_EVERY seconds (about three
    minutes): a message sent after an erasure (telling the member) books the chat's slot."""
    engine = services.db.engine
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            auto = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await SendBudgetRepository(auto).prune_chats(-(PRUNE_AFTER + PRUNE_EVERY))
    return await stored_anywhere(services, needles)
