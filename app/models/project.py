"""The project (an entry of the repository) and its links to the taxonomies.

Free text is stored once per interface language (`title_ar`, `title_en`,
`title_fr`, ...) so a listing reads one row per project; taxonomy links are
many-to-many tables keyed by the term's natural code.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Enum, ForeignKey, Index, Text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.languages import Language

TITLE_MAX_CHARS = 300
SUMMARY_MAX_WORDS = 200
SUMMARY_MAX_CHARS = 2_000  # 200 words of ~10 characters: one 1 MB "word" is not
DESCRIPTION_MAX_CHARS = 20_000
TEXT_MAX_CHARS = 10_000  # impact, challenges
NOTE_MAX_CHARS = 5_000  # the responsible-AI answers
KEYWORD_MAX_CHARS = 60
NAME_MAX_CHARS = 300
URL_MAX_CHARS = 500


class ProjectStatus(StrEnum):
    """Moderation status; only `approved` entries are public."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"


class ImplementationStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    COMPLETED = "completed"


class GeographicScope(StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    REGIONAL = "regional"
    INTERNATIONAL = "international"


class UnescoAlignment(StrEnum):
    """Alignment with the UNESCO Recommendation on the Ethics of AI (2021)."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


def enum_column(enum: type[StrEnum], name: str, *, nullable: bool) -> Any:
    """A VARCHAR + CHECK column holding `enum`'s values (portable, no PG types)."""
    return Column(
        Enum(
            enum,
            native_enum=False,
            length=max(len(member.value) for member in enum),
            values_callable=lambda members: [member.value for member in members],
            name=name,
            create_constraint=True,
        ),
        nullable=nullable,
    )


def text_column(*, nullable: bool = True) -> Any:
    return Column(Text, nullable=nullable)


def link_column(target: str) -> Any:
    return Column(ForeignKey(target), primary_key=True)


class Project(SQLModel, table=True):
    """An initiative, project or good practice filed against the WSIS structure."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_not_before_start",
        ),
        Index("ix_project_status_published_at_id", "status", "published_at", "id"),
        Index("ix_project_status_submitted_at_id", "status", "submitted_at", "id"),
        # Covers what the catalog index reads of every approved entry, so that
        # read skips the long text columns (app/services/catalog_index.py).
        Index(
            "ix_project_catalog",
            "status",
            "id",
            "published_at",
            "start_date",
            "end_date",
            "lead_org_entity_type_code",
            "activity_type_code",
            "implementation_status",
            "scope",
        ),
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - a declared_attr
        # Optimistic concurrency: every write bumps `version`, and a write made
        # from a stale copy fails (StaleDataError -> 409), never overwrites.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=16, unique=True)
    status: ProjectStatus = Field(
        default=ProjectStatus.DRAFT,
        sa_column=enum_column(ProjectStatus, "project_status", nullable=False),
    )
    is_sample: bool = False
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    owner_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True
    )
    # The member state the entry is filed by: its focal point may act on it.
    home_country_iso2: str | None = Field(
        default=None, foreign_key="country.iso2", max_length=2, index=True
    )
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    endorsed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    endorsed_by_id: int | None = Field(default=None, foreign_key="user_account.id")

    original_language: Language = Field(
        sa_column=enum_column(Language, "language", nullable=False)
    )
    title_ar: str | None = Field(default=None, max_length=TITLE_MAX_CHARS)
    title_en: str | None = Field(default=None, max_length=TITLE_MAX_CHARS)
    title_fr: str | None = Field(default=None, max_length=TITLE_MAX_CHARS)
    summary_ar: str | None = Field(default=None, sa_column=text_column())
    summary_en: str | None = Field(default=None, sa_column=text_column())
    summary_fr: str | None = Field(default=None, sa_column=text_column())
    description_ar: str | None = Field(default=None, sa_column=text_column())
    description_en: str | None = Field(default=None, sa_column=text_column())
    description_fr: str | None = Field(default=None, sa_column=text_column())
    impact_ar: str | None = Field(default=None, sa_column=text_column())
    impact_en: str | None = Field(default=None, sa_column=text_column())
    impact_fr: str | None = Field(default=None, sa_column=text_column())
    challenges_ar: str | None = Field(default=None, sa_column=text_column())
    challenges_en: str | None = Field(default=None, sa_column=text_column())
    challenges_fr: str | None = Field(default=None, sa_column=text_column())
    keywords: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # Folded words of the texts above and the organisations' names (app.folding):
    # what full-text search indexes (FTS5 on SQLite, a tsvector index on
    # PostgreSQL; both created by the migrations, outside these models).
    search_document: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )

    lead_org_name: str | None = Field(default=None, max_length=NAME_MAX_CHARS)
    lead_org_entity_type_code: str | None = Field(
        default=None, foreign_key="entity_type.code", max_length=40
    )
    lead_org_country_iso2: str | None = Field(
        default=None, foreign_key="country.iso2", max_length=2
    )
    lead_org_website: str | None = Field(default=None, max_length=URL_MAX_CHARS)

    scope: GeographicScope | None = Field(
        default=None,
        sa_column=enum_column(GeographicScope, "geographic_scope", nullable=True),
    )
    activity_type_code: str | None = Field(
        default=None, foreign_key="activity_type.code", max_length=40
    )
    implementation_status: ImplementationStatus | None = Field(
        default=None,
        sa_column=enum_column(
            ImplementationStatus, "implementation_status", nullable=True
        ),
    )
    start_date: date | None = None
    end_date: date | None = None
    website: str | None = Field(default=None, max_length=URL_MAX_CHARS)

    # Private: never part of any public output (see schemas.project.ProjectPublic).
    contact_name: str | None = Field(default=None, max_length=NAME_MAX_CHARS)
    contact_email: str | None = Field(default=None, max_length=320)

    primary_action_line_code: str | None = Field(
        default=None, foreign_key="action_line.code", max_length=8
    )
    funding_source_code: str | None = Field(
        default=None, foreign_key="funding_source.code", max_length=40
    )
    budget_range_code: str | None = Field(
        default=None, foreign_key="budget_range.code", max_length=40
    )

    rai_data_sources: str | None = Field(default=None, sa_column=text_column())
    rai_human_oversight: str | None = Field(default=None, sa_column=text_column())
    rai_risk_assessment_done: bool | None = None
    rai_affected_groups: str | None = Field(default=None, sa_column=text_column())
    rai_unesco_alignment: UnescoAlignment | None = Field(
        default=None,
        sa_column=enum_column(UnescoAlignment, "unesco_alignment", nullable=True),
    )
    # What the entry offers and seeks (its `ProjectOffer` rows), in a note.
    offer_note_ar: str | None = Field(default=None, sa_column=text_column())
    offer_note_en: str | None = Field(default=None, sa_column=text_column())
    offer_note_fr: str | None = Field(default=None, sa_column=text_column())
    # True while a good-practice designation is in force, else NULL (not
    # False): the catalog index reads only the designated entries
    # (app/services/designations.py keeps it in step with `GoodPractice`).
    good_practice: bool | None = Field(default=None)

    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProjectPartner(SQLModel, table=True):
    """A partner organisation of a project, in the order the submitter gave."""

    __tablename__ = "project_partner"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(
            ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int = 0
    name: str = Field(max_length=NAME_MAX_CHARS)
    entity_type_code: str | None = Field(
        default=None, foreign_key="entity_type.code", max_length=40
    )
    country_iso2: str | None = Field(
        default=None, foreign_key="country.iso2", max_length=2
    )
    website: str | None = Field(default=None, max_length=URL_MAX_CHARS)


# Link tables: (project_id, term) primary key, plus an index led by the term so
# that "projects filed under X" is an index range scan.


class ProjectLink(SQLModel):
    """The project side of every project <-> taxonomy link table."""

    project_id: int = Field(
        foreign_key="project.id", primary_key=True, ondelete="CASCADE"
    )


class ProjectActionLine(ProjectLink, table=True):
    __tablename__ = "project_action_line"
    __table_args__ = (Index(None, "action_line_code", "project_id"),)

    action_line_code: str = Field(sa_column=link_column("action_line.code"))


class ProjectCountry(ProjectLink, table=True):
    __tablename__ = "project_country"
    __table_args__ = (Index(None, "country_iso2", "project_id"),)

    country_iso2: str = Field(sa_column=link_column("country.iso2"))


class ProjectSdg(ProjectLink, table=True):
    __tablename__ = "project_sdg"
    __table_args__ = (Index(None, "sdg_number", "project_id"),)

    sdg_number: int = Field(sa_column=link_column("sdg.number"))


class ProjectWsisTarget(ProjectLink, table=True):
    __tablename__ = "project_wsis_target"
    __table_args__ = (Index(None, "wsis_target_code", "project_id"),)

    wsis_target_code: str = Field(sa_column=link_column("wsis_target.code"))


class ProjectGdcObjective(ProjectLink, table=True):
    __tablename__ = "project_gdc_objective"
    __table_args__ = (Index(None, "gdc_objective_number", "project_id"),)

    gdc_objective_number: int = Field(sa_column=link_column("gdc_objective.number"))


class ProjectTechnology(ProjectLink, table=True):
    __tablename__ = "project_technology"
    __table_args__ = (Index(None, "technology_code", "project_id"),)

    technology_code: str = Field(sa_column=link_column("technology.code"))


class ProjectTargetGroup(ProjectLink, table=True):
    __tablename__ = "project_target_group"
    __table_args__ = (Index(None, "target_group_code", "project_id"),)

    target_group_code: str = Field(sa_column=link_column("target_group.code"))
