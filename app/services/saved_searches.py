"""Saved searches: a catalog search a person is alerted to, and its private
Atom feed.

A saved search is the catalog's own query string, read back through
ProjectFilters (one definition of the parameters). It brings digests
(services.digests) and a private feed whose address is signed
(services.alert_links); its digests' link stops it (services.subscriptions).
"""

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import security
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, InvalidInput, NotFound
from app.models import User
from app.models.exchange import SavedSearch
from app.schemas.search import ProjectFilters
from app.schemas.subscriptions import (
    SavedSearchCreate,
    SavedSearchPublic,
    SavedSearchUpdate,
)
from app.services import alert_links, feeds
from app.services import filters as catalog

MAX_SAVED_SEARCHES = 50  # per person
# The catalog's parameters that page or present, not filter: not saved.
PRESENTATION_PARAMETERS = frozenset({"lang", "sort", "limit", "cursor", "page"})


# --- the query ------------------------------------------------------------------


def _repeatable(name: str) -> bool:
    return ProjectFilters.model_fields[name].default_factory is list


def read_query(query: str) -> ProjectFilters:
    """The filters of a catalog query string (or a catalog page's address):
    paging, sort and language are left out, unknown parameters ignored, as
    the catalog does; invalid values are a 422 under `query`."""
    _address, mark, after = query.partition("?")
    text = (after if mark else query).partition("#")[0]
    fields: dict[str, Any] = {}
    for name, value in parse_qsl(text):
        if name not in ProjectFilters.model_fields or name in PRESENTATION_PARAMETERS:
            continue
        if _repeatable(name):
            fields.setdefault(name, []).append(value)
        else:
            fields[name] = value
    try:
        return ProjectFilters.model_validate(fields)
    except ValidationError as error:
        raise InvalidInput.from_validation(error, prefix=("body", "query")) from error


def query_string(filters: ProjectFilters) -> str:
    """The canonical query string of `filters` (what is stored)."""
    values = filters.model_dump(exclude_defaults=True, exclude={"lang"}, mode="json")
    return urlencode(values, doseq=True)


def _checked_filters(session: Session, query: str) -> ProjectFilters:
    """`read_query`, and every code a known term (422 naming the filter)."""
    filters = read_query(query)
    try:
        catalog.check_codes(session, filters)
    except InvalidInput as error:
        error.problems = [(("body", *loc), c, p) for loc, c, p in error.problems]
        raise
    return filters


# --- the owner's saved searches -------------------------------------------------


def saved_search_public(settings: Settings, search: SavedSearch) -> SavedSearchPublic:
    """A saved search as its owner sees it, with its feed and catalog links."""
    assert search.id is not None
    filters = read_query(search.query)
    language = search.language.value
    return SavedSearchPublic(
        id=search.id,
        name=search.name,
        query=search.query,
        filters=filters.model_dump(exclude_defaults=True, mode="json"),
        frequency=search.frequency,
        language=search.language,
        last_sent_at=search.last_sent_at,
        created_at=search.created_at,
        feed_url=alert_links.feed_url(settings, search),
        catalog_url=settings.public_base_url + catalog.catalog_url(filters, language),
    )


def save_search(
    session: Session,
    *,
    user: User,
    data: SavedSearchCreate,
    settings: Settings,
    now: datetime | None = None,
) -> SavedSearchPublic:
    """Save a catalog search: its digests cover entries published from now on."""
    filters = _checked_filters(session, data.query)
    count = session.exec(
        select(func.count()).where(SavedSearch.user_id == user.id)
    ).one()
    if count >= MAX_SAVED_SEARCHES:
        raise Conflict(
            ErrorCode.TOO_MANY_SAVED_SEARCHES, max_searches=MAX_SAVED_SEARCHES
        )
    assert user.id is not None
    now = now or utcnow()
    search = SavedSearch(
        user_id=user.id,
        name=data.name,
        query=query_string(filters),
        frequency=data.frequency,
        language=data.language or user.preferred_language,
        last_sent_at=now,
        created_at=now,
        feed_nonce=security.new_secret(),
    )
    session.add(search)
    session.commit()
    session.refresh(search)
    return saved_search_public(settings, search)


def _own_search(session: Session, user: User, search_id: int) -> SavedSearch:
    search = session.get(SavedSearch, search_id)
    if search is None or search.user_id != user.id:
        raise NotFound(ErrorCode.SAVED_SEARCH_NOT_FOUND, loc=("path", "search_id"))
    return search


def list_saved_searches(
    session: Session, *, user: User, settings: Settings
) -> list[SavedSearchPublic]:
    """The caller's saved searches, the newest first."""
    found = session.exec(
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(col(SavedSearch.created_at).desc(), col(SavedSearch.id).desc())
    ).all()
    return [saved_search_public(settings, search) for search in found]


def update_saved_search(
    session: Session,
    *,
    user: User,
    search_id: int,
    data: SavedSearchUpdate,
    settings: Settings,
) -> SavedSearchPublic:
    """Rename it, change how often or in which language the digest comes."""
    search = _own_search(session, user, search_id)
    for name, value in data.model_dump(exclude_none=True).items():
        setattr(search, name, value)
    session.add(search)
    session.commit()
    session.refresh(search)
    return saved_search_public(settings, search)


def renew_feed(
    session: Session, *, user: User, search_id: int, settings: Settings
) -> SavedSearchPublic:
    """Give the private feed a new address (the old one was shared): a new
    nonce, so the old address no longer verifies."""
    search = _own_search(session, user, search_id)
    search.feed_nonce = security.new_secret()
    session.add(search)
    session.commit()
    session.refresh(search)
    return saved_search_public(settings, search)


def delete_saved_search(session: Session, *, user: User, search_id: int) -> None:
    """No more digests, and the feed's address stops working."""
    session.delete(_own_search(session, user, search_id))
    session.commit()


# --- the private feed -----------------------------------------------------------


def saved_search_feed(session: Session, *, token: str, settings: Settings) -> str:
    """The private Atom feed of a saved search: its newest matching entries,
    in its language. 404 for a token that is not a feed's current address
    (mistyped, altered, renewed since, or of a deleted search)."""
    search_id = alert_links.feed_search_id(token)
    search = session.get(SavedSearch, search_id) if search_id is not None else None
    if search is None or not alert_links.is_feed_token(settings, search, token):
        raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))
    base_url = settings.public_base_url
    return feeds.projects_feed(
        session,
        filters=read_query(search.query),
        locale=search.language.value,
        base_url=base_url,
        self_url=f"{base_url}/feeds/saved/{token}.atom",
        licence=settings.licence,
        feed_id=f"{base_url}/feeds/saved/{search.id}",
        title=search.name,
    )
