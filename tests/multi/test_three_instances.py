"""Three ``chibo run --webhook`` processes on one PostgreSQL behave as one bot (issue #11).

The fake Bot API server enforces Telegram's limits (429 beyond 30 messages/s overall or 1/s in
a private chat) and spreads the updates over the three webhook ports, as a load balancer. A
1,000-member agenda broadcast runs with a tap storm on top (a fifth of the members tapping
"✅ Có mặt" on their copy, a third of them twice, none again for want of an answer); the
instance that used the most CPU is killed with SIGKILL mid-way. The scenario is
bench/multi_instance.py; it prints its figures.
"""

from __future__ import annotations

import os

import pytest

from bench.multi_instance import run
from tests.conftest import DEFAULT_URLS

MEMBERS = 1000


def _postgres_url() -> str | None:
    urls = os.environ.get("TEST_DATABASE_URLS", DEFAULT_URLS).split(",")
    return next((u.strip() for u in urls if u.strip().startswith("postgresql")), None)


@pytest.mark.timeout(240)
async def test_three_instances_send_a_broadcast_once_within_limits_through_a_kill() -> None:
    url = _postgres_url()
    if url is None:
        pytest.skip("several instances need PostgreSQL (TEST_DATABASE_URLS has none)")
    result = await run(
        url, members=MEMBERS, instances=3, kill_after=MEMBERS * 2 // 5, tap_share=0.2
    )
    print("\n" + result.summary())

    assert result.killed_after >= MEMBERS // 3  # the kill came mid-way, not at the end
    assert result.rate_limited == 0  # Telegram's limits held for the three together
    assert result.busiest <= 30
    assert result.duplicates == 0
    # Members without a copy are exactly those whose row was on the wire at the kill: the
    # outbox never resends those ("chưa rõ"); every other member got the agenda once.
    assert result.missing <= result.uncertain <= 10
    assert result.takeover < 15.0  # the killed instance's claims were sent by the others
    # Every tapping member's answer is stored once (one row each, "yes"), double taps and the
    # taps the killed instance had taken included (Telegram posts those again, to another
    # instance); nobody tapped twice for want of an answer.
    assert result.tappers >= 120
    assert result.stored == result.stored_yes == result.tappers
    assert result.unanswered == 0
