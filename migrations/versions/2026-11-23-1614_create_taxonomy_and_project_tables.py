"""Create the taxonomy tables and the project tables.

The foundation schema: the WSIS reference taxonomies (action lines with the
WSIS-SDG matrix, SDGs, WSIS targets, GDC objectives, countries and the small
vocabularies), each term with ar/en/fr names and a retired_at; the project
with its translated text columns, private contact, responsible-AI block and
moderation status; and one link table per many-to-many taxonomy field.

Revision ID: caffef548c3f
Revises:
Create Date: 2026-11-23 16:14:29.954641+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "caffef548c3f"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_line",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("parent_code", sa.String(length=8), nullable=True),
        sa.Column("lead_facilitator", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["action_line.code"],
            name=op.f("fk_action_line_parent_code_action_line"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_action_line")),
    )
    op.create_table(
        "activity_type",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_activity_type")),
    )
    op.create_table(
        "budget_range",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_budget_range")),
    )
    op.create_table(
        "entity_type",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_entity_type")),
    )
    op.create_table(
        "funding_source",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_funding_source")),
    )
    op.create_table(
        "gdc_objective",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_gdc_objective")),
    )
    op.create_table(
        "sdg",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sdg")),
    )
    op.create_table(
        "sub_region",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sub_region")),
    )
    op.create_table(
        "target_group",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_target_group")),
    )
    op.create_table(
        "technology",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_technology")),
    )
    op.create_table(
        "wsis_target",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code", sa.String(length=1), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_wsis_target")),
    )
    op.create_table(
        "action_line_sdg",
        sa.Column("action_line_code", sa.String(length=8), nullable=False),
        sa.Column("sdg_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_line_code"],
            ["action_line.code"],
            name=op.f("fk_action_line_sdg_action_line_code_action_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sdg_number"],
            ["sdg.number"],
            name=op.f("fk_action_line_sdg_sdg_number_sdg"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "action_line_code", "sdg_number", name=op.f("pk_action_line_sdg")
        ),
    )
    op.create_table(
        "country",
        sa.Column("name_ar", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_fr", sa.String(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("iso2", sa.String(length=2), nullable=False),
        sa.Column("sub_region_code", sa.String(length=40), nullable=False),
        sa.Column(
            "aicto_membership",
            sa.Enum(
                "member",
                "signatory_pending",
                "non_signatory",
                name="aicto_membership",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["sub_region_code"],
            ["sub_region.code"],
            name=op.f("fk_country_sub_region_code_sub_region"),
        ),
        sa.PrimaryKeyConstraint("iso2", name=op.f("pk_country")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "approved",
                "rejected",
                "withdrawn",
                "archived",
                name="project_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column(
            "original_language",
            sa.Enum(
                "ar",
                "en",
                "fr",
                name="language",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title_ar", sa.String(length=300), nullable=True),
        sa.Column("title_en", sa.String(length=300), nullable=True),
        sa.Column("title_fr", sa.String(length=300), nullable=True),
        sa.Column("summary_ar", sa.Text(), nullable=True),
        sa.Column("summary_en", sa.Text(), nullable=True),
        sa.Column("summary_fr", sa.Text(), nullable=True),
        sa.Column("description_ar", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("description_fr", sa.Text(), nullable=True),
        sa.Column("impact_ar", sa.Text(), nullable=True),
        sa.Column("impact_en", sa.Text(), nullable=True),
        sa.Column("impact_fr", sa.Text(), nullable=True),
        sa.Column("challenges_ar", sa.Text(), nullable=True),
        sa.Column("challenges_en", sa.Text(), nullable=True),
        sa.Column("challenges_fr", sa.Text(), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("lead_org_name", sa.String(length=300), nullable=True),
        sa.Column("lead_org_entity_type_code", sa.String(length=40), nullable=True),
        sa.Column("lead_org_country_iso2", sa.String(length=2), nullable=True),
        sa.Column("lead_org_website", sa.String(length=500), nullable=True),
        sa.Column(
            "scope",
            sa.Enum(
                "local",
                "national",
                "regional",
                "international",
                name="geographic_scope",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("activity_type_code", sa.String(length=40), nullable=True),
        sa.Column(
            "implementation_status",
            sa.Enum(
                "planned",
                "ongoing",
                "completed",
                name="implementation_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("contact_name", sa.String(length=300), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("primary_action_line_code", sa.String(length=8), nullable=True),
        sa.Column("funding_source_code", sa.String(length=40), nullable=True),
        sa.Column("budget_range_code", sa.String(length=40), nullable=True),
        sa.Column("rai_data_sources", sa.Text(), nullable=True),
        sa.Column("rai_human_oversight", sa.Text(), nullable=True),
        sa.Column("rai_risk_assessment_done", sa.Boolean(), nullable=True),
        sa.Column("rai_affected_groups", sa.Text(), nullable=True),
        sa.Column(
            "rai_unesco_alignment",
            sa.Enum(
                "yes",
                "partly",
                "no",
                name="unesco_alignment",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_project_end_not_before_start"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_type_code"],
            ["activity_type.code"],
            name=op.f("fk_project_activity_type_code_activity_type"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_range_code"],
            ["budget_range.code"],
            name=op.f("fk_project_budget_range_code_budget_range"),
        ),
        sa.ForeignKeyConstraint(
            ["funding_source_code"],
            ["funding_source.code"],
            name=op.f("fk_project_funding_source_code_funding_source"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_org_country_iso2"],
            ["country.iso2"],
            name=op.f("fk_project_lead_org_country_iso2_country"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_org_entity_type_code"],
            ["entity_type.code"],
            name=op.f("fk_project_lead_org_entity_type_code_entity_type"),
        ),
        sa.ForeignKeyConstraint(
            ["primary_action_line_code"],
            ["action_line.code"],
            name=op.f("fk_project_primary_action_line_code_action_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("public_id", name=op.f("uq_project_public_id")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_status_published_at_id",
            ["status", "published_at", "id"],
            unique=False,
        )

    op.create_table(
        "project_action_line",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("action_line_code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_line_code"],
            ["action_line.code"],
            name=op.f("fk_project_action_line_action_line_code_action_line"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_action_line_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "action_line_code", name=op.f("pk_project_action_line")
        ),
    )
    with op.batch_alter_table("project_action_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_action_line_action_line_code"),
            ["action_line_code", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_country",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("country_iso2", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_iso2"],
            ["country.iso2"],
            name=op.f("fk_project_country_country_iso2_country"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_country_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "country_iso2", name=op.f("pk_project_country")
        ),
    )
    with op.batch_alter_table("project_country", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_country_country_iso2"),
            ["country_iso2", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_gdc_objective",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("gdc_objective_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gdc_objective_number"],
            ["gdc_objective.number"],
            name=op.f("fk_project_gdc_objective_gdc_objective_number_gdc_objective"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_gdc_objective_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "gdc_objective_number", name=op.f("pk_project_gdc_objective")
        ),
    )
    with op.batch_alter_table("project_gdc_objective", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_gdc_objective_gdc_objective_number"),
            ["gdc_objective_number", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("entity_type_code", sa.String(length=40), nullable=True),
        sa.Column("country_iso2", sa.String(length=2), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["country_iso2"],
            ["country.iso2"],
            name=op.f("fk_project_partner_country_iso2_country"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_type_code"],
            ["entity_type.code"],
            name=op.f("fk_project_partner_entity_type_code_entity_type"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_partner_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_partner")),
    )
    with op.batch_alter_table("project_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_partner_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "project_sdg",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("sdg_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_sdg_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sdg_number"], ["sdg.number"], name=op.f("fk_project_sdg_sdg_number_sdg")
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "sdg_number", name=op.f("pk_project_sdg")
        ),
    )
    with op.batch_alter_table("project_sdg", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_sdg_sdg_number"),
            ["sdg_number", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_target_group",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("target_group_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_target_group_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_group_code"],
            ["target_group.code"],
            name=op.f("fk_project_target_group_target_group_code_target_group"),
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "target_group_code", name=op.f("pk_project_target_group")
        ),
    )
    with op.batch_alter_table("project_target_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_target_group_target_group_code"),
            ["target_group_code", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_technology",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("technology_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_technology_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technology_code"],
            ["technology.code"],
            name=op.f("fk_project_technology_technology_code_technology"),
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "technology_code", name=op.f("pk_project_technology")
        ),
    )
    with op.batch_alter_table("project_technology", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_technology_technology_code"),
            ["technology_code", "project_id"],
            unique=False,
        )

    op.create_table(
        "project_wsis_target",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("wsis_target_code", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_wsis_target_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wsis_target_code"],
            ["wsis_target.code"],
            name=op.f("fk_project_wsis_target_wsis_target_code_wsis_target"),
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "wsis_target_code", name=op.f("pk_project_wsis_target")
        ),
    )
    with op.batch_alter_table("project_wsis_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_wsis_target_wsis_target_code"),
            ["wsis_target_code", "project_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("project_wsis_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_wsis_target_wsis_target_code"))

    op.drop_table("project_wsis_target")
    with op.batch_alter_table("project_technology", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_technology_technology_code"))

    op.drop_table("project_technology")
    with op.batch_alter_table("project_target_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_target_group_target_group_code"))

    op.drop_table("project_target_group")
    with op.batch_alter_table("project_sdg", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_sdg_sdg_number"))

    op.drop_table("project_sdg")
    with op.batch_alter_table("project_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_partner_project_id"))

    op.drop_table("project_partner")
    with op.batch_alter_table("project_gdc_objective", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_gdc_objective_gdc_objective_number"))

    op.drop_table("project_gdc_objective")
    with op.batch_alter_table("project_country", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_country_country_iso2"))

    op.drop_table("project_country")
    with op.batch_alter_table("project_action_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_action_line_action_line_code"))

    op.drop_table("project_action_line")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_status_published_at_id")

    op.drop_table("project")
    op.drop_table("country")
    op.drop_table("action_line_sdg")
    op.drop_table("wsis_target")
    op.drop_table("technology")
    op.drop_table("target_group")
    op.drop_table("sub_region")
    op.drop_table("sdg")
    op.drop_table("gdc_objective")
    op.drop_table("funding_source")
    op.drop_table("entity_type")
    op.drop_table("budget_range")
    op.drop_table("activity_type")
    op.drop_table("action_line")
