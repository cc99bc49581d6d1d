"""Relations between entries, the rules once: one entry's team (or a
moderator) proposes; the other side's team (or a moderator) accepts or
declines; the proposing side may withdraw. Accepted relations show on both
entries, each read from its own side.

`TRANSITIONS` is the workflow and `may_act` who takes each step; `READINGS`
says how a relation reads from either end.
"""

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select, update

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, InvalidInput, NotFound, PermissionDenied
from app.models import (
    Permission,
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationKind,
    RelationStatus,
    User,
)
from app.schemas.relations import (
    ProjectRelations,
    ProposedRelation,
    RelatedEntry,
    RelationAction,
    RelationIn,
    RelationPublic,
    RelationReading,
)
from app.services import (
    projects,
    relation_mail,
    replications,
    subscriptions,
    throttle,
)

Kind = RelationKind
Status = RelationStatus
Reading = RelationReading

TRANSITIONS: dict[RelationStatus, dict[RelationAction, RelationStatus]] = {
    Status.PROPOSED: {
        "accept": Status.ACCEPTED,
        "decline": Status.DECLINED,
        "withdraw": Status.WITHDRAWN,
    },
    Status.ACCEPTED: {},
    Status.DECLINED: {},
    Status.WITHDRAWN: {},
}
# Relations that hold or may soon: a second one of the same kind between the
# same two entries would be a duplicate.
LIVE = (Status.PROPOSED, Status.ACCEPTED)

# Reading -> (kind, this entry is the source).
READINGS: dict[RelationReading, tuple[RelationKind, bool]] = {
    Reading.REPLICATED_IN: (Kind.REPLICATED_IN, True),
    Reading.REPLICATED_FROM: (Kind.REPLICATED_IN, False),
    Reading.SAME_PROGRAMME: (Kind.SAME_PROGRAMME, True),
    Reading.FOLLOWED_BY: (Kind.FOLLOW_UP, True),
    Reading.FOLLOW_UP_OF: (Kind.FOLLOW_UP, False),
    Reading.INSPIRED: (Kind.INSPIRED, True),
    Reading.INSPIRED_BY: (Kind.INSPIRED, False),
}
SYMMETRIC = frozenset({Kind.SAME_PROGRAMME})
# Each proposal mails a team: a person (moderators aside) may make this many
# a day, so that a new account cannot mail every team in the repository.
PROPOSALS_PER_DAY = throttle.Limit(attempts=20, seconds=86_400)


def reading(kind: RelationKind, *, from_source: bool) -> RelationReading:
    """How a relation of `kind` reads from its source's side, or its target's."""
    if kind in SYMMETRIC:
        return READINGS_BACK[kind, True]
    return READINGS_BACK[kind, from_source]


READINGS_BACK = {value: key for key, value in READINGS.items()}


# --- who may do what ----------------------------------------------------------------


def other_side_id(relation: ProjectRelation) -> int:
    """The entry that did not propose: its team decides."""
    if relation.proposed_from_id == relation.source_id:
        return relation.target_id
    return relation.source_id


def may_act(
    user: User,
    relation: ProjectRelation,
    action: RelationAction,
    entries: dict[int, Project],
) -> bool:
    """Withdraw: the proposing side (or whoever proposed). Accept, decline: a
    moderator, or the other side's team unless it is also the proposing side."""
    proposing = entries[relation.proposed_from_id]
    if action == "withdraw":
        return relation.proposed_by_id == user.id or projects.is_submitter(
            user, proposing
        )
    if user.can(Permission.PROJECT_MODERATE):
        return True
    other = entries[other_side_id(relation)]
    return projects.is_submitter(user, other) and not projects.is_submitter(
        user, proposing
    )


def allowed_actions(
    user: User | None, relation: ProjectRelation, entries: dict[int, Project]
) -> list[RelationAction]:
    if user is None or not user.is_active:
        return []
    return [
        action
        for action in TRANSITIONS[relation.status]
        if may_act(user, relation, action, entries)
    ]


def _insider(user: User | None, *entries: Project) -> bool:
    """Works on one of `entries` (their teams, the moderators)."""
    return user is not None and any(projects.works_on(user, e) for e in entries)


# --- proposing ----------------------------------------------------------------------


def _other_entry(session: Session, public_id: str, by: User) -> Project:
    """The entry a proposal points at: one `by` can see, and published (else
    422 on the `other` field; an unseen entry is not revealed)."""
    other = session.exec(
        projects.visible_projects(by).where(Project.public_id == public_id)
    ).first()
    if other is None:
        raise InvalidInput(ErrorCode.PROJECT_NOT_FOUND, loc=("body", "other"))
    if other.status != ProjectStatus.APPROVED:
        raise InvalidInput(ErrorCode.NOT_PUBLISHED, loc=("body", "other"))
    return other


