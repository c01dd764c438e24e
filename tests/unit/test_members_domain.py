"""Cells and members, without Telegram: claims, joining, decisions, roles, authorization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.errors import InvalidInput, NotAllowed, NotAMember, StaleAction
from bot.members.membership import JoinStart
from bot.services import Services
from storage.models import AuditEntry, MemberState, PartyStatus, Role
from tests.builders import linked_cell

SECRETARY, ALICE, BOB, STRANGER = 100, 201, 202, 999


async def _cell_with_secretary(services: Services, name: str = "Chi bộ Khu phố 3") -> int:
    cell, payload = await services.cells.create_cell(name)
    claim = await services.cells.claim_secretary(payload.removeprefix("s_"), SECRETARY, "Hoa")
    assert claim.member.role is Role.SECRETARY and claim.member.is_committee
    return cell.id


async def _join(services: Services, telegram_id: int, name: str, approve: bool = True) -> int:
    _, payload, _ = await services.members.member_invite(SECRETARY)
    code = payload.removeprefix("j_")
    assert (await services.members.start_join(code, telegram_id)).outcome is JoinStart.ASK_NAME
    request = await services.members.submit_join(code, telegram_id, name)
    assert request.member.state is MemberState.PENDING
    assert [r.telegram_id for r in request.reviewers] == [SECRETARY]
    decision = await services.members.decide_join(SECRETARY, request.member.id, approve)
    return decision.member.id


async def _audit_actions(services: Services) -> list[str]:
    async with services.db.session() as session:
        rows = await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        return list(rows)


async def test_secretary_link_is_one_time(services: Services) -> None:
    _, payload = await services.cells.create_cell("Chi bộ 1")
    code = payload.removeprefix("s_")
    await services.cells.claim_secretary(code, SECRETARY, "Hoa")
    again = await services.cells.claim_secretary(code, SECRETARY, "Hoa")
    assert again.already
    with pytest.raises(StaleAction) as info:
        await services.cells.claim_secretary(code, STRANGER, "Kẻ Lạ")
    assert info.value.args[0] == "code_used"


async def test_expired_secretary_link(services: Services, clock: ManualClock) -> None:
    _, payload = await services.cells.create_cell("Chi bộ 1")
    clock.advance(timedelta(days=31))
    with pytest.raises(StaleAction, match="code_expired"):
        await services.cells.claim_secretary(payload[2:], SECRETARY, "Hoa")


async def test_join_approve_and_reject(services: Services) -> None:
    await _cell_with_secretary(services)
    alice = await _join(services, ALICE, "Nguyễn Thị Alice")
    bob = await _join(services, BOB, "Trần Văn Bob", approve=False)
    roster = await services.members.roster(SECRETARY)
    assert [m.full_name for m in roster.active] == ["Hoa", "Nguyễn Thị Alice"]
    assert (await services.members.membership(ALICE)) is not None
    assert (await services.members.membership(BOB)) is None
    with pytest.raises(StaleAction, match="already_decided"):
        await services.members.decide_join(SECRETARY, bob, True)
    assert alice != bob
    assert await _audit_actions(services) == [
        "cell_created",
        "secretary_claimed",
        "invite_created",
        "join_requested",
        "join_approved",
        "join_requested",
        "join_rejected",
    ]


async def test_rejected_person_may_ask_again(services: Services) -> None:
    await _cell_with_secretary(services)
    await _join(services, BOB, "Trần Văn Bob", approve=False)
    await _join(services, BOB, "Trần Văn Bob")
    assert (await services.members.membership(BOB)) is not None


async def test_ordinary_members_and_strangers_are_refused(services: Services) -> None:
    await _cell_with_secretary(services)
    alice = await _join(services, ALICE, "Nguyễn Thị Alice")
    with pytest.raises(NotAllowed):
        await services.members.member_invite(ALICE)
    with pytest.raises(NotAllowed):
        await services.members.set_role(ALICE, alice, Role.SECRETARY)
    with pytest.raises(NotAMember):
        await services.members.roster(STRANGER)
    with pytest.raises(NotAMember):
        await services.members.decide_join(STRANGER, alice, True)


async def test_other_cells_are_out_of_reach(services: Services) -> None:
    await _cell_with_secretary(services)
    alice = await _join(services, ALICE, "Nguyễn Thị Alice")
    _, payload = await services.cells.create_cell("Chi bộ khác")
    await services.cells.claim_secretary(payload[2:], 500, "Bí Thư Khác")
    for action in (
        services.members.member_for_committee(500, alice),
        services.members.set_role(500, alice, Role.COMMITTEE),
        services.members.set_party_status(500, alice, PartyStatus.PROBATIONARY),
        services.members.set_active(500, alice, False),
        services.members.decide_join(500, alice, False),
    ):
        with pytest.raises(StaleAction):
            await action
    member = await services.members.member_for_committee(SECRETARY, alice)
    assert member.role is Role.MEMBER and member.is_active


async def test_roles_status_and_deactivation(services: Services) -> None:
    await _cell_with_secretary(services)
    alice = await _join(services, ALICE, "Nguyễn Thị Alice")
    me = await services.members.membership(SECRETARY)
    assert me is not None
    member = await services.members.set_role(SECRETARY, alice, Role.COMMITTEE)
    assert member.is_committee
    member = await services.members.set_party_status(ALICE, alice, PartyStatus.PROBATIONARY)
    assert member.party_status is PartyStatus.PROBATIONARY
    # A chi ủy viên cannot touch leadership roles.
    with pytest.raises(NotAllowed):
        await services.members.set_role(ALICE, me.member.id, Role.MEMBER)
    with pytest.raises(InvalidInput, match="last_secretary"):
        await services.members.set_role(SECRETARY, me.member.id, Role.MEMBER)
    with pytest.raises(InvalidInput, match="cannot_deactivate_self"):
        await services.members.set_active(SECRETARY, me.member.id, False)
    member = await services.members.set_active(SECRETARY, alice, False)
    assert member.state is MemberState.INACTIVE
    assert await services.members.membership(ALICE) is None
    member = await services.members.set_active(SECRETARY, alice, True)
    assert member.is_active
    actions = await _audit_actions(services)
    assert actions[-4:] == [
        "role_changed",
        "party_status_changed",
        "member_deactivated",
        "member_reactivated",
    ]


async def test_group_link_and_migration(services: Services) -> None:
    cell_id = await _cell_with_secretary(services)
    alice = await _join(services, ALICE, "Nguyễn Thị Alice")
    assert alice
    refused = await services.cells.link_group(ALICE, -100, "Nhóm")
    assert refused.outcome == "not_committee"
    linked = await services.cells.link_group(SECRETARY, -100, "Nhóm")
    assert linked.outcome == "linked" and linked.cell is not None and linked.cell.id == cell_id
    assert (await services.cells.link_group(SECRETARY, -100, "Nhóm")).outcome == "already_linked"
    assert (await services.cells.link_group(SECRETARY, -200, "Nhóm 2")).outcome == "taken"
    assert await services.cells.group_migrated(-100, -1000000000100)
    assert not await services.cells.group_migrated(-100, -1000000000100)  # idempotent
    cell = await linked_cell(services.db, -1000000000100)
    assert cell is not None and cell.id == cell_id
    membership = await services.members.membership(ALICE, group_chat_id=-1000000000100)
    assert membership is not None and membership.cell.id == cell_id
