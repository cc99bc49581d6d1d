"""Listing parameters shared by the API (and, later, the catalog pages)."""

from pydantic import BaseModel, Field

from app.schemas.common import Code, Iso2

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ProjectFilters(BaseModel):
    """Filters on the public listing: OR within one filter, AND across filters."""

    action_line: list[Code] = Field(default_factory=list)
    sdg: list[int] = Field(default_factory=list)
    country: list[Iso2] = Field(default_factory=list)