def _check_not_related(
    session: Session, first: Project, second: Project, kind: RelationKind
) -> None:
    """409 if the two entries hold, or await, a relation of `kind` either way."""
    pair = or_(
        and_(
            col(ProjectRelation.source_id) == first.id,
            col(ProjectRelation.target_id) == second.id,
        ),
        and_(
            col(ProjectRelation.source_id) == second.id,
            col(ProjectRelation.target_id) == first.id,
        ),
    )
    found = session.exec(
        select(ProjectRelation.id)
        .where(pair)
        .where(ProjectRelation.kind == kind)
        .where(col(ProjectRelation.status).in_(LIVE))
    ).first()
    if found is not None:
        raise Conflict(ErrorCode.RELATION_EXISTS)


def propose(
    session: Session,
    *,
    public_id: str,
    data: RelationIn,
    by: User,
    settings: Settings,
    now: datetime | None = None,
) -> RelationPublic:
    """`by`, on the team of entry `public_id` (any status) or a moderator,
    proposes how it relates to a published entry; that entry's team is mailed."""
    project = projects.find_for_work(session, public_id, by)  # 404 / 403
    limited = not by.can(Permission.PROJECT_MODERATE)
    if limited:
        throttle.check(session, key=_throttle_key(by), limit=PROPOSALS_PER_DAY, now=now)
    other = _other_entry(session, data.other, by)
    if other.id == project.id:
        raise InvalidInput(ErrorCode.RELATION_TO_ITSELF, loc=("body", "other"))
    kind, here_is_source = READINGS[data.relation]
    source, target = (project, other) if here_is_source else (other, project)
    _check_not_related(session, source, target, kind)
    assert source.id and target.id and project.id and by.id
    relation = ProjectRelation(
        source_id=source.id,
        target_id=target.id,
        kind=kind,
        status=Status.PROPOSED,
        note=data.note,
        proposed_by_id=by.id,
        proposed_at=now or utcnow(),
        proposed_from_id=project.id,
    )
    with projects.versioned_write(session):  # one commit, or a rollback
        session.add(relation)
        session.flush()
        relation_mail.proposed(
            session,
            relation=relation,
            proposing=project,
            other=other,
            read=reading(kind, from_source=not here_is_source),
            by=by,
            settings=settings,
        )
    if limited:
        throttle.record(
            session, key=_throttle_key(by), limit=PROPOSALS_PER_DAY, now=now
        )
    session.refresh(relation)
    return _public(relation, project, other, by)


def _throttle_key(user: User) -> str:
    return f"relation:proposer:{user.id}"


# --- deciding -----------------------------------------------------------------------


def _entries(session: Session, relation: ProjectRelation) -> dict[int, Project]:
    ids = [relation.source_id, relation.target_id]
    found = session.exec(select(Project).where(col(Project.id).in_(ids))).all()
    return {entry.id: entry for entry in found if entry.id is not None}


def act(
    session: Session,
    *,
    relation_id: int,
    action: RelationAction,
    by: User,
    settings: Settings,
    now: datetime | None = None,
) -> RelationPublic:
    """Accept, decline or withdraw a proposal (403 for the wrong side, 409 if
    it no longer waits), read from the side it is done for. Accepting tells
    both entries' followers."""
    relation = session.get(ProjectRelation, relation_id)
    if relation is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "relation_id"))
    entries = _entries(session, relation)
    if not may_act(by, relation, action, entries):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    status = TRANSITIONS[relation.status].get(action)
    if status is None:
        raise Conflict(ErrorCode.RELATION_NOT_PROPOSED)
    with projects.versioned_write(session):
        # Only while it still waits: of two answers at once, one wins.
        moved = session.exec(
            update(ProjectRelation)
            .where(col(ProjectRelation.id) == relation.id)
            .where(col(ProjectRelation.status) == Status.PROPOSED)
            .values(status=status, decided_by_id=by.id, decided_at=now or utcnow())
        )
        if moved.rowcount != 1:
            raise Conflict(ErrorCode.RELATION_NOT_PROPOSED)
        session.refresh(relation)
        if status == Status.ACCEPTED:
            for entry in entries.values():
                subscriptions.notify_followers(
                    session,
                    project=entry,
                    event="relation",
                    settings=settings,
                    exclude=by,
                )
        if action != "withdraw":
            proposing = entries[relation.proposed_from_id]
            relation_mail.decided(
                session,
                relation=relation,
                proposing=proposing,
                other=entries[other_side_id(relation)],
                read=reading(
                    relation.kind, from_source=relation.source_id == proposing.id
                ),
                by=by,
                settings=settings,
            )
    session.refresh(relation)
    proposing = entries[relation.proposed_from_id]
    answering = entries[other_side_id(relation)]
    if action == "withdraw":
        return _public(relation, proposing, answering, by)
    return _public(relation, answering, proposing, by)


def accept(
    session: Session, *, relation_id: int, by: User, settings: Settings
) -> RelationPublic:
    return act(
        session, relation_id=relation_id, action="accept", by=by, settings=settings
    )


