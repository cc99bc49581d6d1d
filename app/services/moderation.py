"""The moderation workflow, defined once as data, and the use cases built on it.

`TRANSITIONS` says which action leads from which status to which, `may_act`
who may take it, and `apply_action` is the only code that changes an entry's
status: it appends the history event in the same transaction. Revisions of
published entries have their own small table and `apply_revision_action`.
"""

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
)
from app.messages import ACTION_LABELS, STATUS_LABELS, Label
from app.models import (
    ModerationAction,
    ModerationEvent,
    Permission,
    Project,
    ProjectRevision,
    ProjectStatus,
    RevisionStatus,
    User,
)
from app.schemas.moderation import (
    ModerationEventPublic,
    Person,
)
from app.schemas.project import ProjectCreate, ProjectRecord
from app.services import notifications, projects, records

Action = ModerationAction
Status = ProjectStatus

TRANSITIONS: dict[ProjectStatus, dict[ModerationAction, ProjectStatus]] = {
    Status.DRAFT: {Action.SUBMIT: Status.SUBMITTED},
    Status.SUBMITTED: {
        Action.APPROVE: Status.APPROVED,
        Action.REQUEST_CHANGES: Status.CHANGES_REQUESTED,
        Action.REJECT: Status.REJECTED,
        Action.WITHDRAW: Status.WITHDRAWN,
    },
    Status.CHANGES_REQUESTED: {
        Action.SUBMIT: Status.SUBMITTED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.REJECT: Status.REJECTED,
    },
    Status.WITHDRAWN: {Action.SUBMIT: Status.SUBMITTED},
    Status.APPROVED: {Action.ARCHIVE: Status.ARCHIVED},
    Status.REJECTED: {},
    Status.ARCHIVED: {},
}

REVISION_TRANSITIONS: dict[RevisionStatus, dict[ModerationAction, RevisionStatus]] = {
    RevisionStatus.PENDING: {
        Action.APPROVE_REVISION: RevisionStatus.APPROVED,
        Action.REQUEST_REVISION_CHANGES: RevisionStatus.CHANGES_REQUESTED,
        Action.REJECT_REVISION: RevisionStatus.REJECTED,
    },
    RevisionStatus.CHANGES_REQUESTED: {
        Action.SUBMIT_REVISION: RevisionStatus.PENDING,
        Action.REJECT_REVISION: RevisionStatus.REJECTED,
    },
    RevisionStatus.APPROVED: {},
    RevisionStatus.REJECTED: {},
}

# Taken by the entry's submitters (owner, focal point of its country); every
# other action is a moderator's.
SUBMITTER_ACTIONS = frozenset({Action.SUBMIT, Action.WITHDRAW, Action.SUBMIT_REVISION})
REASON_REQUIRED = frozenset(
    {
        Action.REQUEST_CHANGES,
        Action.REJECT,
        Action.REQUEST_REVISION_CHANGES,
        Action.REJECT_REVISION,
    }
)


def require_moderator(user: User) -> None:
    """Refuse (403) anyone but a moderator or an admin."""
    if not user.can(Permission.PROJECT_MODERATE):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)


def may_act(user: User, project: Project, action: ModerationAction) -> bool:
    if action in SUBMITTER_ACTIONS:
        return projects.is_submitter(user, project)
    return user.can(Permission.PROJECT_MODERATE)


def allowed_actions(user: User, project: Project) -> list[str]:
    """The actions `user` may take on `project` in its current status."""
    return [
        action.value
        for action in TRANSITIONS[project.status]
        if may_act(user, project, action)
    ]


def invalid_transition(user: User, project: Project, action: str) -> InvalidTransition:
    allowed = allowed_actions(user, project)
    return InvalidTransition(
        ErrorCode.INVALID_TRANSITION,
        action=Label(ACTION_LABELS[action]),
        status=Label(STATUS_LABELS[project.status.value]),
        allowed=[Label(ACTION_LABELS[name]) for name in allowed],
        extra={"status": project.status.value, "allowed_actions": allowed},
    )


