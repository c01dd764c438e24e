"""The Prometheus metrics of one process, served at /metrics (bot/ops/server.py).

Counters and the latency histogram live in ``REGISTRY`` and are bumped where things happen
(``count_send_result`` by the outbox worker, ``UPDATE_SECONDS.time()`` around each update,
``count_db_errors`` on the engine). The outbox backlog is not counted in memory: it is read from
the database at scrape time (``render``), so every instance reports the same, true numbers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.delivery.outgoing import SendResult, SendStatus
from storage.db import Database
from storage.repositories.operations import KindBacklog, outbox_backlog

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# one instance alone; the elected sender; the others; one of several sharing a send budget
ROLES = ("single", "sender", "follower", "peer")
FAILURE_REASONS = tuple(
    s.value for s in SendStatus if s not in (SendStatus.SENT, SendStatus.RETRY_AFTER)
)

MESSAGES_SENT = Counter(
    "chibo_messages_sent", "Messages Telegram accepted (sent or edited).", registry=REGISTRY
)
MESSAGES_FAILED = Counter(
    "chibo_messages_failed",
    "Send attempts that did not deliver, by reason (a SendStatus value).",
    ["reason"],
    registry=REGISTRY,
)
MESSAGES_RATE_LIMITED = Counter(
    "chibo_messages_rate_limited", "Send attempts Telegram answered with 429.", registry=REGISTRY
)
UPDATE_SECONDS = Histogram(
    "chibo_update_handling_seconds",
    "Time from receiving a Telegram update to having handled it.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
DB_ERRORS = Counter(
    "chibo_db_errors",
    "Database errors, by SQLAlchemy exception class.",
    ["error"],
    registry=REGISTRY,
)
INSTANCE_ROLE = Gauge(
    "chibo_instance_role",
    "1 for this instance's role, 0 for the others.",
    ["role"],
    registry=REGISTRY,
)
for _reason in FAILURE_REASONS:
    MESSAGES_FAILED.labels(reason=_reason)


def set_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    for name in ROLES:
        INSTANCE_ROLE.labels(role=name).set(1 if name == role else 0)


set_role("single")


def count_send_result(result: SendResult) -> None:
    """One answer from Telegram (or its absence) to a send or an edit."""
    if result.status is SendStatus.SENT:
        MESSAGES_SENT.inc()
    elif result.status is SendStatus.RETRY_AFTER:
        MESSAGES_RATE_LIMITED.inc()
    else:
        MESSAGES_FAILED.labels(reason=result.status.value).inc()


def count_db_errors(engine: AsyncEngine) -> None:
    """Count every error the engine raises from now on (idempotent per engine)."""
    if event.contains(engine.sync_engine, "handle_error", _on_db_error):
        return
    event.listen(engine.sync_engine, "handle_error", _on_db_error)


def _on_db_error(context: Any) -> None:
    error = context.sqlalchemy_exception or context.original_exception
    DB_ERRORS.labels(error=type(error).__name__).inc()


class _OutboxCollector(Collector):
    """One scrape's outbox numbers; every known kind appears, at 0 when nothing waits."""

    def __init__(self, backlog: Sequence[KindBacklog], kinds: Iterable[str], now: datetime):
        self.backlog = {b.kind: b for b in backlog}
        self.kinds = sorted(set(kinds) | self.backlog.keys())
        self.now = now

    def collect(self) -> Iterator[Metric]:
        due = GaugeMetricFamily(
            "chibo_outbox_backlog", "Pending outbox rows whose time has come.", labels=["kind"]
        )
        age = GaugeMetricFamily(
            "chibo_outbox_oldest_due_age_seconds",
            "How long the oldest due pending row has waited (0 when none).",
            labels=["kind"],
        )
        sending = GaugeMetricFamily(
            "chibo_outbox_sending",
            "Outbox rows handed to Telegram, no answer yet.",
            labels=["kind"],
        )
        for kind in self.kinds:
            row = self.backlog.get(kind, KindBacklog(kind, 0, None, 0))
            waited = (self.now - row.oldest_due_at).total_seconds() if row.oldest_due_at else 0
            due.add_metric([kind], row.due)
            age.add_metric([kind], max(0.0, waited))
            sending.add_metric([kind], row.sending)
        yield from (due, age, sending)


async def render(db: Database, clock: Clock, kinds: Iterable[str], db_timeout: float) -> bytes:
    """The Prometheus text exposition: this process's metrics and the outbox as it is now."""
    body = generate_latest(REGISTRY)
    now = clock.now()
    try:
        async with asyncio.timeout(db_timeout), db.session() as session:
            backlog = await outbox_backlog(session, now)
    except Exception:  # counted by count_db_errors; the process metrics still go out
        log.warning("metrics: the outbox backlog could not be read", exc_info=True)
        return body
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_OutboxCollector(backlog, kinds, now))
    return body + generate_latest(scrape)
