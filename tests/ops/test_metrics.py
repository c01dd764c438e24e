"""/metrics: what an operator graphs and alerts on, with the outbox numbers read at scrape time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.delivery.outgoing import SendResult, SendStatus
from bot.ops import metrics
from bot.ops.server import OpsServer, start_ops_server
from bot.services import Services
from bot.settings import Settings
from storage.db import Database
from storage.models import OutboxStatus
from storage.repositories.operations import outbox_backlog
from storage.repositories.outbox import OutboxRepository
from tests.builders import build_cell
from tests.ops.conftest import RunningWorker, closed_port, scrape, services_on, value

pytestmark = pytest.mark.timeout(30)


async def _hand_built_outbox(db: Database, clock: ManualClock) -> None:
    """Due reminders (two, the oldest 10 minutes late), a due nudge, one reminder in flight,
    and rows that are no backlog: due tomorrow, sent, failed, uncertain, cancelled."""
    cell = await build_cell(db, members=3, group_chat_id=None)
    now = clock.now()
    tids = cell.member_tids

    def row(key: str, kind: str, due_in: timedelta, **extra: Any) -> dict[str, Any]:
        return {
            "cell_id": cell.cell_id,
            "kind": kind,
            "dedupe_key": key,
            "chat_id": tids[len(key) % len(tids)],
            "due_at": now + due_in,
            **extra,
        }

    rows = [
        row("r1", "reminder", -timedelta(minutes=10)),
        row("r2", "reminder", -timedelta(minutes=1)),
        row("n1", "nudge", timedelta(0)),
        row("r3", "reminder", -timedelta(minutes=30), status=OutboxStatus.SENDING),
        row("r4", "reminder", timedelta(days=1)),
        row("a1", "agenda", -timedelta(hours=1), status=OutboxStatus.SENT),
        row("a2", "agenda", -timedelta(hours=1), status=OutboxStatus.FAILED),
        row("a3", "agenda", -timedelta(hours=1), status=OutboxStatus.UNCERTAIN),
        row("a4", "agenda", -timedelta(hours=1), status=OutboxStatus.CANCELLED),
    ]
    async with db.session() as session:
        assert await OutboxRepository(session).plan(rows) == len(rows)


async def test_outbox_backlog_by_kind_counts_due_pending_rows_and_those_in_flight(
    db: Database, clock: ManualClock
) -> None:
    await _hand_built_outbox(db, clock)
    async with db.session() as session:
        backlog = {b.kind: b for b in await outbox_backlog(session, clock.now())}
    assert set(backlog) == {"reminder", "nudge"}
    assert (backlog["reminder"].due, backlog["reminder"].sending) == (2, 1)
    assert backlog["reminder"].oldest_due_at == clock.now() - timedelta(minutes=10)
    assert (backlog["nudge"].due, backlog["nudge"].sending) == (1, 0)
    assert backlog["nudge"].oldest_due_at == clock.now()


async def test_metrics_show_the_outbox_backlog_and_oldest_due_age_by_kind(
    services: Services, clock: ManualClock, ops_server: OpsServer
) -> None:
    await _hand_built_outbox(services.db, clock)
    samples = await scrape(ops_server)
    assert value(samples, "chibo_outbox_backlog", kind="reminder") == 2
    assert value(samples, "chibo_outbox_backlog", kind="nudge") == 1
    assert value(samples, "chibo_outbox_sending", kind="reminder") == 1
    assert value(samples, "chibo_outbox_oldest_due_age_seconds", kind="reminder") == 600
    assert value(samples, "chibo_outbox_oldest_due_age_seconds", kind="nudge") == 0
    # Every kind the bot sends is shown, at 0 when nothing waits, so alerts see a series.
    for kind in services.renderers:
        assert ("chibo_outbox_backlog", (("kind", kind),)) in samples
    assert value(samples, "chibo_outbox_backlog", kind="agenda") == 0

    clock.advance(timedelta(minutes=5))
    later = await scrape(ops_server)
    assert value(later, "chibo_outbox_oldest_due_age_seconds", kind="reminder") == 900


async def test_metrics_name_every_series_an_operator_alerts_on(ops_server: OpsServer) -> None:
    metrics.set_role("sender")
    samples = await scrape(ops_server)
    names = {name for name, _ in samples}
    for expected in (
        "chibo_messages_sent_total",
        "chibo_messages_rate_limited_total",
        "chibo_update_handling_seconds_bucket",
        "chibo_update_handling_seconds_count",
        "chibo_instance_role",
        "process_resident_memory_bytes",
    ):
        assert expected in names, expected
    for reason in metrics.FAILURE_REASONS:
        assert ("chibo_messages_failed_total", (("reason", reason),)) in samples
    assert value(samples, "chibo_instance_role", role="sender") == 1
    assert value(samples, "chibo_instance_role", role="follower") == 0
    assert value(samples, "chibo_instance_role", role="single") == 0
    metrics.set_role("single")
    assert value(await scrape(ops_server), "chibo_instance_role", role="single") == 1


async def test_send_outcomes_are_counted_as_sent_failed_or_rate_limited(
    ops_server: OpsServer,
) -> None:
    before = await scrape(ops_server)
    for status in (SendStatus.SENT, SendStatus.SENT, SendStatus.RETRY_AFTER):
        metrics.count_send_result(SendResult(status))
    metrics.count_send_result(SendResult(SendStatus.UNREACHABLE))
    after = await scrape(ops_server)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("chibo_messages_sent_total") == 2
    assert grew("chibo_messages_rate_limited_total") == 1
    assert grew("chibo_messages_failed_total", reason="unreachable") == 1
    assert grew("chibo_messages_failed_total", reason="failed") == 0


async def test_update_handling_latency_is_a_histogram(ops_server: OpsServer) -> None:
    before = await scrape(ops_server)
    with metrics.UPDATE_SECONDS.time():
        pass
    after = await scrape(ops_server)
    count = "chibo_update_handling_seconds_count"
    assert value(after, count) - value(before, count) == 1
    assert ("chibo_update_handling_seconds_bucket", (("le", "0.05"),)) in after


async def test_database_errors_are_counted(services: Services, ops_server: OpsServer) -> None:
    before = await scrape(ops_server)
    with pytest.raises(Exception):  # noqa: B017 - any driver's error will do
        async with services.db.session() as session:
            await session.execute(text("SELECT * FROM no_such_table"))
    after = await scrape(ops_server)
    errors = {
        labels: seen - before.get((name, labels), 0)
        for (name, labels), seen in after.items()
        if name == "chibo_db_errors_total"
    }
    assert sum(errors.values()) == 1


async def test_metrics_are_served_when_the_database_is_down(
    settings: Settings, clock: ManualClock, running_worker: RunningWorker
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{await closed_port()}/x"
    async with services_on(url, settings, clock) as gone:
        server = await start_ops_server(gone, running_worker.probe(), port=0)
        try:
            samples = await scrape(server)
        finally:
            await server.close()
    assert ("chibo_messages_sent_total", ()) in samples
    assert not any(name.startswith("chibo_outbox_") for name, _ in samples)
    assert any(name == "chibo_db_errors_total" for name, _ in samples)
