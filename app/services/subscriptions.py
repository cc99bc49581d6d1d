"""Follows, and stopping any alert by its link.

A follow brings a notice when its entry changes (`notify_followers`, called
in the transaction of the change). Saved searches, their digests and private
feeds are in services.saved_searches and services.digests. Both a follow and
a saved search are stopped by a signed one-click link (services.alert_links),
without sign-in.
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import ErrorCode, NotFound
from app.models import Project, ProjectStatus, User
from app.models.exchange import Follow, SavedSearch
from app.schemas.subscriptions import FollowPublic
from app.services import alert_links, mail, notifications, projects, records

EVENTS = ("revision", "relation", "designation")  # mail kinds follow_<event>


# --- follows --------------------------------------------------------------------


def _follow_of(session: Session, user: User, project: Project) -> Follow | None:
    return session.exec(
        select(Follow).where(Follow.user_id == user.id, Follow.project_id == project.id)
    ).first()


def _follow_public(followed: Follow, project: Project) -> FollowPublic:
    return FollowPublic(
        project_id=project.public_id,
        title=records.localized(project, "title"),
        original_language=project.original_language,
        published=project.status == ProjectStatus.APPROVED,
        followed_at=followed.created_at,
    )


def follow(session: Session, *, user: User, public_id: str) -> FollowPublic:
    """Follow a published entry (again: no change). 404 for an entry the
    caller cannot see, 409 for one they see that is not published."""
    project = projects.find_published(session, public_id, user)
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


def _followers(session: Session, project: Project, exclude: User | None) -> list[User]:
    """The active followers of `project` but `exclude` (each follows once:
    a follow is unique per person and entry, so no address comes twice)."""
    query = (
        select(User)
        .join(Follow, col(Follow.user_id) == User.id)
        .where(Follow.project_id == project.id, col(User.is_active).is_(True))
        .order_by(col(User.id))
    )
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return list(session.exec(query).all())


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
    is in the follower's language, with a one-click link to stop following;
    `exclude` (who made the change) is not told."""
    if event not in EVENTS:
        raise ValueError(f"no follow notice for {event!r}")
    if project.status != ProjectStatus.APPROVED:
        return  # nothing to tell of an entry the public cannot see
    assert project.id is not None
    for user in _followers(session, project, exclude):
        assert user.id is not None
        language = user.preferred_language.value
        stop = alert_links.unsubscribe_url(
            settings, alert_links.follow_payload(user.id, project.id)
        )
        mail.queue(
            session,
            kind=f"follow_{event}",
            to=user,
            context={
                "title": notifications.title_in(project, language),
                "link": f"{settings.public_base_url}/projects/{project.public_id}"
                f"?lang={language}",
                "unsubscribe": stop,
            },
            unsubscribe_url=stop,
        )


# --- unsubscribing --------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscription:
    """What an unsubscribe link stops: a saved search (`name` its name) or a
    follow (`name` the entry's title); `active` false once stopped."""

    kind: str  # "search" or "follow"
    name: str
    active: bool
    target: SavedSearch | Follow | None


def _search_unsubscription(
    session: Session, link: alert_links.SearchLink
) -> Unsubscription:
    search = session.get(SavedSearch, link.search_id)
    if search is not None and alert_links.search_payload(search) != link.payload:
        search = None  # another search, given the id of a deleted one
    name = search.name if search is not None else ""
    return Unsubscription("search", name, search is not None, search)


def _follow_unsubscription(
    session: Session, link: alert_links.FollowLink, locale: str
) -> Unsubscription:
    project = session.get(Project, link.project_id)
    found = session.exec(
        select(Follow).where(
            Follow.user_id == link.user_id, Follow.project_id == link.project_id
        )
    ).first()
    title = notifications.title_in(project, locale) if project is not None else ""
    return Unsubscription("follow", title, found is not None, found)


def find_unsubscription(
    session: Session, *, token: str, settings: Settings, locale: str
) -> Unsubscription:
    """What the unsubscribe link `token` would stop; 404 for a link that was
    not signed here (mistyped, altered)."""
    link = alert_links.read_unsubscribe(settings, token)
    if isinstance(link, alert_links.SearchLink):
        return _search_unsubscription(session, link)
    if isinstance(link, alert_links.FollowLink):
        return _follow_unsubscription(session, link, locale)
    raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))


def unsubscribe(
    session: Session, *, token: str, settings: Settings, locale: str
) -> Unsubscription:
    """Stop what the link names: delete the saved search (with its feed) or
    the follow. Stopping twice is not an error (RFC 8058 clients retry)."""
    found = find_unsubscription(session, token=token, settings=settings, locale=locale)
    if found.target is not None:
        session.delete(found.target)
        session.commit()
    return Unsubscription(found.kind, found.name, False, None)
