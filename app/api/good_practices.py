"""Good practices: the JSON API (designate and withdraw: moderators; the list:
everyone)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.deps import ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.schemas.good_practices import (
    DesignationIn,
    DesignationRecord,
    GoodPracticePage,
    GoodPracticeParams,
    WithdrawalIn,
)
from app.services import designations

router = APIRouter(tags=["exchange"])


@router.post(
    "/projects/{project_id}/good-practice",
    name="designate_good_practice",
    summary="Designate an approved entry a good practice (moderators)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 422),
)
def designate_good_practice(
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
    designation: DesignationIn,
) -> DesignationRecord:
    """A citation in at least one language (`CITATION_REQUIRED`), the year and,
    optionally, the framework. 409 `NOT_PUBLISHED` for an entry not approved,
    `ALREADY_GOOD_PRACTICE` for one designated already."""
    return designations.designate(
        session,
        public_id=project_id,
        moderator=moderator,
        data=designation,
        settings=settings,
    )


@router.post(
    "/projects/{project_id}/good-practice/withdraw",
    name="withdraw_good_practice",
    summary="Withdraw an entry's good-practice designation (moderators)",
    responses=responses(401, 403, 404, 409, 422),
)
def withdraw_good_practice(
    session: SessionDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
    withdrawal: WithdrawalIn,
) -> DesignationRecord:
    """`reason` is required (`REASON_REQUIRED`); 409 `NOT_GOOD_PRACTICE` when
    no designation is in force. The designation stays on record, withdrawn."""
    return designations.withdraw(
        session,
        public_id=project_id,
        moderator=moderator,
        reason=withdrawal.reason,
    )


@router.get(
    "/good-practices",
    name="list_good_practices",
    summary="Good practices: designated published entries, newest first",
    responses=responses(422),
)
def list_good_practices(
    session: SessionDep, params: Annotated[GoodPracticeParams, Query()]
) -> GoodPracticePage:
    """Each with its citation in every language written (null where none), its
    year and framework, and the entry's public record. Takes the catalog's
    filters (`country`, `action_line`, ...) and `year`, the designation's."""
    return designations.good_practices(session, params=params)
