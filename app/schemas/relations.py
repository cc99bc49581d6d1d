"""Relations between entries and the knowledge flows: request and answer shapes."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.languages import Language
from app.messages import ErrorCode
from app.models import RelationKind, RelationStatus
from app.schemas.common import MULTI_LINE, SINGLE_LINE, LocalizedText, rule_error

NOTE_MAX_CHARS = 1_000
# An entry's public id, alone or at the end of its address
# (`https://…/projects/7K2M9QX4TB?lang=ar`).
_ENTRY_REFERENCE = re.compile(
    r"^(?:.*/projects/)?(?P<id>[0-9A-Za-z]{1,32})/?(?:[?#].*)?$"
)


class RelationReading(StrEnum):
    """A relation as read from one entry's side: the kind, and which end this
    entry is (services.relations.READINGS)."""

    REPLICATED_IN = "replicated_in"  # this entry was replicated as the other
    REPLICATED_FROM = "replicated_from"
    SAME_PROGRAMME = "same_programme"
    FOLLOWED_BY = "followed_by"  # the other is a follow-up phase of this one
    FOLLOW_UP_OF = "follow_up_of"
    INSPIRED = "inspired"
    INSPIRED_BY = "inspired_by"


RelationAction = Literal["accept", "decline", "withdraw"]


class RelationIn(BaseModel):
    """A proposal, made on one entry: how it relates to `other`."""

    model_config = ConfigDict(extra="forbid")

    other: Annotated[
        str, StringConstraints(min_length=1, max_length=500), *SINGLE_LINE
    ] = Field(description="The other entry's public id, or its page's address.")
    relation: RelationReading = Field(
        description="How this entry relates to the other, read from this side."
    )
    note: (
        Annotated[str, StringConstraints(max_length=NOTE_MAX_CHARS), *MULTI_LINE] | None
    ) = Field(default=None, description="For the two teams and the moderators.")

    @field_validator("other")
    @classmethod
    def _public_id(cls, value: str) -> str:
        found = _ENTRY_REFERENCE.match(value)
        if found is None:
            raise rule_error(ErrorCode.PROJECT_NOT_FOUND)
        return found.group("id")

    @field_validator("note")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class RelatedEntry(BaseModel):
    """The entry at the other end of a relation."""

    id: str
    title: LocalizedText
    original_language: Language
    home_country: str | None
    published: bool


class RelationPublic(BaseModel):
    """A relation read from one entry's side. `note` is for the two teams and
    the moderators; `actions` are what the caller may do with it now."""

    id: int
    relation: RelationReading
    kind: RelationKind
    status: RelationStatus
    source: str
    target: str
    other: RelatedEntry
    proposed_here: bool = Field(description="Proposed by this entry's side.")
    proposed_at: datetime
    decided_at: datetime | None
    note: str | None = None
    actions: list[RelationAction] = []


class ProjectRelations(BaseModel):
    """An entry's relations: the accepted ones (both directions) and, for the
    two teams and the moderators, the proposals waiting."""

    project: str
    entry: RelatedEntry = Field(description="The entry asked about.")
    may_propose: bool = Field(description="The caller may propose relations here.")
    replicated_in_countries: int
    replicated_in: list[str] = Field(description="Those countries' ISO codes.")
    relations: list[RelationPublic]
    pending: list[RelationPublic]


class ProposedRelation(BaseModel):
    """A proposal waiting, for the moderators: `relation` reads from the
    proposing entry's side."""

    id: int
    relation: RelationReading
    kind: RelationKind
    proposing: RelatedEntry
    other: RelatedEntry
    proposed_by: str
    proposed_at: datetime
    note: str | None


class ReplicatedEntry(BaseModel):
    id: str
    title: LocalizedText
    original_language: Language
    home_country: str | None
    replicated_in_countries: int
    replicated_in: list[str]
    published_at: datetime | None


class ReplicatedPage(BaseModel):
    """Published entries replicated elsewhere, with their figure."""

    items: list[ReplicatedEntry]
    total: int


ReplicatedSort = Literal["replications", "newest"]


class ReplicatedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sort: ReplicatedSort = "replications"
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)


class FlowCountry(BaseModel):
    iso2: str
    name: str


class KnowledgeFlow(BaseModel):
    """Accepted relations between published entries of two countries, plus
    the contacts between them when those alone reach the threshold."""

    countries: tuple[str, str]
    total: int


class KnowledgeFlows(BaseModel):
    """Country pairs whose total reaches `threshold` (contacts count only when
    they alone reach it); smaller counts are left out (they could name
    someone)."""

    threshold: int
    countries: list[FlowCountry]
    pairs: list[KnowledgeFlow]
