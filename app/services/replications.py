"""The replication figure: in how many countries an entry was replicated
(accepted "replicated in" relations to published entries), and the listing
of replicated entries sorted by it."""

from sqlalchemy import ColumnElement, distinct, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.models import (
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationKind,
    RelationStatus,
)
from app.schemas.relations import ReplicatedEntry, ReplicatedPage, ReplicatedParams
from app.services import projects, records

REPLICA = aliased(Project, name="replica")


def _replicated() -> list[ColumnElement[bool]]:
    """Accepted "replicated in" relations to a published entry of a known
    country (the query joins REPLICA as the target)."""
    return [
        col(ProjectRelation.kind) == RelationKind.REPLICATED_IN,
        col(ProjectRelation.status) == RelationStatus.ACCEPTED,
        col(REPLICA.status) == ProjectStatus.APPROVED,
        col(REPLICA.home_country_iso2).is_not(None),
    ]


def countries(session: Session, project_ids: list[int]) -> dict[int, list[str]]:
    """Entry id -> the home countries (sorted) of the published entries it was
    accepted as replicated in."""
    rows = session.exec(
        select(ProjectRelation.source_id, REPLICA.home_country_iso2)
        .join(REPLICA, col(REPLICA.id) == ProjectRelation.target_id)
        .where(col(ProjectRelation.source_id).in_(project_ids))
        .where(*_replicated())
        .distinct()
    ).all()
    found: dict[int, list[str]] = {}
    for source_id, country in rows:
        found.setdefault(source_id, []).append(str(country))
    return {key: sorted(value) for key, value in found.items()}


def _replicated_entry(entry: Project, replicated_in: list[str]) -> ReplicatedEntry:
    return ReplicatedEntry(
        id=entry.public_id,
        title=records.localized(entry, "title"),
        original_language=entry.original_language,
        home_country=entry.home_country_iso2,
        replicated_in_countries=len(replicated_in),
        replicated_in=replicated_in,
        published_at=entry.published_at,
    )


def replicated_entries(session: Session, *, params: ReplicatedParams) -> ReplicatedPage:
    """Published entries replicated in at least one country, with the figure;
    sorted by it (most first) or by publication (newest first)."""
    figure = func.count(distinct(col(REPLICA.home_country_iso2))).label("countries")
    grouped = (
        select(ProjectRelation.source_id, figure)
        .join(REPLICA, col(REPLICA.id) == ProjectRelation.target_id)
        .join(Project, col(Project.id) == ProjectRelation.source_id)
        .where(*_replicated())
        .where(projects.public_condition())
        .group_by(
            col(ProjectRelation.source_id), col(Project.published_at), col(Project.id)
        )
    )
    total = session.exec(select(func.count()).select_from(grouped.subquery())).one()
    newest = (col(Project.published_at).desc(), col(Project.id).desc())
    order = newest if params.sort == "newest" else (figure.desc(), *newest)
    rows = session.exec(
        grouped.order_by(*order).offset(params.offset).limit(params.limit)
    ).all()
    ids = [source_id for source_id, _count in rows]
    entries = {
        entry.id: entry
        for entry in session.exec(select(Project).where(col(Project.id).in_(ids)))
    }
    replicated = countries(session, ids)
    return ReplicatedPage(
        items=[_replicated_entry(entries[pid], replicated.get(pid, [])) for pid in ids],
        total=total,
    )
