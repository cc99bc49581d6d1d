"""Search parameters and results, shared by the API, exports and (later) pages."""

from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from app.messages import ErrorCode
from app.models import GeographicScope, ImplementationStatus
from app.models.exchange import Offer
from app.schemas.common import SINGLE_LINE, Code, Iso2, TermNumber, rule_error
from app.schemas.project import ProjectPublic

DEFAULT_PAGE_SIZE = 20
# Different values one filter may take; repeats are collapsed first. Every
# taxonomy is smaller than this, so only a hand-made URL meets the limit.
MAX_FILTER_VALUES = 50
MAX_PAGE_SIZE = 100
# Numbered pages go this deep (an offset of at most MAX_PAGE_NUMBER x limit);
# `next_cursor` pages on from there without a limit.
MAX_PAGE_NUMBER = 500
Year = Annotated[int, Field(ge=1900, le=2200)]
Lang = Annotated[str, StringConstraints(pattern=r"^(ar|en|fr)$")]


Item = TypeVar("Item")


def _distinct(values: list[Item]) -> list[Item]:
    """The values once each, in the order given; at most MAX_FILTER_VALUES."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) > MAX_FILTER_VALUES:
        raise rule_error(ErrorCode.TOO_MANY_VALUES, max_values=MAX_FILTER_VALUES)
    return distinct


# A repeatable filter: `Filter[Code]`, `Filter[TermNumber]`, ...
Filter = Annotated[list[Item], AfterValidator(_distinct)]


def _only_true(value: bool) -> bool:
    if not value:
        raise rule_error(ErrorCode.ONLY_TRUE)
    return value


# A filter with one value: `good_practice=true` (false would find nothing:
# an entry not designated holds NULL, app/models/project.py).
OnlyTrue = Annotated[bool, AfterValidator(_only_true)]


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    TITLE = "title"
    START_DATE = "start_date"


class ProjectFilters(BaseModel):
    """What to find. Each filter is repeatable: OR within one filter, AND across
    filters. `action_line=C7` also matches C7.1-C7.8. Years select entries
    running at some time in [year_from, year_to]."""

    action_line: Filter[Code] = Field(default_factory=list)
    sdg: Filter[TermNumber] = Field(default_factory=list)
    country: Filter[Iso2] = Field(default_factory=list)
    sub_region: Filter[Code] = Field(default_factory=list)
    entity_type: Filter[Code] = Field(default_factory=list)
    activity_type: Filter[Code] = Field(default_factory=list)
    technology: Filter[Code] = Field(default_factory=list)
    target_group: Filter[Code] = Field(default_factory=list)
    wsis_target: Filter[Code] = Field(default_factory=list)
    gdc_objective: Filter[TermNumber] = Field(default_factory=list)
    implementation_status: Filter[ImplementationStatus] = Field(default_factory=list)
    scope: Filter[GeographicScope] = Field(default_factory=list)
    offer: Filter[Offer] = Field(
        default_factory=list, description="What the entry offers or seeks."
    )
    good_practice: Filter[OnlyTrue] = Field(
        default_factory=list,
        description="`true`: only entries designated good practices by AICTO.",
    )
    year_from: Year | None = None
    year_to: Year | None = None
    q: Annotated[str, StringConstraints(max_length=200), *SINGLE_LINE] | None = Field(
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
    page: Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER)] | None = Field(
        default=None,
        description="Page number (1 is the first). Without `cursor` the page "
        "starts at entry (page - 1) x limit + 1; with `cursor`, the cursor says "
        "where it starts and `page` only numbers it.",
    )

    @property
    def first_position(self) -> int:
        """The position (from 0) of this page's first entry in the answer."""
        return ((self.page or 1) - 1) * self.limit

    @property
    def offset(self) -> int:
        """Entries to skip before this page: none when a cursor says where."""
        return 0 if self.cursor else self.first_position


class ExportParams(ProjectFilters):
    """Which entries to export, and as what."""

    format: Literal["csv", "json", "xlsx"] = "csv"
    # The header row (CSV, XLSX): the column names in the chosen language, or
    # the stable machine keys ("title", "action_lines", ...) for scripts.
    header: Literal["labels", "keys"] = "labels"


class FacetCount(BaseModel):
    value: bool | str | int
    label: str
    count: int


class SuggestionKind(StrEnum):
    FILTER = "filter"  # the query names a term: narrow down to its entries
    SPELLING = "spelling"  # a word found nowhere, and a close word that is
    DROP_FILTER = "drop_filter"  # no result: this filter left out finds some


class Suggestion(BaseModel):
    """A way on from this answer, with the entries it would find."""

    kind: SuggestionKind
    filter: str | None = Field(
        default=None, description="the filter to add or drop (filter, drop_filter)"
    )
    value: str | int | None = Field(
        default=None, description="the term to filter by (filter)"
    )
    label: str | None = Field(
        default=None, description="the term's name in the page's language (filter)"
    )
    word: str | None = Field(default=None, description="the word not found (spelling)")
    q: str | None = Field(
        default=None,
        description="the query as searched, each word found nowhere spelt as "
        "its closest word (spelling)",
    )
    count: int = Field(description="entries the suggestion would show")


class ProjectSearchPage(BaseModel):
    """One page of results, the total, and the facet counts.

    Each facet's counts apply every filter except the facet's own; an entry
    filed under several values of a facet counts once for each. `suggestions`
    offer ways on: the filter a query names, a spelling found in the
    catalog, the filters to leave out when nothing matches.
    """

    items: list[ProjectPublic]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]]
    suggestions: list[Suggestion] = []
