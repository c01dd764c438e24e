"""The reservation schedule: global spacing, per-chat spacing, 429 pauses."""

from __future__ import annotations

import pytest

from bot.delivery.ratelimit import GROUP_INTERVAL, INFLIGHT_MAX_AGE, PRIVATE_INTERVAL, RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _starts(limiter: RateLimiter, time: FakeTime, chats: list[int]) -> list[float]:
    return [time.t + limiter.reserve(chat) for chat in chats]


def test_global_rate_is_never_exceeded_in_any_second() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=28, now=time)
    starts = _starts(limiter, time, list(range(1, 1001)))
    assert starts == sorted(starts)
    for i in range(len(starts) - 28):
        assert starts[i + 28] - starts[i] >= 1.0 - 1e-9
    # …and the schedule is dense: 1,000 messages take 1000/28 s, not more.
    assert starts[-1] - starts[0] == pytest.approx(999 / 28)


def test_private_chat_gets_one_message_per_second_without_delaying_others() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=28, now=time)
    first = limiter.reserve(7)
    second = limiter.reserve(7)
    other = limiter.reserve(8)
    assert first == 0.0
    assert second == pytest.approx(PRIVATE_INTERVAL)
    # The other chat takes the next free global slot, not a slot after chat 7's second one.
    assert other == pytest.approx(1 / 28)


def test_group_gets_twenty_per_minute() -> None:
    time = FakeTime()
    limiter = RateLimiter(now=time)
    delays = [limiter.reserve(-100500) for _ in range(21)]
    assert delays[20] == pytest.approx(20 * GROUP_INTERVAL) and delays[20] > 60


def test_cost_books_consecutive_slots_for_one_chat() -> None:
    time = FakeTime()
    limiter = RateLimiter(now=time)
    assert limiter.reserve(5, cost=3) == 0.0
    assert limiter.peek(5) == pytest.approx(3 * PRIVATE_INTERVAL)


def test_429_pauses_only_that_chat() -> None:
    time = FakeTime()
    limiter = RateLimiter(now=time)
    assert limiter.report_429(5, 7.0) is False
    assert limiter.peek(5) == pytest.approx(7.0)
    assert limiter.peek(6) == 0.0


def test_429s_from_several_chats_at_once_pause_everything() -> None:
    time = FakeTime()
    limiter = RateLimiter(now=time)
    assert limiter.report_429(1, 4.0) is False
    assert limiter.report_429(2, 4.0) is False
    assert limiter.report_429(3, 4.0) is True
    assert limiter.peek(99) == pytest.approx(4.0)
    time.t += 5
    assert limiter.peek(99) == 0.0


def test_old_bookings_are_forgotten() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=10, now=time)
    for chat in range(100):
        limiter.reserve(chat)
    time.t += 60
    assert limiter.reserve(1000) == 0.0
    assert len(limiter._booked) <= 2


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(global_rate=0)


def test_admit_holds_back_a_burst_after_a_stall() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=4, now=time)
    assert [limiter.admit(c) for c in (1, 2, 3, 4)] == [0.0] * 4
    for _ in range(4):
        limiter.release()
    time.t += 0.5
    assert limiter.admit(5) == pytest.approx(0.5)  # four already started in this second
    time.t += 0.5
    assert limiter.admit(5) == 0.0


def test_requests_count_until_answered() -> None:
    """Arrivals at Telegram bunch up after a stall: a request counts until its answer."""
    time = FakeTime()
    limiter = RateLimiter(global_rate=4, now=time)
    assert [limiter.admit(c) for c in (1, 2, 3, 4)] == [0.0] * 4
    time.t += 1.5  # no answers yet (the process stalled): they may all still be arriving
    assert limiter.admit(5) > 0
    limiter.release()  # one answered now: it still counts for a second
    assert limiter.admit(5) > 0
    time.t += 1.0
    assert limiter.admit(5) == 0.0  # three still in flight + the new one = 4


def test_a_slow_answer_past_the_age_limit_frees_no_one_elses_place() -> None:
    """A request unanswered for INFLIGHT_MAX_AGE stops counting; when its answer comes at
    last, it must not take the place of a request still in flight (that undercount let
    arrivals bunch past Telegram's 30/s after a stall)."""
    time = FakeTime()
    limiter = RateLimiter(global_rate=4, now=time)
    assert limiter.admit(1) == 0.0  # a slow one
    time.t += INFLIGHT_MAX_AGE + 0.5
    assert [limiter.admit(c) for c in (2, 3, 4)] == [0.0] * 3  # the slow one stopped counting
    limiter.release()  # the slow one's answer, at last: 2, 3 and 4 are still in flight
    time.t += 1.01  # ... and its answer has aged out too
    assert limiter.admit(5) == 0.0  # three in flight + this one = 4
    assert limiter.admit(6) > 0  # no fifth
    for _ in range(4):
        limiter.release()
    time.t += 1.01
    assert [limiter.admit(c) for c in (7, 8, 9, 10)] == [0.0] * 4


def test_admit_spaces_one_chat() -> None:
    time = FakeTime()
    limiter = RateLimiter(now=time)
    assert limiter.admit(7) == 0.0
    time.t += 0.4
    assert limiter.admit(7) == pytest.approx(PRIVATE_INTERVAL - 0.4)
    assert limiter.admit(8) == 0.0
