"""Add accounts, the moderation workflow, revisions and the mail outbox.

Users and their hashed tokens; the append-only moderation history (guarded by
triggers that refuse UPDATE, DELETE and TRUNCATE on both backends); comments;
revisions of published entries; the outbox the mail worker delivers from; and
on project: owner, home country, version (optimistic concurrency) and the
workflow timestamps. Existing entries start at version 1.

Revision ID: 4bbbee455cab
Revises: caffef548c3f
Create Date: 2026-11-23 16:39:19.213698+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4bbbee455cab"
down_revision: str | None = "caffef548c3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_email", sa.String(length=320), nullable=False),
        sa.Column(
            "language",
            sa.Enum(
                "ar",
                "en",
                "fr",
                name="message_language",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_sent_at"),
            ["sent_at", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "contributor",
                "focal_point",
                "moderator",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("country_iso2", sa.String(length=2), nullable=True),
        sa.Column(
            "preferred_language",
            sa.Enum(
                "ar",
                "en",
                "fr",
                name="preferred_language",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_iso2"],
            ["country.iso2"],
            name=op.f("fk_user_account_country_iso2_country"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "user_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "api",
                "session",
                "verify_email",
                "reset_password",
                "invitation",
                name="token_purpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_token_token_hash")),
    )
    with op.batch_alter_table("user_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_token_user_id"), ["user_id", "purpose"], unique=False
        )

    op.create_table(
        "project_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_project_comment_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_comment_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_comment")),
    )
    with op.batch_alter_table("project_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_comment_project_id"),
            ["project_id", "id"],
            unique=False,
        )

    op.create_table(
        "project_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "changes_requested",
                "approved",
                "rejected",
                name="revision_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_project_revision_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_project_revision_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_revision_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_revision")),
    )
    with op.batch_alter_table("project_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_revision_project_id"),
            ["project_id", "status"],
            unique=False,
        )

    op.create_table(
        "moderation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "submit",
                "withdraw",
                "approve",
                "request_changes",
                "reject",
                "archive",
                "endorse",
                "submit_revision",
                "approve_revision",
                "request_revision_changes",
                "reject_revision",
                name="moderation_action",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "from_status",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "approved",
                "rejected",
                "withdrawn",
                "archived",
                name="from_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "approved",
                "rejected",
                "withdrawn",
                "archived",
                name="to_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_moderation_event_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_moderation_event_project_id_project"),
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["project_revision.id"],
            name=op.f("fk_moderation_event_revision_id_project_revision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_event")),
    )
    with op.batch_alter_table("moderation_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_event_project_id"),
            ["project_id", "id"],
            unique=False,
        )

    _forbid_history_changes()
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("home_country_iso2", sa.String(length=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("endorsed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("endorsed_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_project_home_country_iso2"),
            ["home_country_iso2"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_project_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_project_status_submitted_at_id",
            ["status", "submitted_at", "id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_project_home_country_iso2_country"),
            "country",
            ["home_country_iso2"],
            ["iso2"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_project_owner_id_user_account"),
            "user_account",
            ["owner_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_project_endorsed_by_id_user_account"),
            "user_account",
            ["endorsed_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_project_endorsed_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_project_owner_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_project_home_country_iso2_country"), type_="foreignkey"
        )
        batch_op.drop_index("ix_project_status_submitted_at_id")
        batch_op.drop_index(batch_op.f("ix_project_owner_id"))
        batch_op.drop_index(batch_op.f("ix_project_home_country_iso2"))
        batch_op.drop_column("endorsed_by_id")
        batch_op.drop_column("endorsed_at")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("home_country_iso2")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("version")

    _allow_history_changes()
    with op.batch_alter_table("moderation_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_event_project_id"))

    op.drop_table("moderation_event")
    with op.batch_alter_table("project_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_revision_project_id"))

    op.drop_table("project_revision")
    with op.batch_alter_table("project_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_comment_project_id"))

    op.drop_table("project_comment")
    with op.batch_alter_table("user_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_token_user_id"))

    op.drop_table("user_token")
    op.drop_table("user_account")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_sent_at"))

    op.drop_table("outbox_message")


HISTORY_MESSAGE = "moderation history is append-only"


def _forbid_history_changes() -> None:
    """Refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of moderation events."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER moderation_event_no_{verb.lower()} "
                f"BEFORE {verb} ON moderation_event "
                f"BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION moderation_event_is_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{HISTORY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER moderation_event_no_change BEFORE UPDATE OR DELETE "
        "ON moderation_event FOR EACH ROW "
        "EXECUTE FUNCTION moderation_event_is_append_only()"
    )
    op.execute(
        "CREATE TRIGGER moderation_event_no_truncate BEFORE TRUNCATE "
        "ON moderation_event FOR EACH STATEMENT "
        "EXECUTE FUNCTION moderation_event_is_append_only()"
    )


def _allow_history_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER moderation_event_no_update")
        op.execute("DROP TRIGGER moderation_event_no_delete")
        return
    op.execute("DROP TRIGGER moderation_event_no_truncate ON moderation_event")
    op.execute("DROP TRIGGER moderation_event_no_change ON moderation_event")
    op.execute("DROP FUNCTION moderation_event_is_append_only()")
