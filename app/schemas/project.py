"""Project input and output shapes.

`ProjectDraft` holds the rules every stored entry obeys (a draft may be
partial); `ProjectCreate` adds what a complete record needs, which submission
requires. `ProjectPublic` is the public record and has no private field;
`ProjectRecord` is the working record its submitters and moderators see.
"""

import re
from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    StringConstraints,
    UrlConstraints,
    ValidationInfo,
    field_validator,
)

from app.languages import Language
from app.messages import ErrorCode
from app.models.exchange import OFFER_NOTE_MAX_CHARS, Offer
from app.models.project import (
    DESCRIPTION_MAX_CHARS,
    KEYWORD_MAX_CHARS,
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    SUMMARY_MAX_WORDS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    URL_MAX_CHARS,
    GeographicScope,
    ImplementationStatus,
    ProjectStatus,
    UnescoAlignment,
)
from app.models.revision import RevisionStatus
from app.schemas.common import (
    MULTI_LINE,
    SINGLE_LINE,
    Code,
    Iso2,
    LocalizedText,
    TermNumber,
    rule_error,
)

Name = Annotated[
    str, StringConstraints(min_length=1, max_length=NAME_MAX_CHARS), *SINGLE_LINE
]
Keyword = Annotated[
    str, StringConstraints(min_length=1, max_length=KEYWORD_MAX_CHARS), *SINGLE_LINE
]
Title = Annotated[str, StringConstraints(max_length=TITLE_MAX_CHARS), *SINGLE_LINE]
Summary = Annotated[str, StringConstraints(max_length=SUMMARY_MAX_CHARS), *MULTI_LINE]
Description = Annotated[
    str, StringConstraints(max_length=DESCRIPTION_MAX_CHARS), *MULTI_LINE
]
LongText = Annotated[str, StringConstraints(max_length=TEXT_MAX_CHARS), *MULTI_LINE]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX_CHARS), *MULTI_LINE]
OfferNote = Annotated[
    str, StringConstraints(max_length=OFFER_NOTE_MAX_CHARS), *MULTI_LINE
]


# The translated fields of an entry as typed: each language obeys the text
# policy and the field's length (the record's LocalizedText reads any stored text).
class TitleIn(LocalizedText):
    ar: Title | None = None
    en: Title | None = None
    fr: Title | None = None


class SummaryIn(LocalizedText):
    ar: Summary | None = None
    en: Summary | None = None
    fr: Summary | None = None


class DescriptionIn(LocalizedText):
    ar: Description | None = None
    en: Description | None = None
    fr: Description | None = None


class LongTextIn(LocalizedText):
    ar: LongText | None = None
    en: LongText | None = None
    fr: LongText | None = None


class OfferNoteIn(LocalizedText):
    ar: OfferNote | None = None
    en: OfferNote | None = None
    fr: OfferNote | None = None


Value = TypeVar("Value", bound=str | int)


def _unique(values: list[Value]) -> list[Value]:
    if len(set(values)) != len(values):
        raise rule_error(ErrorCode.NOT_UNIQUE)
    return values


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


Codes = Annotated[list[Code], AfterValidator(_unique)]
WebAddress = Annotated[HttpUrl, UrlConstraints(max_length=URL_MAX_CHARS)]
Numbers = Annotated[list[TermNumber], AfterValidator(_unique)]
Countries = Annotated[list[Iso2], AfterValidator(_unique)]
Offers = Annotated[list[Offer], AfterValidator(_unique)]


class OrganizationIn(BaseModel):
    name: Name
    entity_type: Code
    country: Iso2
    website: WebAddress | None = None


class PartnerIn(BaseModel):
    name: Name
    entity_type: Code | None = None
    country: Iso2 | None = None
    website: WebAddress | None = None


class ContactIn(BaseModel):
    name: Name
    email: EmailStr


class ResponsibleAI(BaseModel):
    """How the initiative handles the risks of AI (all optional)."""

    data_sources: str | None = None
    human_oversight: str | None = None
    risk_assessment_done: bool | None = None
    affected_groups: str | None = None
    unesco_alignment: UnescoAlignment | None = None


class ResponsibleAIIn(ResponsibleAI):
    """The responsible-AI answers as typed (text policy and lengths)."""

    data_sources: Note | None = None
    human_oversight: Note | None = None
    affected_groups: Note | None = None


