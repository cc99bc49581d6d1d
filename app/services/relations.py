"""Relations between entries, the rules once: one entry's team (or a
moderator) proposes; the other side's team (or a moderator) accepts or
declines; the proposing side may withdraw. Accepted relations show on both
entries, each read from its own side (services.related_entries reads them).

`TRANSITIONS` is the workflow and `may_act` who takes each step; `READINGS`
says how a relation reads from either end.
"""

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select, update

from app.config import Settings
from app.db import utcnow
from app.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
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
    RelatedEntry,
    RelationAction,
    RelationIn,
    RelationPublic,
    RelationReading,
)
from app.services import projects, records, relation_mail, subscriptions, throttle

TRANSITIONS: dict[RelationStatus, dict[RelationAction, RelationStatus]] = {
    RelationStatus.PROPOSED: {
        "accept": RelationStatus.ACCEPTED,
        "decline": RelationStatus.DECLINED,
        "withdraw": RelationStatus.WITHDRAWN,
    },
    RelationStatus.ACCEPTED: {},
    RelationStatus.DECLINED: {},
    RelationStatus.WITHDRAWN: {},
}
# Relations that hold or may soon: a second one of the same kind between the
# same two entries would be a duplicate.
LIVE = (RelationStatus.PROPOSED, RelationStatus.ACCEPTED)

# Reading -> (kind, this entry is the source).
READINGS: dict[RelationReading, tuple[RelationKind, bool]] = {
    RelationReading.REPLICATED_IN: (RelationKind.REPLICATED_IN, True),
    RelationReading.REPLICATED_FROM: (RelationKind.REPLICATED_IN, False),
    RelationReading.SAME_PROGRAMME: (RelationKind.SAME_PROGRAMME, True),
    RelationReading.FOLLOWED_BY: (RelationKind.FOLLOW_UP, True),
    RelationReading.FOLLOW_UP_OF: (RelationKind.FOLLOW_UP, False),
    RelationReading.INSPIRED: (RelationKind.INSPIRED, True),
    RelationReading.INSPIRED_BY: (RelationKind.INSPIRED, False),
}
READINGS_BACK = {value: key for key, value in READINGS.items()}
SYMMETRIC = frozenset({RelationKind.SAME_PROGRAMME})


def reading(kind: RelationKind, *, from_source: bool) -> RelationReading:
    """How a relation of `kind` reads from its source's side, or its target's."""
    return READINGS_BACK[kind, from_source or kind in SYMMETRIC]


# --- who may do what ----------------------------------------------------------------


def other_side_id(relation: ProjectRelation) -> int:
    """The entry that did not propose: its team decides."""
    return far_end(relation, relation.proposed_from_id)


def far_end(relation: ProjectRelation, here_id: int) -> int:
    """The entry at the other end of `relation` from entry `here_id`."""
    return relation.target_id if relation.source_id == here_id else relation.source_id


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
    """What `user` may do with `relation` now (in the workflow's order)."""
    if user is None or not user.is_active:
        return []
    return [
        action
        for action in TRANSITIONS[relation.status]
        if may_act(user, relation, action, entries)
    ]


def insider(user: User | None, *entries: Project) -> bool:
    """Works on one of `entries` (their teams, the moderators)."""
    return user is not None and any(projects.works_on(user, e) for e in entries)


# --- a relation as read from one side -----------------------------------------------


def related_entry(entry: Project) -> RelatedEntry:
    """The entry at one end of a relation, as its other end shows it."""
    return RelatedEntry(
        id=entry.public_id,
        title=records.localized(entry, "title"),
        original_language=entry.original_language,
        home_country=entry.home_country_iso2,
        published=entry.status == ProjectStatus.APPROVED,
    )


def public(
    relation: ProjectRelation, here: Project, other: Project, viewer: User | None
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
        note=relation.note if insider(viewer, here, other) else None,
        actions=allowed_actions(viewer, relation, entries),
    )


# --- proposing ----------------------------------------------------------------------


def _other_entry(session: Session, public_id: str, by: User) -> Project:
    """The published entry a proposal points at; else 422 on the `other` field
    (PROJECT_NOT_FOUND if `by` cannot see it, NOT_PUBLISHED if they can)."""
    try:
        return projects.find_published(session, public_id, by)
    except (NotFound, Conflict) as refused:
        raise InvalidInput(refused.code, loc=("body", "other")) from refused


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


def _throttle_key(user: User) -> str:
    return f"relation:proposer:{user.id}"


def _check_limit(
    session: Session, by: User, settings: Settings, now: datetime | None
) -> throttle.Limit | None:
    """Each proposal mails a team: refuse (429) a person over the daily limit,
    so that a new account cannot mail every team; moderators are not counted
    (None). The limit to record the proposal in."""
    if by.can(Permission.PROJECT_MODERATE):
        return None
    return throttle.check_all(
        session,
        key=_throttle_key(by),
        limits=[throttle.Limit.parse(settings.relation_limit_per_day)],
        code=ErrorCode.RELATION_LIMIT_REACHED,
        now=now,
    )


