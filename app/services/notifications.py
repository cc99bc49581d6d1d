"""Who is told what: the emails that workflow events cause (queued, not sent)."""

from collections.abc import Iterable, Sequence
from typing import Literal

from sqlmodel import Session, col, select

from app.config import Settings
from app.languages import fallback_order
from app.models import Country, Project, Role, User
from app.services import mail

Recipient = User | mail.Recipient


def title_in(project: Project, language: str) -> str:
    """The entry's title in `language`, else in its original language."""
    for lang in fallback_order(language, project.original_language.value):
        title = getattr(project, f"title_{lang}")
        if title:
            return str(title)
    return project.public_id


def moderators(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(col(User.role).in_([Role.MODERATOR, Role.ADMIN]))
            .where(col(User.is_active).is_(True))
        ).all()
    )


def focal_points(session: Session, country: str | None) -> list[User]:
    if country is None:
        return []
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.FOCAL_POINT)
            .where(User.country_iso2 == country)
            .where(col(User.is_active).is_(True))
        ).all()
    )


def submitters(session: Session, project: Project) -> list[User]:
    """The owner, if any (focal points act for the country but own nothing)."""
    owner = session.get(User, project.owner_id) if project.owner_id else None
    return [owner] if owner is not None and owner.is_active else []


def entry_team(
    session: Session,
    project: Project,
    *,
    contact: bool = True,
    focal_points_too: Literal["never", "without_owner", "always"] = "without_owner",
) -> list[Recipient]:
    """Who answers for an entry, each address once: its owner (an active
    account), its contact person (in the entry's original language) with
    `contact`, and the focal points of its country: never (a private message:
    only the owner and the contact read it), when no active account owns the
    entry, or always (they may edit every entry of their country)."""
    owner = submitters(session, project)
    team: list[Recipient] = list(owner)
    if focal_points_too == "always" or (
        focal_points_too == "without_owner" and not owner
    ):
        team += focal_points(session, project.home_country_iso2)
    address = (project.contact_email or "").strip()
    if contact and address:
        team.append(
            mail.Recipient(
                email=address,
                preferred_language=project.original_language,
                full_name=project.contact_name or "",
            )
        )
    return distinct_addresses(team)


def distinct_addresses(
    recipients: Iterable[Recipient], *, exclude: Sequence[User | None] = ()
) -> list[Recipient]:
    """`recipients` in order, each address once (case folded), without the
    people `exclude`s (the one who acted is not told of their own act)."""
    seen = {person.email.casefold() for person in exclude if person is not None}
    kept: list[Recipient] = []
    for recipient in recipients:
        address = recipient.email.casefold()
        if address not in seen:
            seen.add(address)
            kept.append(recipient)
    return kept


def _send_each(
    session: Session,
    recipients: Iterable[User],
    *,
    kind: str,
    project: Project,
    exclude: User | None,
    link: str,
    **context: object,
) -> None:
    seen: set[int | None] = {exclude.id if exclude else None}
    for user in recipients:
        if user.id in seen:
            continue
        seen.add(user.id)
        mail.queue(
            session,
            kind=kind,
            to=user,
            context={
                "title": title_in(project, user.preferred_language.value),
                "link": link,
                **context,
            },
        )


def _country_name(session: Session, project: Project, language: str) -> str:
    country = session.get(Country, project.home_country_iso2 or "")
    return getattr(country, f"name_{language}") if country else "-"


def submitted(
    session: Session, *, project: Project, by: User, settings: Settings, revision: bool
) -> None:
    """A new submission or revision: moderators and the country's focal points."""
    recipients = moderators(session) + focal_points(session, project.home_country_iso2)
    link = f"{settings.public_base_url}/moderation/{project.public_id}"
    for user in recipients:
        _send_each(
            session,
            [user],
            kind="revision_submitted" if revision else "project_submitted",
            project=project,
            exclude=by,
            link=link,
            submitter=by.full_name,
            country=_country_name(session, project, user.preferred_language.value),
        )


def decided(
    session: Session,
    *,
    project: Project,
    action: str,
    reason: str | None,
    by: User,
    settings: Settings,
    revision_author: User | None = None,
) -> None:
    """A decision: the submitter (or the revision's author) reads it, with why."""
    recipients = [revision_author] if revision_author else submitters(session, project)
    _send_each(
        session,
        recipients,
        kind="revision_decision" if revision_author else "decision",
        project=project,
        exclude=by,
        link=f"{settings.public_base_url}/me/projects",
        action=action,
        reason=reason,
    )


def commented(
    session: Session, *, project: Project, author: User, body: str, settings: Settings
) -> None:
    """A comment goes to the other side: from a moderator to the submitter, from a
    submitter to the moderators."""
    if author.role in (Role.MODERATOR, Role.ADMIN):
        recipients = submitters(session, project)
        link = f"{settings.public_base_url}/me/projects"
    else:
        recipients = moderators(session)
        link = f"{settings.public_base_url}/moderation/{project.public_id}"
    _send_each(
        session,
        recipients,
        kind="comment",
        project=project,
        exclude=author,
        link=link,
        author=author.full_name,
        body=body,
    )
