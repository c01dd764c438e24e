"""Domain errors. Handlers turn each into a polite Vietnamese answer (see bot/texts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.views import CellInfo


class DomainError(Exception):
    """Base class; ``code`` selects the user-facing text."""

    code = "error"


class NotAMember(DomainError):
    """The user is not an active member of any (or of this) cell."""

    code = "not_member"


class NotAllowed(DomainError):
    """The user is a member but the action needs the committee (or the secretary)."""

    code = "not_allowed"


class StaleAction(DomainError):
    """A button or code refers to something that no longer exists, or was already decided."""

    code = "stale"


class InvalidInput(DomainError):
    """The user's text could not be used; ``str(exc)`` is a key into the texts."""

    code = "invalid_input"


class ChooseCell(DomainError):
    """A person in several cells, in a private chat, has not chosen which one they act on:
    they are asked to choose (bot/access.py); ``cells`` are their cells."""

    code = "choose_cell"

    def __init__(self, cells: tuple[CellInfo, ...]) -> None:
        super().__init__("choose_cell")
        self.cells = cells
