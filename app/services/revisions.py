"""Editing entries: drafts change in place; a published entry gets a revision
that moderators review while the public keeps seeing the published version."""

from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, PermissionDenied
from app.models import (
    ModerationAction,
    Project,
    ProjectRevision,
    ProjectStatus,
    RevisionStatus,
    User,
)
from app.schemas.moderation import Person, RevisionPublic
from app.schemas.project import (
    ProjectCreate,
    ProjectDraft,
    ProjectRecord,
    ProjectUpdate,
)
from app.services import (
    moderation,
    notifications,
    projects,
    records,
    subscriptions,
)

# Statuses in which the submitters edit the entry itself (approved: a revision).
EDITABLE_STATUSES = (
    ProjectStatus.DRAFT,
    ProjectStatus.CHANGES_REQUESTED,
    ProjectStatus.WITHDRAWN,
)
REVISION_ACTIONS = {
    "approve": ModerationAction.APPROVE_REVISION,
    "request_changes": ModerationAction.REQUEST_REVISION_CHANGES,
    "reject": ModerationAction.REJECT_REVISION,
}


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A record as its schema writes it, so two records compare field by field."""
    return ProjectDraft.model_validate(data).model_dump(mode="json")


def edit_project(
    session: Session,
    *,
    public_id: str,
    editor: User,
    update: ProjectUpdate,
    settings: Settings,
) -> ProjectRecord:
    """Apply the given fields. A stale `version` is a 409; a published entry's
    change becomes (or updates) its revision."""
    project = projects.find_for_work(session, public_id, editor)
    if not projects.is_submitter(editor, project):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    if update.version != project.version:
        raise Conflict(
            ErrorCode.STALE_VERSION, extra={"current_version": project.version}
        )
    changes = dict(update.model_extra or {})
    with projects.versioned_write(session):
        if project.status == ProjectStatus.APPROVED:
            _propose(session, project=project, author=editor, changes=changes)
            notifications.submitted(
                session, project=project, by=editor, settings=settings, revision=True
            )
        elif project.status in EDITABLE_STATUSES:
            merged = records.record_data(session, project) | changes
            data = projects.validated(session, ProjectDraft, merged, prefix=("body",))
            project.updated_at = utcnow()
            records.write_record(session, project, data)
        else:
            raise moderation.invalid_transition(editor, project, "edit")
    session.refresh(project)
    return projects.working_record(session, project)


def _propose(
    session: Session, *, project: Project, author: User, changes: dict[str, Any]
) -> None:
    """Create or update the open revision; the published content stays as it is."""
    revision = projects.open_revision(session, project)
    current = revision.record if revision else records.record_data(session, project)
    data = projects.validated(
        session,
        ProjectCreate,
        records.without_nulls(current | changes),
        prefix=("body",),
    )
    record = data.model_dump(mode="json")
    assert project.id is not None and author.id is not None
    if revision is None:
        revision = ProjectRevision(
            project_id=project.id,
            author_id=author.id,
            record=record,
            base_version=project.version,
        )
        session.add(revision)
        session.flush()
        moderation.record_revision_submitted(session, project, revision, author)
    else:
        revision.record, revision.updated_at = record, utcnow()
        session.add(revision)
        if revision.status == RevisionStatus.CHANGES_REQUESTED:
            moderation.apply_revision_action(
                session,
                project=project,
                revision=revision,
                actor=author,
                action=ModerationAction.SUBMIT_REVISION,
            )
    # Bump the entry's version: concurrent edits of the revision conflict too.
    flag_modified(project, "status")
    session.add(project)


def decide_revision(
    session: Session,
    *,
    public_id: str,
    moderator: User,
    action: str,
    reason: str | None,
    settings: Settings,
) -> ProjectRecord:
    """Approve (publish the changes), request changes to, or reject a revision."""
    project = projects.find_for_work(session, public_id, moderator)
    with projects.versioned_write(session):
        revision = projects.open_revision(session, project)
        if revision is None:
            raise Conflict(ErrorCode.NO_OPEN_REVISION)
        moderation.apply_revision_action(
            session,
            project=project,
            revision=revision,
            actor=moderator,
            action=REVISION_ACTIONS[action],
            reason=reason,
        )
        if action == "approve":
            data = projects.validated(
                session, ProjectCreate, revision.record, prefix=("record",)
            )
            project.updated_at = utcnow()
            records.write_record(session, project, data)
        else:
            flag_modified(project, "status")
            session.add(project)
        author = session.get(User, revision.author_id)
        notifications.decided(
            session,
            project=project,
            action=action,
            reason=reason,
            by=moderator,
            settings=settings,
            revision_author=author,
        )
        if action == "approve":  # the followers read the published change
            subscriptions.notify_followers(
                session,
                project=project,
                event="revision",
                settings=settings,
                exclude=author,
            )
    session.refresh(project)
    return projects.working_record(session, project)


def revision_view(session: Session, *, public_id: str, user: User) -> RevisionPublic:
    """The open revision of an entry with a field-by-field diff against the
    published version."""
    project = projects.find_for_work(session, public_id, user)
    revision = projects.open_revision(session, project)
    if revision is None:
        raise Conflict(ErrorCode.NO_OPEN_REVISION)
    author = session.get(User, revision.author_id)
    assert author is not None and author.id is not None and revision.id is not None
    published = normalized(records.record_data(session, project))
    return RevisionPublic(
        id=revision.id,
        status=revision.status,
        author=Person(id=author.id, name=author.full_name, role=author.role),
        base_version=revision.base_version,
        reason=revision.reason,
        created_at=revision.created_at,
        updated_at=revision.updated_at,
        changes=records.changes_between(published, normalized(revision.record)),
    )
