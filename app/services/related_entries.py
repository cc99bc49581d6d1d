"""Reading relations between entries: an entry's relations both ways, each
read from its side, for whoever looks (services.relations holds the rules),
and the proposals waiting, for the moderators."""

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.models import Project, ProjectRelation, ProjectStatus, RelationStatus, User
from app.schemas.relations import ProjectRelations, ProposedRelation
from app.services import moderation, projects, relations, replications


def project_relations(
    session: Session, *, public_id: str, viewer: User | None
) -> ProjectRelations:
    """`relations_of` the entry `public_id`, if `viewer` may see it (else 404)."""
    project = projects.find_project(session, public_id, viewer)
    return relations_of(session, project, viewer)


def working_relations(
    session: Session, *, public_id: str, user: User
) -> ProjectRelations:
    """`relations_of` the entry `public_id`, any status, for its team and the
    moderators (404 if unseen, 403 if only public to `user`)."""
    project = projects.find_for_work(session, public_id, user)
    return relations_of(session, project, user)


def _live_relations(session: Session, project_id: int) -> list[ProjectRelation]:
    """The relations of an entry, either end, that wait or hold, oldest first."""
    return list(
        session.exec(
            select(ProjectRelation)
            .where(
                or_(
                    col(ProjectRelation.source_id) == project_id,
                    col(ProjectRelation.target_id) == project_id,
                )
            )
            .where(col(ProjectRelation.status).in_(relations.LIVE))
            .order_by(col(ProjectRelation.proposed_at), col(ProjectRelation.id))
        ).all()
    )


def _entries_by_id(session: Session, ids: set[int]) -> dict[int, Project]:
    found = session.exec(select(Project).where(col(Project.id).in_(ids))).all()
    return {entry.id: entry for entry in found if entry.id is not None}


def relations_of(
    session: Session, project: Project, viewer: User | None
) -> ProjectRelations:
    """The accepted relations of `project`, both directions, read from its side
    (the public sees those to published entries only), and the proposals
    waiting, for the two teams and the moderators. Three queries."""
    assert project.id is not None
    rows = _live_relations(session, project.id)
    others = _entries_by_id(
        session, {relations.far_end(relation, project.id) for relation in rows}
    )
    accepted, pending = [], []
    for relation in rows:
        other = others[relations.far_end(relation, project.id)]
        insider = relations.insider(viewer, project, other)
        shown = relations.public(relation, project, other, viewer)
        if relation.status == RelationStatus.PROPOSED and insider:
            pending.append(shown)
        elif relation.status == RelationStatus.ACCEPTED and (
            other.status == ProjectStatus.APPROVED or insider
        ):
            accepted.append(shown)
    countries = replications.countries(session, [project.id]).get(project.id, [])
    return ProjectRelations(
        project=project.public_id,
        entry=relations.related_entry(project),
        may_propose=viewer is not None and projects.works_on(viewer, project),
        replicated_in_countries=len(countries),
        replicated_in=countries,
        relations=accepted,
        pending=pending,
    )


def waiting_relations(
    session: Session, *, moderator: User, limit: int = 200
) -> list[ProposedRelation]:
    """The proposals waiting for an answer, oldest first (moderators only)."""
    moderation.require_moderator(moderator)
    rows = session.exec(
        select(ProjectRelation)
        .where(ProjectRelation.status == RelationStatus.PROPOSED)
        .order_by(col(ProjectRelation.proposed_at), col(ProjectRelation.id))
        .limit(limit)
    ).all()
    entries = _entries_by_id(
        session, {r.source_id for r in rows} | {r.target_id for r in rows}
    )
    people = {
        user.id: user.full_name
        for user in session.exec(
            select(User).where(col(User.id).in_({r.proposed_by_id for r in rows}))
        )
    }
    return [
        ProposedRelation(
            id=relation.id or 0,
            relation=relations.reading(
                relation.kind,
                from_source=relation.source_id == relation.proposed_from_id,
            ),
            kind=relation.kind,
            proposing=relations.related_entry(entries[relation.proposed_from_id]),
            other=relations.related_entry(entries[relations.other_side_id(relation)]),
            proposed_by=people.get(relation.proposed_by_id, ""),
            proposed_at=relation.proposed_at,
            note=relation.note,
        )
        for relation in rows
    ]
