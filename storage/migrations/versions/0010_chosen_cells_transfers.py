"""chosen_cells and member_transfers: one person in several cells, and transfers between cells

``chosen_cells``: the cell a person in several cells chose in their private chat (one row a
Telegram user). ``member_transfers``: a transfer (chuyển sinh hoạt) of a member to another
cell, official or temporary, issued by the source cell and received by the target; once
received it links the member's row in the source cell to their row in the target cell.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "chosen_cells",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("chosen_at", UTCDateTime(timezone=True), nullable=False),
        _fk("chosen_cells", "cell_id", "cells", "CASCADE"),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_chosen_cells")),
    )
    op.create_index(op.f("ix_chosen_cells_cell_id"), "chosen_cells", ["cell_id"], unique=False)
    op.create_table(
        "member_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("from_cell_id", sa.Integer(), nullable=False),
        sa.Column("from_member_id", sa.Integer(), nullable=False),
        sa.Column("to_cell_id", sa.Integer(), nullable=False),
        sa.Column("to_member_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        _fk("member_transfers", "from_cell_id", "cells", "CASCADE"),
        _fk("member_transfers", "from_member_id", "members", "CASCADE"),
        _fk("member_transfers", "to_cell_id", "cells", "CASCADE"),
        _fk("member_transfers", "to_member_id", "members", "SET NULL"),
        _fk("member_transfers", "created_by_member_id", "members", "SET NULL"),
        _fk("member_transfers", "decided_by_member_id", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_transfers")),
    )
    for column in ("from_cell_id", "from_member_id", "to_cell_id", "to_member_id"):
        op.create_index(
            op.f(f"ix_member_transfers_{column}"), "member_transfers", [column], unique=False
        )


def downgrade() -> None:
    for column in ("from_cell_id", "from_member_id", "to_cell_id", "to_member_id"):
        op.drop_index(op.f(f"ix_member_transfers_{column}"), table_name="member_transfers")
    op.drop_table("member_transfers")
    op.drop_index(op.f("ix_chosen_cells_cell_id"), table_name="chosen_cells")
    op.drop_table("chosen_cells")
