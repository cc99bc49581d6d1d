"""Add throttle events and parked outbox messages.

`throttle_event` holds one row per counted attempt (sign-in, token, registration,
reset), so every web worker on one database shares the limits. `outbox_message.
failed_at` parks a message after the configured number of failed attempts: the
worker stops retrying it and admins see it, with its error, until retried.

Revision ID: 5e6f7a8b9c0d
Revises: 9c1d2e3f4a5b
Create Date: 2026-12-02 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e6f7a8b9c0d"
down_revision: str | None = "9c1d2e3f4a5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_event")),
    )
    with op.batch_alter_table("throttle_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_throttle_event_key"), ["key", "at"], unique=False
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
    with op.batch_alter_table("throttle_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_throttle_event_key"))
    op.drop_table("throttle_event")
