"""The backend-specific bits SQLAlchemy does not hide: ``INSERT … ON CONFLICT`` and row locks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """``INSERT`` with ``on_conflict_do_*`` for the session's backend (SQLite or PostgreSQL)."""
    if is_postgres(session):
        return postgresql.insert(table)
    return sqlite.insert(table)


def per_dialect(build: Callable[[Any], Any]) -> dict[str, Any]:
    """A statement built once per backend from that backend's ``insert``, keyed by dialect
    name: hot paths pick theirs instead of building it again on every call."""
    return {"sqlite": build(sqlite.insert), "postgresql": build(postgresql.insert)}