class ProjectDraft(BaseModel):
    """An entry being written: every rule holds, but most fields may be missing."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    original_language: Language
    title: TitleIn
    summary: SummaryIn = SummaryIn()
    description: DescriptionIn = DescriptionIn()
    impact: LongTextIn = LongTextIn()
    challenges: LongTextIn = LongTextIn()
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)

    lead_organization: OrganizationIn | None = None
    partners: list[PartnerIn] = Field(default_factory=list, max_length=30)
    countries: Countries = Field(default_factory=list)
    scope: GeographicScope | None = None
    activity_type: Code | None = None
    implementation_status: ImplementationStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    website: WebAddress | None = None
    contact: ContactIn | None = None

    action_lines: Codes = Field(default_factory=list)
    primary_action_line: Code | None = None
    sdgs: Numbers = Field(default_factory=list)
    wsis_targets: Codes = Field(default_factory=list)
    gdc_objectives: Numbers = Field(default_factory=list)
    technologies: Codes = Field(default_factory=list)
    target_groups: Codes = Field(default_factory=list)
    funding_source: Code | None = None
    budget_range: Code | None = None
    responsible_ai: ResponsibleAIIn = ResponsibleAIIn()
    # What the entry offers other countries and seeks from them (optional),
    # with a short note: app/models/exchange.py.
    offers: Offers = Field(default_factory=list)
    offer_note: OfferNoteIn = OfferNoteIn()

    @field_validator("title")
    @classmethod
    def _title_in_original_language(
        cls, title: TitleIn, info: ValidationInfo
    ) -> TitleIn:
        return _given_in_original_language(title, info)

    @field_validator("summary")
    @classmethod
    def _summary_is_short(cls, summary: SummaryIn) -> SummaryIn:
        for lang in summary.languages():
            if _word_count(getattr(summary, lang)) > SUMMARY_MAX_WORDS:
                raise rule_error(
                    ErrorCode.SUMMARY_TOO_LONG,
                    language=lang,
                    max_words=SUMMARY_MAX_WORDS,
                )
        return summary

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(
        cls, end: date | None, info: ValidationInfo
    ) -> date | None:
        start = info.data.get("start_date")
        if end is not None and start is not None and end < start:
            raise rule_error(ErrorCode.END_BEFORE_START)
        return end

    @field_validator("primary_action_line")
    @classmethod
    def _primary_is_listed(
        cls, primary: str | None, info: ValidationInfo
    ) -> str | None:
        listed = info.data.get("action_lines")
        if primary is not None and listed is not None and primary not in listed:
            raise rule_error(ErrorCode.PRIMARY_NOT_LISTED)
        return primary


Text = TypeVar("Text", bound=LocalizedText)


def _given_in_original_language(text: Text, info: ValidationInfo) -> Text:
    original = info.data.get("original_language")
    if original is not None and getattr(text, original.value) is None:
        raise rule_error(
            ErrorCode.REQUIRED_IN_ORIGINAL_LANGUAGE, language=original.value
        )
    return text


class ProjectCreate(ProjectDraft):
    """A complete record: what an entry needs before it can be submitted."""

    summary: SummaryIn
    lead_organization: OrganizationIn
    countries: Countries = Field(min_length=1)
    scope: GeographicScope
    activity_type: Code
    implementation_status: ImplementationStatus
    contact: ContactIn
    action_lines: Codes = Field(min_length=1)
    primary_action_line: Code
    sdgs: Numbers = Field(min_length=1)

    @field_validator("summary")
    @classmethod
    def _summary_in_original_language(
        cls, summary: SummaryIn, info: ValidationInfo
    ) -> SummaryIn:
        return _given_in_original_language(summary, info)


class ProjectUpdate(BaseModel):
    """A change to an entry: the fields given replace the stored ones.

    `version` is the version the change was made from; a stale one is refused.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "description": "`version` plus any fields of ProjectDraft to replace."
        },
    )

    version: int = Field(ge=1)


class OrganizationPublic(BaseModel):
    name: str | None
    entity_type: str | None
    country: str | None
    website: str | None


class GoodPracticeSummary(BaseModel):
    """An entry's good-practice designation in force (app/services/designations.py)."""

    citation: LocalizedText
    year: int
    framework: str | None
    designated_at: datetime


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
    lead_organization: OrganizationPublic | None
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
    offers: list[Offer]
    offer_note: LocalizedText
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    last_verified_at: datetime | None
    good_practice: GoodPracticeSummary | None = Field(
        default=None, description="AICTO's good-practice designation, if in force."
    )


class ContactPublic(BaseModel):
    name: str | None
    email: str | None


class ProjectRecord(ProjectPublic):
    """The working record, for its submitters and moderators (never public)."""

    status: ProjectStatus
    version: int
    contact: ContactPublic
    home_country: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    endorsed_at: datetime | None
    open_revision: RevisionStatus | None
