"""The domain services one process uses, built once and shared by handlers and jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.attendance import AttendanceService
from bot.broadcast import BroadcastService
from bot.cells import CellService
from bot.clock import Clock, SystemClock
from bot.comments import CommentService
from bot.conversation import ConversationService
from bot.exports import ExportService
from bot.meetings import MeetingService
from bot.members import MemberService
from bot.panel import PanelService
from bot.privacy import PrivacyService
from bot.questions import QuestionService
from bot.settings import Settings
from bot.stats import StatsService
from storage.db import Database


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
    questions: QuestionService
    broadcasts: BroadcastService
    # Set by bot/app.py once the outbox worker runs: "new rows were planned, look now".
    wake_outbox: Callable[[], None] = field(default=lambda: None)

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock | None = None) -> Services:
        clock = clock or SystemClock()
        meetings = MeetingService(db, clock)
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
            broadcasts=BroadcastService(db, clock),
            questions=QuestionService(meetings, settings.kb_local_dir),
        )
