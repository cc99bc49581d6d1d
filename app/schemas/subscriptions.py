"""Follows and saved searches: what a person sends and is shown."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.languages import Language
from app.models.exchange import AlertFrequency
from app.schemas.common import SINGLE_LINE, LocalizedText

SEARCH_NAME_MAX_CHARS = 200  # the column's size
SEARCH_QUERY_MAX_CHARS = 4_000

SearchName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SEARCH_NAME_MAX_CHARS),
    *SINGLE_LINE,
]
# The catalog's query string (`action_line=C7&q=health`), or the address of a
# catalog page: read through ProjectFilters, the catalog's own parameters.
SearchQuery = Annotated[
    str, StringConstraints(max_length=SEARCH_QUERY_MAX_CHARS), *SINGLE_LINE
]


class SavedSearchCreate(BaseModel):
    """A catalog search to be alerted to. `query` empty: every new entry."""

    model_config = ConfigDict(extra="forbid")

    name: SearchName
    query: SearchQuery = ""
    frequency: AlertFrequency = AlertFrequency.WEEKLY
    # The digests' language; the account's own when not given.
    language: Language | None = None


class SavedSearchUpdate(BaseModel):
    """The fields to change; the filters themselves do not change (save the
    new search, delete the old one)."""

    model_config = ConfigDict(extra="forbid")

    name: SearchName | None = None
    frequency: AlertFrequency | None = None
    language: Language | None = None


class SavedSearchPublic(BaseModel):
    """A saved search as its owner sees it, with its private feed's address
    (anyone holding it reads the feed: keep it to yourself)."""

    id: int
    name: str
    query: str
    filters: dict[str, Any]
    frequency: AlertFrequency
    language: Language
    last_sent_at: datetime
    created_at: datetime
    feed_url: str
    catalog_url: str


class FollowPublic(BaseModel):
    """An entry the caller follows. `published` false: it was archived since
    (no notices come until it is published again)."""

    project_id: str
    title: LocalizedText
    original_language: Language
    published: bool
    followed_at: datetime
