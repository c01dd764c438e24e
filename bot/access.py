"""Who is acting, and may they? Every domain entry point resolves the actor here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ChooseCell, NotAllowed, NotAMember, StaleAction
from bot.views import CellInfo, MemberInfo, Membership
from storage.models import Meeting, Member, MemberState, Role
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cells import CellRepository
from storage.repositories.members import ChosenCellRepository, MemberRepository
from storage.repositories.orgs import OrgRoleRepository


async def active_memberships(session: AsyncSession, telegram_id: int) -> list[Membership]:
    """Every cell the user is an active member of, oldest membership first."""
    rows = await MemberRepository(session).active_memberships(telegram_id)
    return [Membership(MemberInfo.of(member), CellInfo.of(cell)) for member, cell in rows]


async def find_membership(
    session: AsyncSession,
    telegram_id: int,
    *,
    group_chat_id: int | None = None,
    ask: bool = True,
) -> Membership | None:
    """The user's active membership: in the cell of ``group_chat_id`` if given (a group chat
    acts on its own cell); in a private chat the cell they chose (bot/members/chosen_cell.py)
    while they are still active there, else their only cell. A person in several cells who
    has not chosen is asked to (``ChooseCell``) rather than guessed for; ``ask=False``
    answers ``None`` instead, for callers that only want to know, never to act.
    """
    members = MemberRepository(session)
    if group_chat_id is not None:
        cell = await CellRepository(session).by_group(group_chat_id)
        if cell is None:
            return None
        member = await members.in_cell(cell.id, telegram_id)
        if member is None or member.state != MemberState.ACTIVE:
            return None
        return Membership(MemberInfo.of(member), CellInfo.of(cell))
    found = await active_memberships(session, telegram_id)
    if len(found) <= 1:
        return found[0] if found else None
    chosen = await ChosenCellRepository(session).get(telegram_id)
    for membership in found:
        if membership.cell.id == chosen:
            return membership
    if not ask:
        return None
    raise ChooseCell(tuple(m.cell for m in found))


@dataclass(frozen=True)
class CommandMenu:
    """What a person's private command menu lists besides the members' commands."""

    committee: bool  # the committee's commands
    org: bool  # /tonghop: a role in a parent committee


async def command_menu(session: AsyncSession, telegram_id: int) -> CommandMenu:
    """The menu of the cell the person's private commands act on (the chosen one, or the
    only one). A person in several cells who has not chosen sees the committee's commands if
    they are on the committee of any: those commands then ask which cell."""
    acting = await find_membership(session, telegram_id, ask=False)
    if acting is not None:
        committee = acting.member.is_committee
    else:
        found = await active_memberships(session, telegram_id)
        committee = any(m.member.is_committee for m in found)
    roles = await OrgRoleRepository(session).of_person(telegram_id)
    return CommandMenu(committee=committee, org=bool(roles))


async def require_member(
    session: AsyncSession, telegram_id: int, *, group_chat_id: int | None = None
) -> Membership:
    membership = await find_membership(session, telegram_id, group_chat_id=group_chat_id)
    if membership is None:
        raise NotAMember()
    return membership


async def require_committee(
    session: AsyncSession,
    telegram_id: int,
    *,
    group_chat_id: int | None = None,
    cell_id: int | None = None,
) -> Membership:
    """The actor's committee membership. ``cell_id`` is the cell of what a button names (a
    member, a request): a committee member of several cells acts there, whichever cell they
    chose for commands. Where they hold no active membership in it, the usual one is used, so
    the caller's own check ("not of this cell") answers the press."""
    membership = None
    if cell_id is not None:
        member = await MemberRepository(session).in_cell(cell_id, telegram_id)
        cell = await CellRepository(session).get(cell_id)
        if member is not None and member.state == MemberState.ACTIVE and cell is not None:
            membership = Membership(MemberInfo.of(member), CellInfo.of(cell))
    if membership is None:
        membership = await require_member(session, telegram_id, group_chat_id=group_chat_id)
    if not membership.member.is_committee:
        raise NotAllowed()
    return membership


async def require_committee_over(
    session: AsyncSession, telegram_id: int, member_id: int
) -> Membership:
    """The actor's committee membership in the cell of member ``member_id`` (see above)."""
    member = await MemberRepository(session).get(member_id)
    return await require_committee(
        session, telegram_id, cell_id=member.cell_id if member is not None else None
    )


async def require_meeting_member(
    session: AsyncSession, telegram_id: int, meeting_id: int, *, other_cell: str = "meeting_gone"
) -> tuple[Meeting, Member]:
    """The meeting and the user's active membership in the meeting's own cell.

    A stranger is ``NotAMember``; a member of another cell pressed a button that is not
    theirs (``StaleAction(other_cell)``), and a meeting that is gone is ``meeting_gone``.
    """
    meeting = await AttendanceRepository(session).meeting(meeting_id)
    member = None
    if meeting is not None:
        member = await MemberRepository(session).in_cell(meeting.cell_id, telegram_id)
    if meeting is None or member is None or member.state != MemberState.ACTIVE:
        if not await active_memberships(session, telegram_id):
            raise NotAMember()
        raise StaleAction(other_cell if meeting is not None else "meeting_gone")
    return meeting, member


def require_leader(membership: Membership) -> None:
    """Secretary or deputy secretary only (role changes of committee members, etc.)."""
    if membership.member.role not in (Role.SECRETARY, Role.DEPUTY):
        raise NotAllowed()