def decline(
    session: Session, *, relation_id: int, by: User, settings: Settings
) -> RelationPublic:
    return act(
        session, relation_id=relation_id, action="decline", by=by, settings=settings
    )


def withdraw(
    session: Session, *, relation_id: int, by: User, settings: Settings
) -> RelationPublic:
    return act(
        session, relation_id=relation_id, action="withdraw", by=by, settings=settings
    )


# --- reading ------------------------------------------------------------------------


def related_entry(entry: Project) -> RelatedEntry:
    return RelatedEntry(
        id=entry.public_id,
        title=replications.title_of(entry),
        original_language=entry.original_language,
        home_country=entry.home_country_iso2,
        published=entry.status == ProjectStatus.APPROVED,
    )


def _public(
    relation: ProjectRelation,
    here: Project,
    other: Project,
    viewer: User | None,
) -> RelationPublic:
    """`relation` read from `here`'s side, for `viewer`."""
    assert relation.id is not None and here.id is not None and other.id is not None
    entries = {here.id: here, other.id: other}
    return RelationPublic(
        id=relation.id,
        relation=reading(relation.kind, from_source=relation.source_id == here.id),
        kind=relation.kind,
        status=relation.status,
        source=entries[relation.source_id].public_id,
        target=entries[relation.target_id].public_id,
        other=related_entry(other),
        proposed_here=relation.proposed_from_id == here.id,
        proposed_at=relation.proposed_at,
        decided_at=relation.decided_at,
        note=relation.note if _insider(viewer, here, other) else None,
        actions=allowed_actions(viewer, relation, entries),
    )


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


def relations_of(
    session: Session, project: Project, viewer: User | None
) -> ProjectRelations:
    """The accepted relations of `project`, both directions, read from its side
    (the public sees those to published entries only), and the proposals
    waiting, for the two teams and the moderators. Three queries."""
    assert project.id is not None
    rows = session.exec(
        select(ProjectRelation)
        .where(
            or_(
                col(ProjectRelation.source_id) == project.id,
                col(ProjectRelation.target_id) == project.id,
            )
        )
        .where(col(ProjectRelation.status).in_(LIVE))
        .order_by(col(ProjectRelation.proposed_at), col(ProjectRelation.id))
    ).all()
    other_ids = {_far_end(relation, project.id) for relation in rows}
    others = {
        entry.id: entry
        for entry in session.exec(
            select(Project).where(col(Project.id).in_(other_ids))
        ).all()
    }
    accepted, pending = [], []
    for relation in rows:
        other = others[_far_end(relation, project.id)]
        insider = _insider(viewer, project, other)
        shown = _public(relation, project, other, viewer)
        if relation.status == Status.PROPOSED and insider:
            pending.append(shown)
        elif relation.status == Status.ACCEPTED and (
            other.status == ProjectStatus.APPROVED or insider
        ):
            accepted.append(shown)
    countries = replications.countries(session, [project.id]).get(project.id, [])
    return ProjectRelations(
        project=project.public_id,
        entry=related_entry(project),
        may_propose=viewer is not None and projects.works_on(viewer, project),
        replicated_in_countries=len(countries),
        replicated_in=countries,
        relations=accepted,
        pending=pending,
    )


def _far_end(relation: ProjectRelation, here_id: int) -> int:
    return relation.target_id if relation.source_id == here_id else relation.source_id


def replicated_in_countries(session: Session, project: Project) -> int:
    """How many countries `project` was replicated in (accepted, published)."""
    assert project.id is not None
    return len(replications.countries(session, [project.id]).get(project.id, []))


def waiting_relations(
    session: Session, *, moderator: User, limit: int = 200
) -> list[ProposedRelation]:
    """The proposals waiting for an answer, oldest first (moderators only)."""
    if not moderator.can(Permission.PROJECT_MODERATE):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    rows = session.exec(
        select(ProjectRelation)
        .where(ProjectRelation.status == Status.PROPOSED)
        .order_by(col(ProjectRelation.proposed_at), col(ProjectRelation.id))
        .limit(limit)
    ).all()
    entry_ids = {r.source_id for r in rows} | {r.target_id for r in rows}
    entries = {
        entry.id: entry
        for entry in session.exec(select(Project).where(col(Project.id).in_(entry_ids)))
    }
    people = {
        user.id: user.full_name
        for user in session.exec(
            select(User).where(col(User.id).in_({r.proposed_by_id for r in rows}))
        )
    }
    return [
        ProposedRelation(
            id=relation.id or 0,
            relation=reading(
                relation.kind,
                from_source=relation.source_id == relation.proposed_from_id,
            ),
            kind=relation.kind,
            proposing=related_entry(entries[relation.proposed_from_id]),
            other=related_entry(entries[other_side_id(relation)]),
            proposed_by=people.get(relation.proposed_by_id, ""),
            proposed_at=relation.proposed_at,
            note=relation.note,
        )
        for relation in rows
    ]
