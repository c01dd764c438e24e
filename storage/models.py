"""SQLAlchemy models. Datetimes are stored in UTC (see ``UTCDateTime``); enums as short strings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    inspect,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.enums import (
    AttendanceAnswer,
    ErasureRequestStatus,
    InviteKind,
    MeetingKind,
    MeetingStatus,
    MemberState,
    OrgRole,
    OutboxStatus,
    PartyStatus,
    Role,
    RulePattern,
    StatusKind,
    TransferKind,
    TransferStatus,
)
from storage.types import UTCDateTime

# Re-exported while other modules still import the enums from here (use storage.enums).
__all__ = [
    "AttendanceAnswer",
    "InviteKind",
    "MeetingKind",
    "MeetingStatus",
    "MemberState",
    "OrgRole",
    "OutboxStatus",
    "PartyStatus",
    "Role",
    "RulePattern",
    "StatusKind",
    "TransferKind",
    "TransferStatus",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A list of moments: a PostgreSQL array (the only backend that uses it), JSON on SQLite.
MOMENTS = postgresql.ARRAY(DateTime(timezone=True)).with_variant(JSON(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Org(Base):
    """A parent committee (đảng bộ / đảng ủy) over cells; may sit under another (a ward under
    a district)."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("orgs.id", ondelete="SET NULL"), index=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrgRoleHolder(Base):
    """A person's read-only role in an org. They see counts only, never members' data."""

    __tablename__ = "org_roles"
    __table_args__ = (UniqueConstraint("org_id", "telegram_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[OrgRole] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Day of the month (1-28) the monthly digest is sent on; None: no digest.
    digest_day: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrgRoleCell(Base):
    """A cell a cấp ủy viên phụ trách oversees."""

    __tablename__ = "org_role_cells"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("org_roles.id", ondelete="CASCADE"), primary_key=True
    )
    cell_id: Mapped[int] = mapped_column(
        ForeignKey("cells.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OrgInvite(Base):
    """A one-time link that gives whoever opens it a role in an org (cells: for an overseer)."""

    __tablename__ = "org_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    role: Mapped[OrgRole] = mapped_column(String(16))
    cell_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


REMINDERS_PAUSED_FOREVER = date(9999, 12, 31)  # a pause until the member turns it off


class Cell(Base):
    __tablename__ = "cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_committee: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    group_title: Mapped[str | None] = mapped_column(String(255))
    # Whether the agenda broadcast may carry files. Off by default: party documents belong on
    # the Sổ tay đảng viên điện tử app (QĐ 339, HD 42), and members are pointed there.
    allow_attachments: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Minutes before a meeting when members are reminded; None means the default (3 d, 1 d, 2 h).
    reminder_leads: Mapped[list[int] | None] = mapped_column(JSON)
    # The parent committee it belongs to (None: standing alone, as before 0005).
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("orgs.id", ondelete="SET NULL"), index=True
    )
    # What members may choose about their own reminders (bot/members/reminder_prefs.py): the
    # lead times none may turn off (None: the last one) and whether they may pause them.
    reminder_required_leads: Mapped[list[int] | None] = mapped_column(JSON)
    reminder_pause_allowed: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )

    members: Mapped[list[Member]] = relationship(back_populates="cell", lazy="raise")


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("cell_id", "telegram_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(String(16), default=Role.MEMBER)
    party_status: Mapped[PartyStatus] = mapped_column(String(16), default=PartyStatus.FULL)
    state: Mapped[MemberState] = mapped_column(String(16), default=MemberState.PENDING)
    # Whether the bot may write to the member privately: set when they message the bot,
    # cleared when Telegram answers 403 (never started, blocked, deactivated).
    can_dm: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime | None] = mapped_column()
    # From the cell's own records (typed by the committee or imported): with the folded name,
    # the birth year identifies a member who has no Telegram (yet).
    birth_year: Mapped[int | None] = mapped_column(Integer)
    admitted_on: Mapped[date | None] = mapped_column()
    # The member's own reminder choices (bot/members/reminder_prefs.py): the cell's lead times
    # they turned off, and the last day of a pause (REMINDERS_PAUSED_FOREVER: until turned on).
    reminder_off_leads: Mapped[list[int] | None] = mapped_column(JSON)
    reminders_paused_until: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cell: Mapped[Cell] = relationship(back_populates="members", lazy="raise")

    @property
    def is_committee(self) -> bool:
        return MemberState(self.state) is MemberState.ACTIVE and Role(self.role).is_committee


class MemberStatus(Base):
    """A member's status for a period (exempted, temporarily elsewhere, visiting, long leave):
    it decides who is reminded and who is in a meeting's attendance base (bot/attendance/base.py).
    Both days are inclusive, in the cell's time zone."""

    __tablename__ = "member_statuses"
    __table_args__ = (Index("ix_member_statuses_cell_days", "cell_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StatusKind] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the committee was told that it ends within a week (told once).
    expiry_notice_at: Mapped[datetime | None] = mapped_column()


class ChosenCell(Base):
    """The cell a person in several cells chose in their private chat (bot/access.py): every
    private command acts on it while it is still one of their active memberships."""

    __tablename__ = "chosen_cells"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberTransfer(Base):
    """A transfer (chuyển sinh hoạt đảng) of a member to another cell in the bot, official or
    temporary: issued by the source cell's secretary or deputy, received by the target's
    (bot/members/transfers.py). Once received, ``to_member_id`` is the member's row in the
    target cell: the source row keeps its attendance, and the link carries the history."""

    __tablename__ = "member_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(String(16))
    status: Mapped[TransferStatus] = mapped_column(String(16), default=TransferStatus.PENDING)
    from_cell_id: Mapped[int] = mapped_column(
        ForeignKey("cells.id", ondelete="CASCADE"), index=True
    )
    from_member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    to_cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    to_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    # A temporary transfer's period, both days inclusive; an official one starts on acceptance.
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    decided_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InviteKind] = mapped_column(String(16))
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class PendingInput(Base):
    """What free text the bot expects next from a user in a chat (e.g. their full name).

    Kept in the database rather than in memory so that it survives restarts and works when
    several bot instances share one database.
    """

    __tablename__ = "pending_inputs"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[datetime] = mapped_column()


class AuditEntry(Base):
    """One committee action: who did what to whom, when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_cell_created", "cell_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"))
    actor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(48))
    target_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_cell_starts", "cell_id", "starts_at"),
        UniqueConstraint("cell_id", "occurrence_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"))
    kind: Mapped[MeetingKind] = mapped_column(String(16))
    status: Mapped[MeetingStatus] = mapped_column(String(16), default=MeetingStatus.SCHEDULED)
    starts_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    place: Mapped[str | None] = mapped_column(String(255))
    chair: Mapped[str | None] = mapped_column(String(120))
    minute_taker: Mapped[str | None] = mapped_column(String(120))
    agenda: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    presenters: Mapped[str | None] = mapped_column(String(255))
    materials: Mapped[str | None] = mapped_column(Text)
    preparation: Mapped[str | None] = mapped_column(Text)
    # Set for meetings generated from a rule ("thuong_ky:2026-12", "chuyen_de:2026q4"): the
    # rule never generates the same occurrence twice, even after it was moved or cancelled.
    occurrence_key: Mapped[str | None] = mapped_column(String(32))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_rules.id", ondelete="SET NULL"))
    # Edited by hand: a later change of the rule leaves this occurrence alone.
    detached: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # A digest of what its reminders were planned for (bot/meetings/reminders.py): the
    # periodic planning skips the meeting while it is unchanged.
    plan_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The .ics SEQUENCE: bumped by ``_bump_ics_sequence`` whenever the time, the length or the
    # status changes, so that a phone calendar replaces the event it holds.
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The sitting as held, for the minutes: its real start (chosen in chat; else check-in) and
    # the committee's "kết thúc" tap.
    held_started_at: Mapped[datetime | None] = mapped_column()
    held_ended_at: Mapped[datetime | None] = mapped_column()


CALENDAR_FIELDS = ("starts_at", "duration_minutes", "status")


@event.listens_for(Meeting, "before_update")
def _bump_ics_sequence(_mapper: Any, _connection: Any, target: Meeting) -> None:
    """One place for every path that moves, shortens or cancels a meeting (edit, rule)."""
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS):
        target.ics_sequence = (target.ics_sequence or 0) + 1


class MeetingRule(Base):
    """A cell's recurrence rule for one kind of meeting (regular monthly, thematic quarterly)."""

    __tablename__ = "meeting_rules"
    __table_args__ = (UniqueConstraint("cell_id", "meeting_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"))
    meeting_kind: Mapped[MeetingKind] = mapped_column(String(16))
    pattern: Mapped[RulePattern] = mapped_column(String(8))
    day: Mapped[int | None] = mapped_column(Integer)
    nth: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    # None: every month. 1, 2 or 3: once a quarter, in that month of the quarter.
    quarter_month: Mapped[int | None] = mapped_column(Integer)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    place: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Attendance(Base):
    """A member's answer for a meeting, and later what actually happened."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answer: Mapped[AttendanceAnswer | None] = mapped_column(String(8))
    reason_code: Mapped[str | None] = mapped_column(String(16))
    reason_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column()
    answered_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    present: Mapped[bool | None] = mapped_column(Boolean)
    absence_excused: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The Telegram update that set the answer: an older update never overwrites it.
    answer_update_id: Mapped[int | None] = mapped_column(BigInteger)
    # Bumped whenever the answer changes; a reason button carries the revision it belongs to.
    answer_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Comment(Base):
    """A member's comment (góp ý) on a meeting's agenda; seen by the committee only."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    hide_name: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A message that must be sent once (a reminder, a broadcast copy).

    ``dedupe_key`` is unique: planning the same message twice is a no-op, and a worker claims a
    row before sending it, so no two workers (or instances) send the same one.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_meeting_kind", "meeting_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(String(12), default=OutboxStatus.PENDING)
    due_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The row's place among the rows its cell planned together: cells take turns by it.
    turn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AgendaBroadcast(Base):
    """A meeting's agenda (chương trình sinh hoạt) as composed and sent by the committee.

    One per meeting. ``text`` is what members got; ``draft_text`` a change not yet confirmed.
    Each confirmed change bumps ``version``; the copies themselves are outbox rows
    (kinds ``agenda``, ``agenda_doc``, ``agenda_edit``, ``agenda_note``, ``agenda_invite``,
    ``agenda_report``) keyed ``agenda:<id>:...``.
    """

    __tablename__ = "agenda_broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    draft_text: Mapped[str | None] = mapped_column(Text)
    # [{"file_id": ..., "kind": "document"|"photo", "filename": ...}]
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pin: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)  # 0 = draft, never sent
    last_change: Mapped[str | None] = mapped_column(Text)
    bot_username: Mapped[str | None] = mapped_column(String(64))
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    edited_at: Mapped[datetime | None] = mapped_column()


class MeetingPanel(Base):
    """The live attendance panel of a meeting in the cell's group: one message, edited in place.

    Taps only mark the panel ``dirty``; a flusher claims dirty panels whose last edit is old
    enough (``locked_until`` is the claim's lease), so a burst of taps becomes a few edits and
    several bot instances never edit the same panel at once. The panel row also remembers
    when the secretary opened self check-in for the meeting.
    """

    __tablename__ = "meeting_panels"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    edited_at: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    checkin_opened_at: Mapped[datetime | None] = mapped_column()
    checkin_opened_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )


