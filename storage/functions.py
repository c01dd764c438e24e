"""SQL functions the two backends spell differently.

``local_date(moment, zone)``: the calendar day a stored UTC moment falls on in an IANA time
zone (a cell's ``timezone`` column), daylight-saving rules included. PostgreSQL has the zone
database built in (``timezone(zone, moment)``); SQLite has none, so every SQLite connection
gets ``chibo_local_date``, a deterministic function computed with Python's ``zoneinfo``
(storage/db.py registers it). Both give the day as ``date.isoformat`` would, so it compares
with ``Date`` columns on either backend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SQLITE_LOCAL_DATE = "chibo_local_date"


class local_date(FunctionElement[date]):
    """The local day of a UTC ``moment`` in the time zone named by ``zone``."""

    name = "local_date"
    type = Date()
    inherit_cache = True


def _arguments(element: local_date, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    moment, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return moment, zone


@compiles(local_date, "postgresql")
def _postgresql(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone = _arguments(element, compiler, **kw)
    return f"CAST(timezone({zone}, {moment}) AS DATE)"


@compiles(local_date, "sqlite")
def _sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone = _arguments(element, compiler, **kw)
    return f"{SQLITE_LOCAL_DATE}({moment}, {zone})"


def sqlite_local_date(moment: str | None, zone: str | None) -> str | None:
    """``chibo_local_date`` for SQLite: ``moment`` as SQLite stores it (naive UTC, ISO text)."""
    if moment is None or zone is None:
        return None
    when = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return when.astimezone(ZoneInfo(zone)).date().isoformat()
