"""erasure_requests: a member's own request to have their personal data erased

The member asks from /cuatoi; the secretary or deputy confirms or declines (the party keeps
records, so the committee decides). One row a request; ``status`` is pending, confirmed or
declined.

Revision ID: 0008
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_member_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["cells.id"],
            name=op.f("fk_erasure_requests_cell_id_cells"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_erasure_requests_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_member_id"],
            ["members.id"],
            name=op.f("fk_erasure_requests_decided_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    op.create_index(
        op.f("ix_erasure_requests_cell_id"), "erasure_requests", ["cell_id"], unique=False
    )
    op.create_index(
        op.f("ix_erasure_requests_member_id"), "erasure_requests", ["member_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_requests_member_id"), table_name="erasure_requests")
    op.drop_index(op.f("ix_erasure_requests_cell_id"), table_name="erasure_requests")
    op.drop_table("erasure_requests")
