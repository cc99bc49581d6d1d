"""Who is mailed about a relation between entries (queued in the caller's
transaction): the other side's team when one is proposed, the proposer when
it is accepted or declined."""

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.config import Settings
from app.i18n import translate
from app.languages import fallback_order
from app.messages import RELATION_READINGS
from app.models import Project, ProjectRelation, RelationStatus, Role, User
from app.schemas.relations import RelationReading
from app.services import mail


def title_in(entry: Project, language: str) -> str:
    """The entry's title in `language`, else in another it has."""
    for lang in fallback_order(language, entry.original_language.value):
        title = getattr(entry, f"title_{lang}")
        if title:
            return str(title)
    return entry.public_id


def team(session: Session, entry: Project) -> list[User]:
    """Who acts for an entry: its owner and its country's focal points."""
    acts_for = col(User.id) == entry.owner_id
    if entry.home_country_iso2 is not None:
        acts_for = or_(
            acts_for,
            and_(
                col(User.role) == Role.FOCAL_POINT,
                col(User.country_iso2) == entry.home_country_iso2,
            ),
        )
    found = session.exec(
        select(User)
        .where(col(User.is_active).is_(True))
        .where(acts_for)
        .order_by(col(User.id))
    ).all()
    return list(found)


def _mail_each(
    session: Session,
    recipients: list[User],
    *,
    kind: str,
    here: Project,
    other: Project,
    read: RelationReading,
    by: User,
    link: str,
    **context: object,
) -> None:
    """Mail each of `recipients` once (never `by`): `here` is their entry,
    `read` the relation as read from it."""
    seen = {by.id}
    for user in recipients:
        if user.id in seen:
            continue
        seen.add(user.id)
        language = user.preferred_language.value
        mail.queue(
            session,
            kind=kind,
            to=user,
            context={
                "title": title_in(here, language),
                "other_title": title_in(other, language),
                "relation": translate(language, RELATION_READINGS[read]),
                "by": by.full_name,
                "link": link,
                **context,
            },
        )


def proposed(
    session: Session,
    *,
    relation: ProjectRelation,
    proposing: Project,
    other: Project,
    read: RelationReading,
    by: User,
    settings: Settings,
) -> None:
    """The other side's team is asked to accept or decline (`read`: from
    their entry's side)."""
    _mail_each(
        session,
        team(session, other),
        kind="relation_proposed",
        here=other,
        other=proposing,
        read=read,
        by=by,
        link=f"{settings.public_base_url}/projects/{other.public_id}/relations",
        note=relation.note or "",
    )


def decided(
    session: Session,
    *,
    relation: ProjectRelation,
    proposing: Project,
    other: Project,
    read: RelationReading,
    by: User,
    settings: Settings,
) -> None:
    """Whoever proposed, and the proposing entry's owner, learn the answer
    (`read`: from the proposing entry's side)."""
    proposer = session.get(User, relation.proposed_by_id)
    owner = session.get(User, proposing.owner_id) if proposing.owner_id else None
    recipients = [u for u in (proposer, owner) if u is not None and u.is_active]
    _mail_each(
        session,
        recipients,
        kind="relation_decided",
        here=proposing,
        other=other,
        read=read,
        by=by,
        link=f"{settings.public_base_url}/projects/{proposing.public_id}/relations",
        accepted=relation.status == RelationStatus.ACCEPTED,
    )
