"""The reservation schedule: global spacing, per-chat spacing, 429 pauses."""

from __future__ import annotations

import random
import statistics

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


def test_a_send_admitted_ahead_is_not_held_back_by_an_answer_that_ages_out_before_it_goes() -> None:
    """The outbox moves its row to "sending" between the admission and the HTTP call; an
    answer that stops counting within that time must not keep the place idle."""
    time = FakeTime()
    limiter = RateLimiter(global_rate=4, now=time)
    assert [limiter.admit(c) for c in (1, 2, 3, 4)] == [0.0] * 4
    for _ in range(4):
        limiter.release()
    time.t += 0.8
    assert limiter.admit(5) == pytest.approx(0.2)  # goes now: the four still count
    assert limiter.admit(5, ahead=0.25) == 0.0  # goes in 0.25 s: the first answer has aged out
    assert limiter.admit(6, ahead=0.1) == pytest.approx(0.1)  # in 0.1 s it would not have


def test_launch_is_the_hard_bound_on_what_telegram_sees_in_a_second() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=1, now=time)
    assert limiter.admit(1) == 0.0
    limiter.release()
    time.t += 0.7
    assert limiter.admit(2, ahead=0.5) == 0.0
    time.t += 0.1  # the row was ready sooner than foreseen: the answer still counts
    assert limiter.launch() == pytest.approx(0.2)
    assert limiter.launch() == pytest.approx(0.2)  # asking again takes nothing
    time.t += 0.2
    assert limiter.launch() == 0.0
    assert limiter.admit(3, ahead=0.5) > 0  # one in flight fills the window
    limiter.release()
    assert limiter.admit(3, ahead=0.5) > 0  # its answer counts for a second from now


def test_reserved_sends_count_at_admission_until_launched_or_withdrawn() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=3, now=time)
    assert [limiter.admit(c, ahead=0.2) for c in (1, 2, 3)] == [0.0] * 3
    assert limiter.admit(4, ahead=0.2) > 0
    limiter.withdraw()  # one row was cancelled meanwhile: nothing reached Telegram
    assert limiter.admit(4, ahead=0.2) == 0.0
    assert [limiter.launch() for _ in range(3)] == [0.0] * 3
    assert limiter.admit(5) > 0  # three in flight


def test_a_reservation_whose_caller_died_stops_counting() -> None:
    time = FakeTime()
    limiter = RateLimiter(global_rate=2, now=time)
    assert [limiter.admit(c, ahead=0.2) for c in (1, 2)] == [0.0] * 2
    time.t += INFLIGHT_MAX_AGE + 0.1
    assert [limiter.admit(c) for c in (3, 4)] == [0.0] * 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_admitting_ahead_keeps_telegrams_second_and_fills_it(seed: int) -> None:
    """A drain simulated in 5 ms steps: each send waits a random 0.05-0.4 s for its row
    between admission and launch, and Telegram answers in 2-40 ms. In no second can more than
    the window's requests reach Telegram (a request reaches it between its launch and its
    answer), and the places are used: with the median preparation foreseen, the drain runs
    close to window / (1 + answer time), not window / (1 + preparation)."""
    rng = random.Random(seed)
    time = FakeTime()
    rate, window = 27.5, 27
    limiter = RateLimiter(global_rate=rate, now=time)
    leads: list[float] = []
    preparing: list[float] = []  # when each reserved send's row is ready
    flying: list[float] = []  # when each launched request is answered
    spans: list[tuple[float, float]] = []  # (launch, answer) of every request
    chat = 0
    start = time.t
    while time.t < start + 20.0:
        ahead = statistics.median(leads[-64:]) if leads else 0.0
        while True:
            chat += 1
            if limiter.admit(chat, ahead=ahead) > 0:
                break
            lead = rng.uniform(0.05, 0.4)
            leads.append(lead)
            preparing.append(time.t + lead)
        for ready in sorted(t for t in preparing if t <= time.t):
            if limiter.launch() > 0:
                continue  # waits, its row already "sending"
            preparing.remove(ready)
            answer = time.t + rng.uniform(0.002, 0.04)
            flying.append(answer)
            spans.append((time.t, answer))
        for answer in [t for t in flying if t <= time.t]:
            flying.remove(answer)
            limiter.release()
        time.t = round(time.t + 0.005, 6)
    for launch, _ in spans:
        at_telegram = sum(1 for s, a in spans if s <= launch < a + 1.0)
        assert at_telegram <= window
    sent = sum(1 for s, _ in spans if s >= start + 2.0)  # after the first two seconds
    assert sent / 18.0 >= 0.93 * window
