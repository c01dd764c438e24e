"""The domain services one process uses, built once and shared by handlers and jobs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot import failure_alerts
from bot.attendance import messages as attendance_messages
from bot.attendance.answers import AttendanceService
from bot.attendance.panel import PanelService
from bot.broadcast import messages as broadcast_messages
from bot.broadcast.service import BroadcastService
from bot.clock import Clock, SystemClock
from bot.comments import CommentService
from bot.conversation import ConversationService
from bot.delivery.outgoing import Renderer
from bot.exports.service import ExportService
from bot.exports.stats import StatsService
from bot.knowledge.questions import QuestionService
from bot.meetings import reminder_messages, reminders
from bot.meetings.minutes import MinutesService
from bot.meetings.service import MeetingService
from bot.members import join_digest, status_notices
from bot.members.cells import CellService
from bot.members.membership import MemberService
from bot.members.privacy import PrivacyService
from bot.members.reminder_prefs import ReminderPrefService
from bot.orgs import digest as org_digest
from bot.orgs import notices as org_notices
from bot.orgs.reports import OverviewService
from bot.orgs.roles import OrgService
from bot.settings import Settings
from storage.db import Database


def outbox_renderers() -> dict[str, Renderer]:
    """Every outbox kind and the one function that renders it, assembled here and nowhere else."""
    table: dict[str, Renderer] = {}
    for feature in (
        reminder_messages.RENDERERS,
        attendance_messages.RENDERERS,
        broadcast_messages.RENDERERS,
        failure_alerts.RENDERERS,
        org_notices.RENDERERS,
        org_digest.RENDERERS,
        status_notices.RENDERERS,
        join_digest.RENDERERS,
    ):
        clash = table.keys() & feature.keys()
        if clash:
            raise RuntimeError(f"two renderers for outbox kinds {sorted(clash)}")
        table.update(feature)
    return table


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    cells: CellService
    members: MemberService
    conversations: ConversationService
    meetings: MeetingService
    attendance: AttendanceService
    panels: PanelService
    comments: CommentService
    exports: ExportService
    stats: StatsService
    privacy: PrivacyService
    reminder_prefs: ReminderPrefService
    questions: QuestionService
    broadcasts: BroadcastService
    minutes: MinutesService
    orgs: OrgService
    overviews: OverviewService
    renderers: Mapping[str, Renderer]
    # Set by bot/app.py once the outbox worker runs: "new rows were planned, look now".
    wake_outbox: Callable[[], None] = field(default=lambda: None)

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock | None = None) -> Services:
        clock = clock or SystemClock()
        meetings = MeetingService(db, clock, watcher=org_notices.OverseerNotices())
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            cells=CellService(db, clock, settings.timezone),
            members=MemberService(db, clock),
            conversations=ConversationService(db, clock),
            meetings=meetings,
            attendance=AttendanceService(db, clock),
            panels=PanelService(db, clock),
            comments=CommentService(db, clock),
            exports=ExportService(db, clock),
            stats=StatsService(db, clock),
            privacy=PrivacyService(db, clock),
            reminder_prefs=ReminderPrefService(db, clock, reminders.leads_of),
            broadcasts=BroadcastService(db, clock),
            minutes=MinutesService(db, clock),
            orgs=OrgService(db, clock, settings.timezone),
            overviews=OverviewService(db, clock),
            questions=QuestionService(meetings, settings.kb_local_dir),
            renderers=outbox_renderers(),
        )
