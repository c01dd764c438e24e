"""members: birth year and admission date; member_statuses (the roster is the whole cell)

Members without Telegram are added by the committee or imported from a file; with the
folded name, the birth year identifies them when they later open an invite link. A member status (exempted, temporarily elsewhere,
visiting, long leave) for a period decides reminders and the attendance base.

Revision ID: 0006
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("admitted_on", sa.Date(), nullable=True))
    op.create_table(
        "member_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expiry_notice_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cell_id"], ["cells.id"], name=op.f("fk_member_statuses_cell_id_cells"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_member_statuses_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_member_id"],
            ["members.id"],
            name=op.f("fk_member_statuses_created_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_statuses")),
    )
    op.create_index(
        "ix_member_statuses_cell_days", "member_statuses", ["cell_id", "starts_on", "ends_on"]
    )
    op.create_index(
        op.f("ix_member_statuses_member_id"), "member_statuses", ["member_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_member_statuses_member_id"), table_name="member_statuses")
    op.drop_index("ix_member_statuses_cell_days", table_name="member_statuses")
    op.drop_table("member_statuses")
    # Not batch mode: on SQLite it would copy and drop ``members``, and the drop would cascade
    # to every member's attendance. ALTER TABLE … DROP COLUMN works on both (SQLite ≥ 3.35).
    for column in ("admitted_on", "birth_year"):
        op.execute(f"ALTER TABLE members DROP COLUMN {column}")