def check_action(
    user: User, project: Project, action: ModerationAction
) -> ProjectStatus:
    """The status `action` leads to; 403 if `user` may not take it, 409 if the
    entry's status does not allow it."""
    if not may_act(user, project, action):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    target = TRANSITIONS[project.status].get(action)
    if target is None:
        raise invalid_transition(user, project, action.value)
    return target


def _check_reason(action: ModerationAction, reason: str | None) -> None:
    if action in REASON_REQUIRED and not reason:
        raise InvalidInput(ErrorCode.REASON_REQUIRED, loc=("body", "reason"))


def apply_action(
    session: Session,
    *,
    project: Project,
    actor: User,
    action: ModerationAction,
    reason: str | None = None,
) -> ModerationEvent:
    """Move `project` by `action` and record who did it; the caller commits."""
    target = check_action(actor, project, action)
    _check_reason(action, reason)
    assert project.id is not None and actor.id is not None
    event = ModerationEvent(
        project_id=project.id,
        actor_id=actor.id,
        action=action,
        from_status=project.status,
        to_status=target,
        reason=reason,
    )
    now = utcnow()
    project.status = target
    if action == Action.SUBMIT:
        project.submitted_at = now
    elif action not in SUBMITTER_ACTIONS:
        project.decided_at = now
    if target == Status.APPROVED and project.published_at is None:
        project.published_at = now
    session.add(project)
    session.add(event)
    return event


def apply_revision_action(
    session: Session,
    *,
    project: Project,
    revision: ProjectRevision,
    actor: User,
    action: ModerationAction,
    reason: str | None = None,
) -> ModerationEvent:
    """Move a revision by `action` and record it; the caller commits."""
    if not may_act(actor, project, action):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    target = REVISION_TRANSITIONS[revision.status].get(action)
    if target is None:
        raise Conflict(ErrorCode.NO_OPEN_REVISION)
    _check_reason(action, reason)
    assert project.id is not None and actor.id is not None
    revision.status = target
    revision.updated_at = utcnow()
    if action not in SUBMITTER_ACTIONS:
        revision.decided_at, revision.decided_by_id = revision.updated_at, actor.id
        revision.reason = reason
    session.add(revision)
    event = ModerationEvent(
        project_id=project.id,
        actor_id=actor.id,
        action=action,
        from_status=project.status,
        to_status=project.status,
        reason=reason,
        revision_id=revision.id,
    )
    session.add(event)
    return event


# --- use cases --------------------------------------------------------------------


def submit_project(
    session: Session, *, public_id: str, user: User, settings: Settings
) -> ProjectRecord:
    """Send an entry for review; it must be complete (else 422, field by field)."""
    project = projects.find_for_work(session, public_id, user)
    with projects.versioned_write(session):
        check_action(user, project, Action.SUBMIT)
        try:
            ProjectCreate.model_validate(
                records.without_nulls(records.record_data(session, project))
            )
        except ValidationError as error:
            raise InvalidInput.from_validation(error, prefix=("record",)) from error
        apply_action(session, project=project, actor=user, action=Action.SUBMIT)
        notifications.submitted(
            session, project=project, by=user, settings=settings, revision=False
        )
    session.refresh(project)
    return projects.working_record(session, project)


def withdraw_project(
    session: Session, *, public_id: str, user: User, reason: str | None
) -> ProjectRecord:
    project = projects.find_for_work(session, public_id, user)
    with projects.versioned_write(session):
        apply_action(
            session, project=project, actor=user, action=Action.WITHDRAW, reason=reason
        )
    session.refresh(project)
    return projects.working_record(session, project)


