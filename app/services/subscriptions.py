"""Follows and saved searches: who is told what, and the private feed.

A follow brings a notice when its entry changes (`notify_followers`, called
in the transaction of the change). A saved search is the catalog's own query
string, read back through ProjectFilters (one definition of the parameters);
it brings digests (services.digests) and a private Atom feed. Both are
stopped by a signed one-click link (services.alert_links), without sign-in.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import security
from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, InvalidInput, NotFound
from app.languages import fallback_order
from app.models import Project, ProjectStatus, User
from app.models.exchange import Follow, SavedSearch
from app.schemas.common import LocalizedText
from app.schemas.search import ProjectFilters
from app.schemas.subscriptions import (
    FollowPublic,
    SavedSearchCreate,
    SavedSearchPublic,
    SavedSearchUpdate,
)
from app.services import alert_links, feeds, mail, projects
from app.services import filters as catalog

EVENTS = ("revision", "relation", "designation")  # mail kinds follow_<event>
MAX_SAVED_SEARCHES = 50  # per person
# The catalog's parameters that page or present, not filter: not saved.
PRESENTATION_PARAMETERS = frozenset({"lang", "sort", "limit", "cursor", "page"})


# --- follows --------------------------------------------------------------------


def entry_title(project: Project, language: str) -> str:
    """The entry's title in `language`, else its original language, else any."""
    for lang in fallback_order(language, project.original_language.value):
        title = getattr(project, f"title_{lang}")
        if title:
            return str(title)
    return project.public_id


def _follow_of(session: Session, user: User, project: Project) -> Follow | None:
    return session.exec(
        select(Follow).where(Follow.user_id == user.id, Follow.project_id == project.id)
    ).first()


def _follow_public(followed: Follow, project: Project) -> FollowPublic:
    return FollowPublic(
        project_id=project.public_id,
        title=LocalizedText(
            ar=project.title_ar, en=project.title_en, fr=project.title_fr
        ),
        original_language=project.original_language,
        published=project.status == ProjectStatus.APPROVED,
        followed_at=followed.created_at,
    )


def follow(session: Session, *, user: User, public_id: str) -> FollowPublic:
    """Follow a published entry (again: no change). 404 for an entry the
    caller cannot see, 409 for one of theirs not published."""
    project = projects.find_project(session, public_id, user)
    if project.status != ProjectStatus.APPROVED:
        raise Conflict(ErrorCode.NOT_PUBLISHED, loc=("path", "project_id"))
    found = _follow_of(session, user, project)
    if found is not None:
        return _follow_public(found, project)
    assert user.id is not None and project.id is not None
    added = Follow(user_id=user.id, project_id=project.id)
    session.add(added)
    try:
        session.commit()
    except IntegrityError:  # the same follow, a moment earlier (a double click)
        session.rollback()
        found = _follow_of(session, user, project)
        assert found is not None
        return _follow_public(found, project)
    session.refresh(added)
    return _follow_public(added, project)


def unfollow(session: Session, *, user: User, public_id: str) -> None:
    """Stop following (not following: no change). An entry archived since can
    still be unfollowed; one never seen is a 404."""
    project = session.exec(
        select(Project).where(Project.public_id == public_id)
    ).first()
    found = _follow_of(session, user, project) if project is not None else None
    if found is None:
        projects.find_project(session, public_id, user)  # 404 unless visible
        return
    session.delete(found)
    session.commit()


def is_following(session: Session, *, user: User, public_id: str) -> bool:
    return (
        session.exec(
            select(Follow.id)
            .join(Project, col(Project.id) == Follow.project_id)
            .where(Follow.user_id == user.id, Project.public_id == public_id)
        ).first()
        is not None
    )


def list_follows(session: Session, *, user: User) -> list[FollowPublic]:
    """The entries `user` follows, the latest followed first."""
    rows = session.exec(
        select(Follow, Project)
        .join(Project, col(Project.id) == Follow.project_id)
        .where(Follow.user_id == user.id)
        .order_by(col(Follow.created_at).desc(), col(Follow.id).desc())
    ).all()
    return [_follow_public(followed, project) for followed, project in rows]


