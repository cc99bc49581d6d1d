"""Project input and output shapes.

`ProjectCreate` holds the rules of a complete record (what submission will
require); `ProjectPublic` is the public record and has no private field.
"""

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.models.project import (
    NAME_MAX_CHARS,
    SUMMARY_MAX_WORDS,
    TITLE_MAX_CHARS,
    GeographicScope,
    ImplementationStatus,
    Language,
    UnescoAlignment,
)
from app.schemas.common import CleanText, Code, Iso2, LocalizedText

Name = Annotated[
    CleanText,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_CHARS),
]
Keyword = Annotated[
    CleanText, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)
]


def _unique(values: list[str] | list[int]) -> list[str] | list[int]:
    if len(set(values)) != len(values):
        raise ValueError("each value may be given only once")
    return values


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


class OrganizationIn(BaseModel):
    name: Name
    entity_type: Code
    country: Iso2
    website: HttpUrl | None = None


class PartnerIn(BaseModel):
    name: Name
    entity_type: Code | None = None
    country: Iso2 | None = None
    website: HttpUrl | None = None


class ContactIn(BaseModel):
    name: Name
    email: EmailStr


class ResponsibleAI(BaseModel):
    """How the initiative handles the risks of AI (all optional)."""

    data_sources: CleanText | None = None
    human_oversight: CleanText | None = None
    risk_assessment_done: bool | None = None
    affected_groups: CleanText | None = None
    unesco_alignment: UnescoAlignment | None = None


class ProjectCreate(BaseModel):
    """A complete project record, as a submitter provides it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    original_language: Language
    title: LocalizedText
    summary: LocalizedText
    description: LocalizedText = LocalizedText()
    impact: LocalizedText = LocalizedText()
    challenges: LocalizedText = LocalizedText()
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)

    lead_organization: OrganizationIn
    partners: list[PartnerIn] = Field(default_factory=list, max_length=30)
    countries: Annotated[list[Iso2], AfterValidator(_unique)] = Field(min_length=1)
    scope: GeographicScope
    activity_type: Code
    implementation_status: ImplementationStatus
    start_date: date | None = None
    end_date: date | None = None
    website: HttpUrl | None = None
    contact: ContactIn

    action_lines: Annotated[list[Code], AfterValidator(_unique)] = Field(min_length=1)
    primary_action_line: Code
    sdgs: Annotated[list[int], AfterValidator(_unique)] = Field(min_length=1)
    wsis_targets: Annotated[list[Code], AfterValidator(_unique)] = Field(
        default_factory=list
    )
    gdc_objectives: Annotated[list[int], AfterValidator(_unique)] = Field(
        default_factory=list
    )
    technologies: Annotated[list[Code], AfterValidator(_unique)] = Field(
        default_factory=list
    )
    target_groups: Annotated[list[Code], AfterValidator(_unique)] = Field(
        default_factory=list
    )
    funding_source: Code | None = None
    budget_range: Code | None = None
    responsible_ai: ResponsibleAI = ResponsibleAI()

    @field_validator("title", "summary")
    @classmethod
    def _given_in_original_language(
        cls, text: LocalizedText, info: ValidationInfo
    ) -> LocalizedText:
        original = info.data.get("original_language")
        if original is not None and getattr(text, original.value) is None:
            raise ValueError(
                f"required in the original language of the entry ({original.value})"
            )
        return text

    @field_validator("title")
    @classmethod
    def _title_fits(cls, title: LocalizedText) -> LocalizedText:
        for lang in title.languages():
            if len(getattr(title, lang)) > TITLE_MAX_CHARS:
                raise ValueError(
                    f"the {lang} title is longer than {TITLE_MAX_CHARS} characters"
                )
        return title

    @field_validator("summary")
    @classmethod
    def _summary_is_short(cls, summary: LocalizedText) -> LocalizedText:
        for lang in summary.languages():
            if _word_count(getattr(summary, lang)) > SUMMARY_MAX_WORDS:
                raise ValueError(
                    f"the {lang} summary is longer than {SUMMARY_MAX_WORDS} words"
                )
        return summary

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(
        cls, end: date | None, info: ValidationInfo
    ) -> date | None:
        start = info.data.get("start_date")
        if end is not None and start is not None and end < start:
            raise ValueError("the end date cannot be before the start date")
        return end

    @field_validator("primary_action_line")
    @classmethod
    def _primary_is_listed(cls, primary: str, info: ValidationInfo) -> str:
        listed = info.data.get("action_lines")
        if listed is not None and primary not in listed:
            raise ValueError("the primary action line must be one of the action lines")
        return primary


class OrganizationPublic(BaseModel):
    name: str | None
    entity_type: str | None
    country: str | None
    website: str | None


class ProjectPublic(BaseModel):
    """The public record of an approved project. Contact details are private."""

    id: str
    is_sample: bool
    original_language: Language
    title: LocalizedText
    summary: LocalizedText
    description: LocalizedText
    impact: LocalizedText
    challenges: LocalizedText
    keywords: list[str]
    lead_organization: OrganizationPublic
    partners: list[OrganizationPublic]
    countries: list[str]
    scope: GeographicScope | None
    activity_type: str | None
    implementation_status: ImplementationStatus | None
    start_date: date | None
    end_date: date | None
    website: str | None
    action_lines: list[str]
    primary_action_line: str | None
    sdgs: list[int]
    wsis_targets: list[str]
    gdc_objectives: list[int]
    technologies: list[str]
    target_groups: list[str]
    funding_source: str | None
    budget_range: str | None
    responsible_ai: ResponsibleAI
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    last_verified_at: datetime | None


class ProjectPage(BaseModel):
    """One page of a listing: `next_cursor` is null on the last page."""

    items: list[ProjectPublic]
    total: int
    next_cursor: str | None
