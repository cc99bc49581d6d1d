"""Search parameters and results, shared by the API, exports and (later) pages."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.models import GeographicScope, ImplementationStatus
from app.schemas.common import CleanText, Code, Iso2, TermNumber
from app.schemas.project import ProjectPublic

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
Year = Annotated[int, Field(ge=1900, le=2200)]
Lang = Annotated[str, StringConstraints(pattern=r"^(ar|en|fr)$")]


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    TITLE = "title"
    START_DATE = "start_date"


class ProjectFilters(BaseModel):
    """What to find. Each filter is repeatable: OR within one filter, AND across
    filters. `action_line=C7` also matches C7.1-C7.8. Years select entries
    running at some time in [year_from, year_to]."""

    action_line: list[Code] = Field(default_factory=list)
    sdg: list[TermNumber] = Field(default_factory=list)
    country: list[Iso2] = Field(default_factory=list)
    sub_region: list[Code] = Field(default_factory=list)
    entity_type: list[Code] = Field(default_factory=list)
    activity_type: list[Code] = Field(default_factory=list)
    technology: list[Code] = Field(default_factory=list)
    target_group: list[Code] = Field(default_factory=list)
    wsis_target: list[Code] = Field(default_factory=list)
    gdc_objective: list[TermNumber] = Field(default_factory=list)
    implementation_status: list[ImplementationStatus] = Field(default_factory=list)
    scope: list[GeographicScope] = Field(default_factory=list)
    year_from: Year | None = None
    year_to: Year | None = None
    q: Annotated[CleanText, StringConstraints(max_length=200)] | None = Field(
        default=None,
        description="Full text, Arabic-aware; the last word may be a prefix.",
    )
    lang: Lang | None = Field(
        default=None, description="Language of labels (else Accept-Language)."
    )


class SearchParams(ProjectFilters):
    """A page of search results."""

    sort: SortOrder | None = Field(
        default=None, description="Default: relevance with `q`, newest otherwise."
    )
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE
    cursor: (
        Annotated[str, StringConstraints(max_length=300, pattern=r"^[A-Za-z0-9_=-]*$")]
        | None
    ) = Field(default=None, description="`next_cursor` of the previous page.")


class ExportParams(ProjectFilters):
    """Which entries to export, and as what."""

    format: Literal["csv", "json", "xlsx"] = "csv"


class FacetCount(BaseModel):
    value: str | int
    label: str
    count: int


class ProjectSearchPage(BaseModel):
    """One page of results, the total, and the facet counts.

    Each facet's counts apply every filter except the facet's own; an entry
    filed under several values of a facet counts once for each.
    """

    items: list[ProjectPublic]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]]
