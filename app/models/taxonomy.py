"""Reference taxonomies: WSIS action lines, SDGs, WSIS targets, GDC objectives,
countries and the small vocabularies a project is filed against.

Every term carries its name in Arabic, English and French and a `retired_at`:
terms dropped from the seed files are retired, never deleted, so entries filed
against them stay valid.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Enum, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime


class TermBase(SQLModel):
    """Names in the three interface languages, display order and retirement."""

    name_ar: str
    name_en: str
    name_fr: str
    sort_order: int = 0
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CodedTermBase(TermBase):
    """A term identified by a short, stable, lowercase code."""

    code: str = Field(primary_key=True, max_length=40)


class SubRegion(CodedTermBase, table=True):
    """One of the five sub-regions the Arab states are grouped into."""

    __tablename__ = "sub_region"


class AictoMembership(StrEnum):
    MEMBER = "member"
    SIGNATORY_PENDING = "signatory_pending"
    NON_SIGNATORY = "non_signatory"


class Country(TermBase, table=True):
    """A League of Arab States member, by ISO 3166-1 alpha-2 code."""

    __tablename__ = "country"

    iso2: str = Field(primary_key=True, min_length=2, max_length=2)
    sub_region_code: str = Field(foreign_key="sub_region.code", max_length=40)
    aicto_membership: AictoMembership = Field(
        sa_column=Column(
            Enum(
                AictoMembership,
                native_enum=False,
                length=20,
                values_callable=lambda e: [m.value for m in e],
                name="aicto_membership",
                create_constraint=True,
            ),
            nullable=False,
        )
    )


class ActionLine(TermBase, table=True):
    """A WSIS Action Line (C1-C11) or one of C7's application areas (C7.1-C7.8)."""

    __tablename__ = "action_line"

    code: str = Field(primary_key=True, max_length=8)
    parent_code: str | None = Field(
        default=None, foreign_key="action_line.code", max_length=8
    )
    lead_facilitator: str = ""


class Sdg(TermBase, table=True):
    """A Sustainable Development Goal, with its official colour."""

    __tablename__ = "sdg"

    number: int = Field(
        sa_column=Column(Integer, primary_key=True, autoincrement=False)
    )
    color: str = Field(max_length=7)


class ActionLineSdg(SQLModel, table=True):
    """The WSIS-SDG matrix: which SDGs an action line contributes to."""

    __tablename__ = "action_line_sdg"

    action_line_code: str = Field(
        sa_column=Column(
            ForeignKey("action_line.code", ondelete="CASCADE"), primary_key=True
        )
    )
    sdg_number: int = Field(
        sa_column=Column(ForeignKey("sdg.number", ondelete="CASCADE"), primary_key=True)
    )


class WsisTarget(TermBase, table=True):
    """One of the ten indicative WSIS targets (Geneva Plan of Action, para. 6)."""

    __tablename__ = "wsis_target"

    code: str = Field(primary_key=True, max_length=1)


class GdcObjective(TermBase, table=True):
    """One of the five objectives of the Global Digital Compact (2024)."""

    __tablename__ = "gdc_objective"

    number: int = Field(
        sa_column=Column(Integer, primary_key=True, autoincrement=False)
    )


class Technology(CodedTermBase, table=True):
    __tablename__ = "technology"


class EntityType(CodedTermBase, table=True):
    __tablename__ = "entity_type"


class ActivityType(CodedTermBase, table=True):
    __tablename__ = "activity_type"


class TargetGroup(CodedTermBase, table=True):
    __tablename__ = "target_group"


class FundingSource(CodedTermBase, table=True):
    __tablename__ = "funding_source"


class BudgetRange(CodedTermBase, table=True):
    __tablename__ = "budget_range"
