"""The workflow over the API: submit, withdraw, endorse, decide, history,
comments, revisions and the moderators' queue."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.models import ProjectStatus
from app.schemas.common import Iso2
from app.schemas.moderation import (
    CommentIn,
    CommentPublic,
    DecisionIn,
    ModerationEventPublic,
    ModerationQueue,
    ReasonIn,
    RevisionDecisionIn,
    RevisionPublic,
)
from app.schemas.project import ProjectRecord
from app.services import comments, moderation, queue, revisions

router = APIRouter(tags=["moderation"])
WORKFLOW_ERRORS = responses(401, 403, 404, 409, 422)


@router.post(
    "/projects/{project_id}/submit",
    name="submit_project",
    summary="Submit an entry for review",
    responses=WORKFLOW_ERRORS,
)
def submit_project(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, project_id: ProjectId
) -> ProjectRecord:
    """The record must be complete: 422 lists what is missing, field by field."""
    return moderation.submit_project(
        session, public_id=project_id, user=user, settings=settings
    )


@router.post(
    "/projects/{project_id}/withdraw",
    name="withdraw_project",
    summary="Withdraw a submission",
    responses=WORKFLOW_ERRORS,
)
def withdraw_project(
    session: SessionDep,
    user: CurrentUser,
    project_id: ProjectId,
    note: ReasonIn | None = None,
) -> ProjectRecord:
    return moderation.withdraw_project(
        session, public_id=project_id, user=user, reason=note.reason if note else None
    )


@router.post(
    "/projects/{project_id}/endorse",
    name="endorse_project",
    summary="Endorse a submission of your country (focal points)",
    responses=WORKFLOW_ERRORS,
)
def endorse_project(
    session: SessionDep,
    user: CurrentUser,
    project_id: ProjectId,
    note: ReasonIn | None = None,
) -> ProjectRecord:
    """Recorded and shown to moderators; it does not publish."""
    return moderation.endorse(
        session, public_id=project_id, user=user, reason=note.reason if note else None
    )


@router.post(
    "/projects/{project_id}/decision",
    name="decide_project",
    summary="Approve, request changes, reject or archive (moderators)",
    responses=WORKFLOW_ERRORS,
)
def decide_project(
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
    decision: DecisionIn,
) -> ProjectRecord:
    """`reason` is required for request_changes and reject. A decision the
    entry's status does not allow is a 409 listing the allowed actions."""
    return moderation.decide(
        session,
        public_id=project_id,
        moderator=moderator,
        action=decision.action,
        reason=decision.reason,
        settings=settings,
    )


@router.get(
    "/projects/{project_id}/history",
    name="get_project_history",
    summary="The moderation history of an entry",
    responses=responses(401, 403, 404, 422),
)
def get_project_history(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> list[ModerationEventPublic]:
    return moderation.history(session, public_id=project_id, user=user)


@router.get(
    "/projects/{project_id}/comments",
    name="list_comments",
    summary="The discussion on an entry (non-public)",
    responses=responses(401, 403, 404, 422),
)
def list_comments(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> list[CommentPublic]:
    return comments.list_comments(session, public_id=project_id, user=user)


@router.post(
    "/projects/{project_id}/comments",
    name="add_comment",
    summary="Comment on an entry (non-public)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 422),
)
def add_comment(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    comment: CommentIn,
) -> CommentPublic:
    return comments.add_comment(
        session, public_id=project_id, author=user, body=comment.body, settings=settings
    )


@router.get(
    "/projects/{project_id}/revision",
    name="get_revision",
    summary="The pending changes of a published entry, field by field",
    responses=WORKFLOW_ERRORS,
)
def get_revision(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> RevisionPublic:
    return revisions.revision_view(session, public_id=project_id, user=user)


@router.post(
    "/projects/{project_id}/revision/decision",
    name="decide_revision",
    summary="Approve, request changes to or reject a revision (moderators)",
    responses=WORKFLOW_ERRORS,
)
def decide_revision(
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
    decision: RevisionDecisionIn,
) -> ProjectRecord:
    return revisions.decide_revision(
        session,
        public_id=project_id,
        moderator=moderator,
        action=decision.action,
        reason=decision.reason,
        settings=settings,
    )


@router.get(
    "/moderation/queue",
    name="moderation_queue",
    summary="What awaits a decision (moderators)",
    responses=responses(401, 403, 422),
)
def moderation_queue(
    session: SessionDep,
    _moderator: ModeratorUser,
    status: Annotated[list[ProjectStatus], Query()] = [],  # noqa: B006
    country: Annotated[list[Iso2], Query()] = [],  # noqa: B006
    min_age_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ModerationQueue:
    """Oldest submission first. Without `status`: submitted entries and published
    entries whose changes await review."""
    return queue.moderation_queue(
        session,
        statuses=status,
        countries=country,
        min_age_days=min_age_days,
        limit=limit,
    )
