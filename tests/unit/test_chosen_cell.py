"""The chosen cell (bot/members/chosen_cell.py) outside Telegram: the group chat acts on its
own cell whatever was chosen, and an erasure forgets the choice of the erased cell."""

from __future__ import annotations

from sqlalchemy import select

from bot.access import find_membership
from bot.services import Services
from storage.models import ChosenCell
from tests.builders import build_cell

PERSON = 201  # an ordinary member in both cells


async def test_groups_keep_their_cell_and_erasure_forgets_the_choice(services: Services) -> None:
    first = await build_cell(services.db, members=1, group_chat_id=-1001)
    second = await build_cell(
        services.db, name="Chi bộ Trường học", members=1, group_chat_id=-1002, secretary_tid=102
    )
    await services.members.chosen_cells.choose(PERSON, second.cell_id)
    async with services.db.session() as session:
        in_group = await find_membership(session, PERSON, group_chat_id=-1001)
        private = await find_membership(session, PERSON)
    assert in_group is not None and in_group.cell.id == first.cell_id
    assert private is not None and private.cell.id == second.cell_id

    (member_id,) = second.member_ids
    await services.members.set_active(102, member_id, False)
    await services.privacy.erase(102, member_id)
    async with services.db.session() as session:
        assert list(await session.scalars(select(ChosenCell))) == []
        left = await find_membership(session, PERSON)
    assert left is not None and left.cell.id == first.cell_id
