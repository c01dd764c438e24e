"""Domain errors. Handlers turn each into a polite Vietnamese answer (see bot/texts)."""

from __future__ import annotations


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
