"""Add knowledge exchange: offers, relations between entries, good-practice
designations, messages relayed to entry teams, follows, saved searches and
problem reports (app/models/exchange.py).

- `project` gains the offer note (ar/en/fr) and `good_practice` (TRUE while a
  designation is in force, else NULL), a column filter of the catalog index;
- `project_offer` is a link table like the taxonomies': the catalog-change
  triggers of 6f7a8b9c0d1e are added to it, so every worker's index follows;
- the moderation history accepts two more actions (designate, withdraw a
  good practice). Its CHECK constraint is replaced: on SQLite by rebuilding
  the table (a batch copy), after which the append-only triggers, dropped
  with the old table, are created again;
- the outbox keeps a relayed message's Reply-To and an alert's unsubscribe link.

Revision ID: 1f2a3b4c5d6e
Revises: 0e1f2a3b4c5d
Create Date: 2026-12-04 01:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1f2a3b4c5d6e"
down_revision: str | None = "0e1f2a3b4c5d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = (
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
)
NEW_ACTIONS = (*OLD_ACTIONS, "designate_good_practice", "withdraw_good_practice")
HISTORY_MESSAGE = "moderation history is append-only"
OPERATIONS = ("insert", "update", "delete")


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.String(length=4000), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "immediately",
                "weekly",
                "monthly",
                name="alert_frequency",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "language",
            sa.Enum(
                "ar",
                "en",
                "fr",
                name="saved_search_language",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feed_nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_saved_search_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search")),
        sa.UniqueConstraint("feed_nonce", name=op.f("uq_saved_search_feed_nonce")),
    )
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_search_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contact_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("blocked_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_block_blocked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_contact_block_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["user_account.id"],
            name=op.f("fk_contact_block_sender_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_block")),
        sa.UniqueConstraint(
            "sender_id", "project_id", name=op.f("uq_contact_block_sender_id")
        ),
    )
    with op.batch_alter_table("contact_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_block_sender_id"), ["sender_id"], unique=False
        )

    op.create_table(
        "contact_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "replicate",
                "partner",
                "learn",
                "other",
                name="contact_purpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("sender_organization", sa.String(length=300), nullable=True),
        sa.Column("sender_country_iso2", sa.String(length=2), nullable=True),
        sa.Column("reply_to_sender", sa.Boolean(), nullable=False),
        sa.Column("reply_token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("report_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_contact_thread_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_thread_reported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_country_iso2"],
            ["country.iso2"],
            name=op.f("fk_contact_thread_sender_country_iso2_country"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["user_account.id"],
            name=op.f("fk_contact_thread_sender_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_thread")),
        sa.UniqueConstraint(
            "reply_token_hash", name=op.f("uq_contact_thread_reply_token_hash")
        ),
    )
    with op.batch_alter_table("contact_thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_thread_project_id"),
            ["project_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_contact_thread_sender_id"),
            ["sender_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_follow_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_follow_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow")),
        sa.UniqueConstraint("user_id", "project_id", name=op.f("uq_follow_user_id")),
    )
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "good_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("citation_ar", sa.Text(), nullable=True),
        sa.Column("citation_en", sa.Text(), nullable=True),
        sa.Column("citation_fr", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=200), nullable=True),
        sa.Column("designated_by_id", sa.Integer(), nullable=False),
        sa.Column("designated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designated_by_id"],
            ["user_account.id"],
            name=op.f("fk_good_practice_designated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_good_practice_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_good_practice_withdrawn_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_practice")),
    )
    with op.batch_alter_table("good_practice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_good_practice_project_id"),
            ["project_id", "withdrawn_at"],
            unique=False,
        )

    op.create_table(
        "problem_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "outdated",
                "wrong",
                "broken_link",
                "not_ai",
                "duplicate",
                name="problem_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="report_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_problem_report_closed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_problem_report_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_problem_report_reporter_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_report")),
    )
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_report_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_problem_report_status"),
            ["status", "created_at"],
            unique=False,
        )

    op.create_table(
        "project_offer",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "offer",
            sa.Enum(
                "open_to_replication",
                "seeks_partners",
                "offers_expertise",
                "seeks_funding",
                name="offer",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_offer_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "offer", name=op.f("pk_project_offer")),
    )
    with op.batch_alter_table("project_offer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_offer_offer"), ["offer", "project_id"], unique=False
        )

    op.create_table(
        "project_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "same_programme",
                "follow_up",
                "replicated_in",
                "inspired",
                name="relation_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "declined",
                "withdrawn",
                name="relation_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_from_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_project_relation_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_project_relation_proposed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_from_id"],
            ["project.id"],
            name=op.f("fk_project_relation_proposed_from_id_project"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["project.id"],
            name=op.f("fk_project_relation_source_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["project.id"],
            name=op.f("fk_project_relation_target_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_relation")),
    )
    with op.batch_alter_table("project_relation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_relation_source_id"),
            ["source_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_project_relation_target_id"),
            ["target_id", "status"],
            unique=False,
        )

    op.create_table(
        "contact_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_team", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body_deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_contact_message_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["contact_thread.id"],
            name=op.f("fk_contact_message_thread_id_contact_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_message")),
    )
    with op.batch_alter_table("contact_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_message_thread_id"),
            ["thread_id", "id"],
            unique=False,
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=320), nullable=True))
        batch_op.add_column(
            sa.Column("unsubscribe_url", sa.String(length=1000), nullable=True)
        )

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_note_ar", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("offer_note_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("offer_note_fr", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("good_practice", sa.Boolean(), nullable=True))

    _allow_actions(NEW_ACTIONS)
    _watch_offers()


def downgrade() -> None:
    _refuse_if_designations_in_history()
    _allow_actions(OLD_ACTIONS)
    _unwatch_offers()
    for column in ("good_practice", "offer_note_fr", "offer_note_en", "offer_note_ar"):
        op.drop_column("project", column)

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("unsubscribe_url")
        batch_op.drop_column("reply_to")

    with op.batch_alter_table("contact_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_message_thread_id"))

    op.drop_table("contact_message")
    with op.batch_alter_table("project_relation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_relation_target_id"))
        batch_op.drop_index(batch_op.f("ix_project_relation_source_id"))

    op.drop_table("project_relation")
    with op.batch_alter_table("project_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_offer_offer"))

    op.drop_table("project_offer")
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_report_status"))
        batch_op.drop_index(batch_op.f("ix_problem_report_project_id"))

    op.drop_table("problem_report")
    with op.batch_alter_table("good_practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_practice_project_id"))

    op.drop_table("good_practice")
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_project_id"))

    op.drop_table("follow")
    with op.batch_alter_table("contact_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_thread_sender_id"))
        batch_op.drop_index(batch_op.f("ix_contact_thread_project_id"))

    op.drop_table("contact_thread")
    with op.batch_alter_table("contact_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_block_sender_id"))

    op.drop_table("contact_block")
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_search_user_id"))

    op.drop_table("saved_search")


def _refuse_if_designations_in_history() -> None:
    """The history is append-only: events of the two new actions cannot be
    deleted, so the older constraint cannot hold them. Say so plainly."""
    listed = ", ".join(f"'{a}'" for a in NEW_ACTIONS[len(OLD_ACTIONS) :])
    found = (
        op.get_bind()
        .execute(
            sa.text(f"SELECT count(*) FROM moderation_event WHERE action IN ({listed})")
        )
        .scalar_one()
    )
    if found:
        raise RuntimeError(
            f"{found} good-practice designation events are in the moderation "
            "history, which is append-only: this migration cannot be undone"
        )


def _allow_actions(actions: Sequence[str]) -> None:
    """Make the history's `action` CHECK constraint accept exactly `actions`."""
    action = sa.Enum(
        *actions,
        name="moderation_action",
        native_enum=False,
        create_constraint=True,
        length=max(len(a) for a in NEW_ACTIONS),
    )
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("moderation_event", recreate="always") as batch_op:
            batch_op.alter_column("action", type_=action, existing_nullable=False)
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER moderation_event_no_{verb.lower()} "
                f"BEFORE {verb} ON moderation_event "
                f"BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}'); END"
            )
        return
    listed = ", ".join(f"'{a}'" for a in actions)
    op.execute(
        "ALTER TABLE moderation_event "
        "DROP CONSTRAINT ck_moderation_event_moderation_action"
    )
    op.execute(
        "ALTER TABLE moderation_event ADD CONSTRAINT "
        f"ck_moderation_event_moderation_action CHECK (action IN ({listed}))"
    )


