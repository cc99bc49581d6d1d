"""Who is mailed about a relation between entries (queued in the caller's
transaction): the other side's team when one is proposed, the proposer when
it is accepted or declined."""

from collections.abc import Iterable

from sqlmodel import Session

from app.config import Settings
from app.i18n import translate
from app.messages import RELATION_READINGS
from app.models import Project, ProjectRelation, RelationStatus, User
from app.schemas.relations import RelationReading
from app.services import mail, notifications


def _mail_each(
    session: Session,
    recipients: Iterable[notifications.Recipient],
    *,
    kind: str,
    here: Project,
    other: Project,
    read: RelationReading,
    by: User,
    link: str,
    **context: object,
) -> None:
    """Mail each of `recipients` once, never `by`: `here` is their entry,
    `read` the relation as read from it."""
    for recipient in notifications.distinct_addresses(recipients, exclude=[by]):
        language = recipient.preferred_language.value
        mail.queue(
            session,
            kind=kind,
            to=recipient,
            context={
                "title": notifications.title_in(here, language),
                "other_title": notifications.title_in(other, language),
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
    """The other side's team, those who may accept (its owner and its
    country's focal points), is asked to (`read`: from their entry's side)."""
    _mail_each(
        session,
        notifications.entry_team(
            session, other, contact=False, focal_points_too="always"
        ),
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
    owners = notifications.submitters(session, proposing)
    active = [proposer] if proposer is not None and proposer.is_active else []
    _mail_each(
        session,
        active + owners,
        kind="relation_decided",
        here=proposing,
        other=other,
        read=read,
        by=by,
        link=f"{settings.public_base_url}/projects/{proposing.public_id}/relations",
        accepted=relation.status == RelationStatus.ACCEPTED,
    )