def notify_followers(
    session: Session,
    *,
    project: Project,
    event: str,
    settings: Settings,
    exclude: User | None = None,
) -> None:
    """Queue a notice to the followers of `project` (in the caller's
    transaction): `event` is "revision", "relation" or "designation". Each
    is in the follower's language, with a one-click link to stop following."""
    if event not in EVENTS:
        raise ValueError(f"no follow notice for {event!r}")
    if project.status != ProjectStatus.APPROVED:
        return  # nothing to tell of an entry the public cannot see
    followers = session.exec(
        select(User)
        .join(Follow, col(Follow.user_id) == User.id)
        .where(Follow.project_id == project.id, col(User.is_active).is_(True))
        .order_by(col(User.id))
    ).all()
    for user in followers:
        if exclude is not None and user.id == exclude.id:
            continue
        assert user.id is not None and project.id is not None
        language = user.preferred_language.value
        stop = alert_links.unsubscribe_url(
            settings, alert_links.follow_payload(user.id, project.id)
        )
        mail.queue(
            session,
            kind=f"follow_{event}",
            to=user,
            context={
                "title": entry_title(project, language),
                "link": f"{settings.public_base_url}/projects/{project.public_id}"
                f"?lang={language}",
                "unsubscribe": stop,
            },
            unsubscribe_url=stop,
        )


# --- saved searches -------------------------------------------------------------


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
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "search_id"))
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
    """Give the private feed a new address (the old one was shared)."""
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


def saved_search_feed(session: Session, *, token: str, settings: Settings) -> str:
    """The private Atom feed of a saved search: its newest matching entries,
    in its language. 404 for a token that names no saved search."""
    search_id, _dash, _signature_part = token.partition("-")
    search = session.get(SavedSearch, int(search_id)) if _is_id(search_id) else None
    if search is None or not alert_links.is_feed_token(settings, search, token):
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "token"))
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


# --- unsubscribing --------------------------------------------------------------


def _is_id(text: str, *, digits: int = 9) -> bool:
    """A row id as a link writes it (ASCII digits, within the column's range)."""
    return re.fullmatch(f"[0-9]{{1,{digits}}}", text) is not None


@dataclass(frozen=True)
class Unsubscription:
    """What an unsubscribe link stops: a saved search (`name` its name) or a
    follow (`name` the entry's title); `active` false once stopped."""

    kind: str  # "search" or "follow"
    name: str
    active: bool
    target: SavedSearch | Follow | None


def _unsubscription(
    session: Session, *, token: str, settings: Settings, locale: str
) -> Unsubscription:
    payload = alert_links.verified(settings, alert_links.UNSUBSCRIBE, token)
    if payload is None or payload[:1] not in ("s", "f"):
        raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))
    first, _dot, second = payload[1:].partition(".")
    if not (_is_id(first) and _is_id(second, digits=12)):
        raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))
    if payload[0] == "s":
        search = session.get(SavedSearch, int(first))
        if search is not None and alert_links.search_payload(search) != payload:
            search = None  # another search, given the id of a deleted one
        return Unsubscription(
            "search", search.name if search else "", bool(search), search
        )
    project = session.get(Project, int(second))
    found = session.exec(
        select(Follow).where(
            Follow.user_id == int(first), Follow.project_id == int(second)
        )
    ).first()
    title = entry_title(project, locale) if project is not None else ""
    return Unsubscription("follow", title, found is not None, found)


def find_unsubscription(
    session: Session, *, token: str, settings: Settings, locale: str
) -> Unsubscription:
    """What the unsubscribe link `token` would stop; 404 for a link that was
    not signed here (mistyped, altered)."""
    return _unsubscription(session, token=token, settings=settings, locale=locale)


def unsubscribe(
    session: Session, *, token: str, settings: Settings, locale: str
) -> Unsubscription:
    """Stop what the link names: delete the saved search (with its feed) or
    the follow. Stopping twice is not an error (RFC 8058 clients retry)."""
    found = _unsubscription(session, token=token, settings=settings, locale=locale)
    if found.target is not None:
        session.delete(found.target)
        session.commit()
    return Unsubscription(found.kind, found.name, False, None)