def _watch_offers() -> None:
    """The catalog-change triggers (as 6f7a8b9c0d1e made them) on project_offer."""
    if op.get_bind().dialect.name == "sqlite":
        rows = {"insert": ["new"], "delete": ["old"], "update": ["old", "new"]}
        for operation in OPERATIONS:
            inserts = " ".join(
                f"INSERT INTO catalog_change (project_id) VALUES ({row}.project_id);"
                for row in rows[operation]
            )
            op.execute(
                f"CREATE TRIGGER catalog_change_project_offer_{operation} "
                f"AFTER {operation.upper()} ON project_offer BEGIN {inserts} END"
            )
        return
    transition = {
        "insert": "NEW TABLE AS changed_new",
        "update": "OLD TABLE AS changed_old NEW TABLE AS changed_new",
        "delete": "OLD TABLE AS changed_old",
    }
    for operation in OPERATIONS:
        op.execute(
            f"CREATE TRIGGER catalog_change_{operation} "
            f"AFTER {operation.upper()} ON project_offer "
            f"REFERENCING {transition[operation]} FOR EACH STATEMENT "
            "EXECUTE FUNCTION catalog_changed('project_id')"
        )


def _unwatch_offers() -> None:
    for operation in OPERATIONS:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER catalog_change_project_offer_{operation}")
        else:
            op.execute(f"DROP TRIGGER catalog_change_{operation} ON project_offer")