def _new_relation(
    session: Session,
    *,
    project: Project,
    other: Project,
    data: RelationIn,
    by: User,
    now: datetime | None,
) -> ProjectRelation:
    """The proposal made on `project`, read from its side as `data.relation`."""
    if other.id == project.id:
        raise InvalidInput(ErrorCode.RELATION_TO_ITSELF, loc=("body", "other"))
    kind, here_is_source = READINGS[data.relation]
    source, target = (project, other) if here_is_source else (other, project)
    _check_not_related(session, source, target, kind)
    assert source.id and target.id and project.id and by.id
    return ProjectRelation(
        source_id=source.id,
        target_id=target.id,
        kind=kind,
        status=RelationStatus.PROPOSED,
        note=data.note,
        proposed_by_id=by.id,
        proposed_at=now or utcnow(),
        proposed_from_id=project.id,
    )


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
    limit = _check_limit(session, by, settings, now)
    other = _other_entry(session, data.other, by)
    relation = _new_relation(
        session, project=project, other=other, data=data, by=by, now=now
    )
    with projects.versioned_write(session):  # one commit, or a rollback
        session.add(relation)
        session.flush()
        relation_mail.proposed(
            session,
            relation=relation,
            proposing=project,
            other=other,
            read=reading(relation.kind, from_source=relation.source_id == other.id),
            by=by,
            settings=settings,
        )
    if limit is not None:
        throttle.record(session, key=_throttle_key(by), limit=limit, now=now)
    session.refresh(relation)
    return public(relation, project, other, by)


# --- deciding -----------------------------------------------------------------------


def _entries(session: Session, relation: ProjectRelation) -> dict[int, Project]:
    ids = [relation.source_id, relation.target_id]
    found = session.exec(select(Project).where(col(Project.id).in_(ids))).all()
    return {entry.id: entry for entry in found if entry.id is not None}


def _move(
    session: Session,
    relation: ProjectRelation,
    status: RelationStatus,
    by: User,
    now: datetime | None,
) -> None:
    """Move `relation` to `status`, only while it still waits: of two answers
    at once, one wins (409 for the other)."""
    moved = session.exec(
        update(ProjectRelation)
        .where(col(ProjectRelation.id) == relation.id)
        .where(col(ProjectRelation.status) == RelationStatus.PROPOSED)
        .values(status=status, decided_by_id=by.id, decided_at=now or utcnow())
    )
    if moved.rowcount != 1:
        raise Conflict(ErrorCode.RELATION_NOT_PROPOSED)
    session.refresh(relation)


def _tell(
    session: Session,
    relation: ProjectRelation,
    entries: dict[int, Project],
    by: User,
    settings: Settings,
) -> None:
    """An acceptance tells both entries' followers; an answer (not a
    withdrawal) tells the proposer."""
    if relation.status == RelationStatus.ACCEPTED:
        for entry in entries.values():
            subscriptions.notify_followers(
                session, project=entry, event="relation", settings=settings, exclude=by
            )
    if relation.status != RelationStatus.WITHDRAWN:
        proposing = entries[relation.proposed_from_id]
        relation_mail.decided(
            session,
            relation=relation,
            proposing=proposing,
            other=entries[other_side_id(relation)],
            read=reading(relation.kind, from_source=relation.source_id == proposing.id),
            by=by,
            settings=settings,
        )


def act(
    session: Session,
    *,
    relation_id: int,
    action: RelationAction,
    by: User,
    settings: Settings,
    now: datetime | None = None,
) -> RelationPublic:
    """Accept, decline or withdraw a proposal (404 RELATION_NOT_FOUND, 403 for
    the wrong side, 409 if it no longer waits), read from the side it is done
    for: the answering side's, or the proposing side's for a withdrawal."""
    relation = session.get(ProjectRelation, relation_id)
    if relation is None:
        raise NotFound(ErrorCode.RELATION_NOT_FOUND, loc=("path", "relation_id"))
    entries = _entries(session, relation)
    if not may_act(by, relation, action, entries):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    status = TRANSITIONS[relation.status].get(action)
    if status is None:
        raise Conflict(ErrorCode.RELATION_NOT_PROPOSED)
    with projects.versioned_write(session):
        _move(session, relation, status, by, now)
        _tell(session, relation, entries, by, settings)
    session.refresh(relation)
    proposing = entries[relation.proposed_from_id]
    answering = entries[other_side_id(relation)]
    if action == "withdraw":
        return public(relation, proposing, answering, by)
    return public(relation, answering, proposing, by)
