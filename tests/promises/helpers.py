"""Helpers of the promise tests, most borrowed from the tests that already had them:
``stored_anywhere(services, (text, telegram_id))`` scans every table (the erasure test's
scanner), ``settle`` lets the outbox worker send what is due (the reminders e2e tests' way),
``texts_of`` reads what a chat shows."""

from __future__ import annotations

from tests.e2e.conftest import Harness
from tests.e2e.test_reminders_e2e import _settle as settle
from tests.unit.test_privacy_erasure import _occurrences as stored_anywhere

__all__ = ["NO_TELEGRAM_ID", "settle", "stored_anywhere", "texts_of"]

NO_TELEGRAM_ID = -(2**62)  # a Telegram id no row holds: to look for a text only


def texts_of(harness: Harness, chat_id: int) -> list[str]:
    """Every text and caption the bot shows in a chat, edits applied."""
    return [str(m.get("text") or m.get("caption") or "") for m in harness.api.messages(chat_id)]