def decide(
    session: Session,
    *,
    public_id: str,
    moderator: User,
    action: str,
    reason: str | None,
    settings: Settings,
) -> ProjectRecord:
    """A moderator approves, requests changes, rejects or archives an entry."""
    project = projects.find_for_work(session, public_id, moderator)
    with projects.versioned_write(session):
        apply_action(
            session,
            project=project,
            actor=moderator,
            action=ModerationAction(action),
            reason=reason,
        )
        notifications.decided(
            session,
            project=project,
            action=action,
            reason=reason,
            by=moderator,
            settings=settings,
        )
    session.refresh(project)
    return projects.working_record(session, project)


ENDORSABLE_STATUSES = (Status.SUBMITTED, Status.CHANGES_REQUESTED)


def is_endorser(user: User, project: Project) -> bool:
    """`user` is the focal point of the entry's country."""
    return (
        user.can(Permission.PROJECT_ENDORSE)
        and user.country_iso2 == project.home_country_iso2
    )


def may_endorse(user: User, project: Project) -> bool:
    """`user` may endorse `project` now (an endorsement is given once)."""
    return (
        is_endorser(user, project)
        and project.status in ENDORSABLE_STATUSES
        and project.endorsed_at is None
    )


def endorse(
    session: Session, *, public_id: str, user: User, reason: str | None
) -> ProjectRecord:
    """A focal point vouches for a submission of their country (it stays pending)."""
    project = projects.find_for_work(session, public_id, user)
    with projects.versioned_write(session):
        if not is_endorser(user, project):
            raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
        if project.status not in ENDORSABLE_STATUSES:
            raise invalid_transition(user, project, Action.ENDORSE.value)
        if project.endorsed_at is not None:
            raise Conflict(ErrorCode.ALREADY_ENDORSED)
        assert project.id is not None and user.id is not None
        project.endorsed_at, project.endorsed_by_id = utcnow(), user.id
        session.add(project)
        session.add(
            ModerationEvent(
                project_id=project.id,
                actor_id=user.id,
                action=Action.ENDORSE,
                from_status=project.status,
                to_status=project.status,
                reason=reason,
            )
        )
    session.refresh(project)
    return projects.working_record(session, project)


def people(session: Session, ids: set[int]) -> dict[int, Person]:
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {
        user.id: Person(id=user.id, name=user.full_name, role=user.role)
        for user in users
        if user.id is not None
    }


def history(
    session: Session, *, public_id: str, user: User
) -> list[ModerationEventPublic]:
    """Everything that happened to an entry, oldest first."""
    project = projects.find_for_work(session, public_id, user)
    assert project.id is not None
    return histories(session, [project.id]).get(project.id, [])


def histories(
    session: Session, project_ids: list[int]
) -> dict[int, list[ModerationEventPublic]]:
    """The histories of several entries (two queries), oldest event first.
    The caller has checked that the entries may be seen."""
    events = session.exec(
        select(ModerationEvent)
        .where(col(ModerationEvent.project_id).in_(project_ids))
        .order_by(col(ModerationEvent.id))
    ).all()
    actors = people(session, {event.actor_id for event in events})
    found: dict[int, list[ModerationEventPublic]] = {}
    for event in events:
        found.setdefault(event.project_id, []).append(
            ModerationEventPublic(
                id=event.id or 0,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                reason=event.reason,
                actor=actors[event.actor_id],
                revision_id=event.revision_id,
                created_at=event.created_at,
            )
        )
    return found


def record_revision_submitted(
    session: Session, project: Project, revision: ProjectRevision, author: User
) -> ModerationEvent:
    """The history line of a new revision (it starts pending; no status moves)."""
    if not may_act(author, project, Action.SUBMIT_REVISION):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    assert project.id is not None and author.id is not None
    event = ModerationEvent(
        project_id=project.id,
        actor_id=author.id,
        action=Action.SUBMIT_REVISION,
        from_status=project.status,
        to_status=project.status,
        revision_id=revision.id,
    )
    session.add(event)
    return event
