"""Who may call what: every endpoint x every kind of caller -> expected status.

401: not signed in. 403: signed in, not allowed. 404: the entry is not
visible to the caller at all (its existence is not revealed).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models import Project, ProjectStatus, Role, User
from app.schemas.project import ProjectUpdate
from app.services import revisions
from tests.factories import bearer, make_project, make_user
from tests.support.databases import Database

CALLERS = (
    "anonymous",
    "owner",
    "other_contributor",
    "focal_point",
    "other_focal_point",
    "moderator",
    "admin",
)
PEOPLE: dict[str, tuple[Role, str | None]] = {
    "owner": (Role.CONTRIBUTOR, "TN"),
    "other_contributor": (Role.CONTRIBUTOR, "TN"),
    "focal_point": (Role.FOCAL_POINT, "TN"),
    "other_focal_point": (Role.FOCAL_POINT, "EG"),
    "moderator": (Role.MODERATOR, None),
    "admin": (Role.ADMIN, None),
}


@dataclass(frozen=True)
class Case:
    """One endpoint call on an entry in a given state, and the expected statuses
    for the callers in `CALLERS` order."""

    name: str
    method: str
    path: str
    expected: tuple[int, ...]
    entry: ProjectStatus | None = None
    with_revision: bool = False
    body: dict[str, Any] | None = None
    body_factory: Callable[[], dict[str, Any]] | None = field(default=None)


def _invitation() -> dict[str, Any]:
    return {"email": "invited@example.org", "full_name": "Invited", "role": "moderator"}


CASES = [
    Case("list_public", "GET", "/api/v1/projects", (200,) * 7),
    Case(
        "get_public",
        "GET",
        "/api/v1/projects/{id}",
        (200,) * 7,
        entry=ProjectStatus.APPROVED,
    ),
    Case(
        "create_draft",
        "POST",
        "/api/v1/projects",
        (401, 201, 201, 201, 201, 403, 403),
        body={"original_language": "en", "title": {"en": "New"}},
    ),
    Case(
        "get_record_of_draft",
        "GET",
        "/api/v1/projects/{id}/record",
        (401, 200, 404, 200, 404, 200, 200),
        entry=ProjectStatus.DRAFT,
    ),
    Case(
        "edit_draft",
        "PATCH",
        "/api/v1/projects/{id}",
        (401, 200, 404, 200, 404, 403, 403),
        entry=ProjectStatus.DRAFT,
        body={"version": 1, "keywords": ["edited"]},
    ),
    Case(
        "edit_published",
        "PATCH",
        "/api/v1/projects/{id}",
        (401, 200, 403, 200, 403, 403, 403),
        entry=ProjectStatus.APPROVED,
        body={"version": 1, "keywords": ["edited"]},
    ),
    Case(
        "delete_draft",
        "DELETE",
        "/api/v1/projects/{id}",
        (401, 204, 404, 403, 404, 403, 403),
        entry=ProjectStatus.DRAFT,
    ),
    Case(
        "submit",
        "POST",
        "/api/v1/projects/{id}/submit",
        (401, 200, 404, 200, 404, 403, 403),
        entry=ProjectStatus.DRAFT,
    ),
    Case(
        "withdraw",
        "POST",
        "/api/v1/projects/{id}/withdraw",
        (401, 200, 404, 200, 404, 403, 403),
        entry=ProjectStatus.SUBMITTED,
    ),
    Case(
        "endorse",
        "POST",
        "/api/v1/projects/{id}/endorse",
        (401, 403, 404, 200, 404, 403, 403),
        entry=ProjectStatus.SUBMITTED,
    ),
    Case(
        "decide",
        "POST",
        "/api/v1/projects/{id}/decision",
        (401, 403, 403, 403, 403, 200, 200),
        entry=ProjectStatus.SUBMITTED,
        body={"action": "approve"},
    ),
    Case(
        "history_of_submitted",
        "GET",
        "/api/v1/projects/{id}/history",
        (401, 200, 404, 200, 404, 200, 200),
        entry=ProjectStatus.SUBMITTED,
    ),
    Case(
        "history_of_published",
        "GET",
        "/api/v1/projects/{id}/history",
        (401, 200, 403, 200, 403, 200, 200),
        entry=ProjectStatus.APPROVED,
    ),
    Case(
        "list_comments",
        "GET",
        "/api/v1/projects/{id}/comments",
        (401, 200, 404, 200, 404, 200, 200),
        entry=ProjectStatus.SUBMITTED,
    ),
    Case(
        "add_comment",
        "POST",
        "/api/v1/projects/{id}/comments",
        (401, 201, 404, 201, 404, 201, 201),
        entry=ProjectStatus.SUBMITTED,
        body={"body": "A question about the dates."},
    ),
    Case(
        "view_revision",
        "GET",
        "/api/v1/projects/{id}/revision",
        (401, 200, 403, 200, 403, 200, 200),
        entry=ProjectStatus.APPROVED,
        with_revision=True,
    ),
    Case(
        "decide_revision",
        "POST",
        "/api/v1/projects/{id}/revision/decision",
        (401, 403, 403, 403, 403, 200, 200),
        entry=ProjectStatus.APPROVED,
        with_revision=True,
        body={"action": "approve"},
    ),
    Case(
        "moderation_queue",
        "GET",
        "/api/v1/moderation/queue",
        (401, 403, 403, 403, 403, 200, 200),
    ),
    Case("my_projects", "GET", "/api/v1/me/projects", (401,) + (200,) * 6),
    Case("me", "GET", "/api/v1/me", (401,) + (200,) * 6),
    Case("list_users", "GET", "/api/v1/users", (401,) + (403,) * 5 + (200,)),
    Case(
        "invite",
        "POST",
        "/api/v1/invitations",
        (401,) + (403,) * 5 + (201,),
        body_factory=_invitation,
    ),
    Case(
        "update_user",
        "PATCH",
        "/api/v1/users/{owner_id}",
        (401,) + (403,) * 5 + (200,),
        body={"is_active": True},
    ),
    Case("sign_out", "DELETE", "/api/v1/auth/token", (401,) + (204,) * 6),
]


def _entry(session: Session, case: Case, owner: User) -> Project | None:
    if case.entry is None:
        return None
    project = make_project(session, status=case.entry, owner=owner)
    if case.with_revision:
        update = ProjectUpdate.model_validate({"version": 1, "keywords": ["revised"]})
        revisions.edit_project(
            session,
            public_id=project.public_id,
            editor=owner,
            update=update,
            settings=Settings(environment="test"),
        )
    return project


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_authorization_matrix(
    db: Database, client: TestClient, case: Case, caller: str
) -> None:
    with db.make_session() as session:
        people = {
            name: make_user(session, role=role, country=country)
            for name, (role, country) in PEOPLE.items()
        }
        entry = _entry(session, case, people["owner"])
        headers = bearer(session, people[caller]) if caller != "anonymous" else {}
        path = case.path.format(
            id=entry.public_id if entry else "", owner_id=people["owner"].id
        )
    body = case.body_factory() if case.body_factory else case.body

    response = client.request(case.method, path, json=body, headers=headers)

    expected = case.expected[CALLERS.index(caller)]
    assert response.status_code == expected, response.text
    if expected >= 400:
        error = response.json()["detail"][0]
        assert error["type"] in {
            "NOT_AUTHENTICATED",
            "PERMISSION_DENIED",
            "PROJECT_NOT_FOUND",
        }
