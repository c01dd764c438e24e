"""The enums the domain, the handlers and the texts share, stored as short strings.

No SQLAlchemy here: handlers and texts import these without pulling in the ORM.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    SECRETARY = "bi_thu"
    DEPUTY = "pho_bi_thu"
    COMMITTEE = "chi_uy_vien"
    MEMBER = "dang_vien"

    @property
    def is_committee(self) -> bool:
        return self is not Role.MEMBER


class OrgRole(enum.StrEnum):
    """A person's read-only role in a parent committee (đảng ủy) over its cells."""

    SECRETARY = "bi_thu_du"  # bí thư đảng ủy
    DEPUTY = "pho_bi_thu_du"  # phó bí thư đảng ủy
    OVERSEER = "phu_trach"  # cấp ủy viên phụ trách a set of cells

    @property
    def sees_all_cells(self) -> bool:
        return self is not OrgRole.OVERSEER


class PartyStatus(enum.StrEnum):
    FULL = "chinh_thuc"
    PROBATIONARY = "du_bi"


class MemberState(enum.StrEnum):
    PENDING = "pending"  # asked to join, waits for the committee
    ACTIVE = "active"
    INACTIVE = "inactive"  # deactivated by the committee (moved away, left)
    REJECTED = "rejected"


class ErasureRequestStatus(enum.StrEnum):
    PENDING = "pending"  # the member asked; the committee has not decided
    CONFIRMED = "confirmed"  # the committee erased the data
    DECLINED = "declined"


class InviteKind(enum.StrEnum):
    SECRETARY = "secretary"  # one-time: whoever opens it becomes the cell's secretary
    MEMBER = "member"  # reusable until revoked or expired: opener asks to join


class MeetingKind(enum.StrEnum):
    REGULAR = "thuong_ky"
    THEMATIC = "chuyen_de"
    COMBINED = "ket_hop"  # regular + thematic in one sitting, one after the other
    EXTRAORDINARY = "bat_thuong"


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"


class RulePattern(enum.StrEnum):
    DAY = "day"  # day N of the month (the last day in shorter months)
    NTH_WEEKDAY = "nth"  # the nth weekday ("thứ Ba đầu tiên")
    LAST_WEEKDAY = "last"  # the last weekday ("thứ Sáu cuối tháng")


class AttendanceAnswer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # The process stopped while Telegram was being asked to send it: it may or may not have
    # arrived. Never resent automatically (see the outbox worker); the secretary sees "chưa rõ".
    UNCERTAIN = "uncertain"


class StatusKind(enum.StrEnum):
    """A member's status for a period (HD 27-HD/BTCTW 2018; HD 01-HD/TW 2021 mục 10.3 [S])."""

    EXEMPT_MEETINGS = "mien_sh"  # miễn sinh hoạt
    EXEMPT_ALL = "mien_ct_sh"  # miễn công tác và sinh hoạt
    AWAY = "tam_thoi_di"  # sinh hoạt tạm thời ở nơi khác (outgoing)
    VISITING = "tam_thoi_den"  # từ nơi khác đến sinh hoạt tạm thời (incoming)
    LONG_LEAVE = "nghi_dai"  # nghỉ dài ngày (long leave)

    @property
    def is_exemption(self) -> bool:
        return self in (StatusKind.EXEMPT_MEETINGS, StatusKind.EXEMPT_ALL)


class TransferKind(enum.StrEnum):
    """Chuyển sinh hoạt đảng (rules-digest §5): official, or temporary for a period."""

    OFFICIAL = "chinh_thuc"
    TEMPORARY = "tam_thoi"


class TransferStatus(enum.StrEnum):
    PENDING = "pending"  # issued by the source cell, waiting for the target cell
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # withdrawn by the source cell before the target decided
    ENDED = "ended"  # a temporary transfer whose period is over: the visit ended
