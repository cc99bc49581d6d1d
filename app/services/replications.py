"""The replication figure: in how many countries an entry was replicated
(accepted "replicated in" relations to published entries), and the listing
of replicated entries sorted by it."""

from sqlalchemy import ColumnElement
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
from app.services import catalog_index, records

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


def _replicas_by_entry(session: Session) -> dict[int, set[str]]:
    """Published entry id -> the home countries of the published entries it
    was accepted as replicated in. The relations find their replicas by
    primary key and the catalog index says which entries are published: a
    status condition in SQL would have SQLite read every published entry
    (250 ms at 100,000)."""
    published = catalog_index.snapshot(session).approved
    rows = session.exec(
        select(
            ProjectRelation.source_id,
            ProjectRelation.target_id,
            REPLICA.home_country_iso2,
        )
        .join(REPLICA, col(REPLICA.id) == ProjectRelation.target_id)
        .where(col(ProjectRelation.kind) == RelationKind.REPLICATED_IN)
        .where(col(ProjectRelation.status) == RelationStatus.ACCEPTED)
        .where(col(REPLICA.home_country_iso2).is_not(None))
    ).all()
    found: dict[int, set[str]] = {}
    for source_id, target_id, country in rows:
        if source_id in published and target_id in published:
            found.setdefault(source_id, set()).add(str(country))
    return found


def replicated_entries(session: Session, *, params: ReplicatedParams) -> ReplicatedPage:
    """Published entries replicated in at least one country, with the figure;
    sorted by it (most first) or by publication (newest first)."""
    found = _replicas_by_entry(session)
    snap = catalog_index.snapshot(session)

    def newest(pid: int) -> tuple[int, int]:
        return (-snap.published[pid], -pid)

    if params.sort == "newest":
        ordered = sorted(found, key=newest)
    else:
        ordered = sorted(found, key=lambda pid: (-len(found[pid]), *newest(pid)))
    ids = ordered[params.offset : params.offset + params.limit]
    entries = {
        entry.id: entry
        for entry in session.exec(select(Project).where(col(Project.id).in_(ids)))
    }
    return ReplicatedPage(
        items=[_replicated_entry(entries[pid], sorted(found[pid])) for pid in ids],
        total=len(found),
    )
