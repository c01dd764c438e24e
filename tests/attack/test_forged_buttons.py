"""Forged and replayed button presses through the real Application (seeded, fixed counts).

Every test asserts the referee's rules (no handler raises, every press is answered, Telegram
refuses nothing the bot sent) and, where the presser has no right to change anything, that
no row of any table changed.
"""

from __future__ import annotations

from bot.simulator import FakeGroup, FakeUser
from tests.attack.conftest import SEED, Referee, World, changes, snapshot
from tests.attack.forgery import (
    COMMITTEE_ROUTES,
    ENTITY_ROUTES,
    HUGE,
    ROUTES,
    SOUND_ROUTES,
    junk,
    valid_looking,
)
from tests.attack.presses import Press, press_all

OUTSIDER_PRESSES = 160
MEMBER_PRESSES = 100
CROSS_CELL_PRESSES = 100
ANYONE_PRESSES = 160


def _chat(world: World, user: FakeUser) -> FakeUser | FakeGroup:
    """Their private chat or cell A's group, at random."""
    return user if world.rng.random() < 0.5 else world.group


def _report(name: str, count: int) -> None:
    print(f"attack {name}: {count} presses, seed {SEED}")


async def _assert_nothing_changed(world: World, referee: Referee, presses: list[Press]) -> None:
    before = await snapshot(world.db)
    await press_all(world, referee, presses)
    after = await snapshot(world.db)
    referee.assert_clean(world.harness.api.callback_answers)
    diff = changes(before, after)
    assert not diff, "rows changed:\n" + "\n".join(f"{t}: {d}" for t, d in diff.items())


async def test_outsiders_pressing_forged_buttons_change_nothing(
    world: World, referee: Referee
) -> None:
    """Strangers, pending, rejected and deactivated people, and members of another cell."""
    rng = world.rng
    ids = [*world.ids_of_a(), *world.ids_of_b()]
    pressers = [*world.strangers, world.pending, world.rejected, world.deactivated]
    presses: list[Press] = []
    for _ in range(OUTSIDER_PRESSES):
        user = rng.choice([*pressers, world.outsider])
        # cell B's member is an outsider to A only: they get A's ids
        pool = world.ids_of_a() if user is world.outsider else ids
        data = valid_looking(rng, pool) if rng.random() < 0.8 else junk(rng)
        presses.append((user, _chat(world, user), data))
    _report("outsiders", len(presses))
    await _assert_nothing_changed(world, referee, presses)


async def test_ordinary_members_cannot_use_committee_buttons(
    world: World, referee: Referee
) -> None:
    rng = world.rng
    own = world.member_ids["member"]
    ids = [i for i in (*world.ids_of_a(), *world.ids_of_b()) if i != own]
    presses: list[Press] = [
        (world.member, _chat(world, world.member), valid_looking(rng, ids, COMMITTEE_ROUTES))
        for _ in range(MEMBER_PRESSES)
    ]
    _report("member on committee routes", len(presses))
    await _assert_nothing_changed(world, referee, presses)


async def test_the_committee_cannot_touch_another_cells_rows(
    world: World, referee: Referee
) -> None:
    rng = world.rng
    presses: list[Press] = [
        (
            world.secretary,
            _chat(world, world.secretary),
            valid_looking(rng, world.ids_of_b(), ENTITY_ROUTES),
        )
        for _ in range(CROSS_CELL_PRESSES)
    ]
    _report("secretary with another cell's ids", len(presses))
    await _assert_nothing_changed(world, referee, presses)


async def test_any_press_by_anyone_is_answered_and_never_crashes(
    world: World, referee: Referee
) -> None:
    """Members and the committee too, with their own ids: changes are allowed here, crashes,
    silence and replies over Telegram's limits are not."""
    rng = world.rng
    everyone = [world.secretary, world.member, world.pending, world.outsider, *world.strangers]
    ids = [*world.ids_of_a(), *world.ids_of_b()]
    presses: list[Press] = []
    for _ in range(ANYONE_PRESSES):
        user = rng.choice(everyone)
        data = valid_looking(rng, ids) if rng.random() < 0.8 else junk(rng)
        presses.append((user, _chat(world, user), data))
    _report("anyone", len(presses))
    await press_all(world, referee, presses)
    referee.assert_clean(world.harness.api.callback_answers)


def _huge_presses(world: World) -> list[Press]:
    """Every route with each huge number as its id, and in its args, by the secretary."""
    presses: list[Press] = []
    for route in SOUND_ROUTES:
        for big in HUGE:
            data = f"{route}:{big}"
            presses.append((world.secretary, world.secretary, data))
            for template in ROUTES[route]:
                if template and "{" in template:
                    arg = template.format(id=world.meeting_a, huge=big)
                    presses.append((world.secretary, world.secretary, f"{route}:1:{arg}"))
    return presses


async def test_huge_numbers_in_buttons_are_refused_politely(world: World, referee: Referee) -> None:
    presses = _huge_presses(world)
    _report("huge numbers", len(presses))
    await press_all(world, referee, presses)
    referee.assert_clean(world.harness.api.callback_answers)


async def test_old_buttons_of_a_cancelled_meeting_change_nothing(
    world: World, referee: Referee
) -> None:
    """A member answers ❌ (the reason menu comes), the meeting is cancelled, then every old
    button of it is pressed again, by the member and by the committee."""
    m, member = world.meeting_a, world.member
    await press_all(world, referee, [(member, member, f"at:{m}:n")])
    await press_all(world, referee, [(world.secretary, world.secretary, f"lm:{m}:cy")])
    before = await snapshot(world.db)
    replays: list[Press] = [
        (member, chat, f"{route}:{m}" + (f":{arg}" if arg else ""))
        for chat in (member, world.group)
        for route, arg in (
            ("at", "y"), ("at", "m"), ("ar", "om"), ("ar", "khac"), ("ci", None), ("gy", None),
        )
    ]  # fmt: skip
    replays += [
        (world.secretary, world.secretary, f"{route}:{m}" + (f":{arg}" if arg else ""))
        for route, arg in (("lm", "cy"), ("lm", "e"), ("co", None), ("cpa", "0"), ("px", None))
    ]
    _report("replays after a cancel", len(replays))
    await press_all(world, referee, replays)
    referee.assert_clean(world.harness.api.callback_answers)
    diff = changes(before, await snapshot(world.db))
    touched = {"attendance", "comments", "meetings"} & diff.keys()
    assert not touched, {t: diff[t] for t in touched}


async def test_outsiders_pressing_broadcast_buttons_get_one_refusal(
    world: World, referee: Referee
) -> None:
    outsiders = [world.strangers[0], world.pending, world.deactivated, world.member]
    presses: list[Press] = [
        (user, user, f"ct:{id_}:{arg}")
        for user in outsiders
        for id_ in (world.meeting_a, world.cell_a)
        for arg in ROUTES["ct"]
        if arg
    ]
    _report("outsiders on broadcast buttons", len(presses))
    await _assert_nothing_changed(world, referee, presses)