class MemberErasure(Base):
    """A member who left and whose personal data the committee erased.

    The member row stays (anonymous: no name, no Telegram id) so that attendance counts of past
    meetings still add up.
    """

    __tablename__ = "member_erasures"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    erased_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureRequest(Base):
    """A member's own request to have their personal data erased; the committee decides."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[ErasureRequestStatus] = mapped_column(
        String(16), default=ErasureRequestStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class SendClock(Base):
    """The bot-wide sending schedule (one row, ``id`` 1): the next free start for a message.

    Every instance books its sends here (storage/repositories/send_budget.py), so Telegram's
    overall limit holds for the bot as a whole, however many instances run (PostgreSQL only;
    a SQLite bot is one instance and keeps the schedule in memory).
    """

    __tablename__ = "send_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_at: Mapped[datetime] = mapped_column()
    # Requests of all instances: the start of each one in flight, and the answers of the last
    # second. Fewer than the rate together, or a request waits (what Telegram sees in any
    # second is bounded however the requests bunch up on the way).
    flying: Mapped[list[datetime] | None] = mapped_column(MOMENTS)
    answered: Mapped[list[datetime] | None] = mapped_column(MOMENTS)


class ChatSendClock(Base):
    """Per chat, the earliest start of the next message (1/s private, 20/min group)."""

    __tablename__ = "chat_send_clock"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[datetime] = mapped_column(index=True)


class JobRun(Base):
    """When a periodic job last started, over all instances: each tick claims its run here."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime] = mapped_column()
