"""The moderators' queue: what awaits a decision, oldest first."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db import utcnow
from app.models import Project, ProjectRevision, ProjectStatus, RevisionStatus
from app.schemas.moderation import ModerationQueue, QueueEntry
from app.services import projects


def _queue_conditions(
    statuses: list[ProjectStatus], countries: list[str], min_age_days: int | None
) -> list[Any]:
    pending_revision = col(Project.id).in_(
        select(ProjectRevision.project_id).where(
            ProjectRevision.status == RevisionStatus.PENDING
        )
    )
    if statuses:
        waiting: Any = col(Project.status).in_(statuses)
    else:
        waiting = (col(Project.status) == ProjectStatus.SUBMITTED) | pending_revision
    conditions = [waiting]
    if countries:
        conditions.append(col(Project.home_country_iso2).in_(countries))
    if min_age_days is not None:
        cutoff = utcnow() - timedelta(days=min_age_days)
        conditions.append(col(Project.submitted_at) <= cutoff)
    return conditions


def moderation_queue(
    session: Session,
    *,
    statuses: list[ProjectStatus],
    countries: list[str],
    min_age_days: int | None,
    limit: int,
) -> ModerationQueue:
    """What awaits a decision, oldest submission first, with counts per country.

    Without a status filter: submitted entries and published entries whose
    changes await review.
    """
    conditions = _queue_conditions(statuses, countries, min_age_days)
    waiting = session.exec(
        select(Project)
        .where(*conditions)
        .order_by(col(Project.submitted_at), col(Project.id))
        .limit(limit)
    ).all()
    counts = session.exec(
        select(Project.home_country_iso2, func.count())
        .where(*conditions)
        .group_by(col(Project.home_country_iso2))
    ).all()
    now = utcnow()
    revisions = projects.open_revision_statuses(
        session, [p.id for p in waiting if p.id is not None]
    )
    items = [
        QueueEntry(
            id=p.public_id,
            title=p.title_ar or p.title_en or p.title_fr,
            status=p.status,
            home_country=p.home_country_iso2,
            submitted_at=p.submitted_at,
            waiting_days=(now - p.submitted_at).days if p.submitted_at else 0,
            endorsed=p.endorsed_at is not None,
            open_revision=revisions.get(p.id or 0),
        )
        for p in waiting
    ]
    return ModerationQueue(
        items=items,
        total=sum(count for _country, count in counts),
        counts_by_country={country or "-": count for country, count in counts},
    )
