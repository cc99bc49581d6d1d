"""No request, however malformed, gets a server error or an undocumented answer.

Requests are generated from the app's own OpenAPI description (schemathesis):
valid ones and deliberately invalid ones, for every operation, against the demo
data, on both backends.
"""

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation

from app.models import ProjectStatus, Role
from tests.factories import bearer, make_project, make_user
from tests.support.databases import Database

Operation = APIOperation[Any, Any, Any, Any]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def exercise(
    operation: Operation,
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
    project_id: str | None,
) -> None:
    """Send generated requests to `operation` and check every answer. With a
    `project_id`, valid calls aim at that real entry instead of random ids."""
    path = (
        {"project_id": project_id}
        if project_id
        and mode is GenerationMode.POSITIVE
        and "project_id" in {p.name for p in operation.path_parameters}
        else None
    )
    strategy = operation.as_strategy(
        generation_mode=mode, headers=headers or None, path_parameters=path
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Operation]) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.parametrize("caller", ["anonymous", "contributor", "admin"])
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_generated_requests_get_documented_answers(
    demo_db: Database, demo_client: TestClient, mode: GenerationMode, caller: str
) -> None:
    headers: dict[str, str] = {}
    project_id = None
    if caller != "anonymous":
        with demo_db.make_session() as session:
            user = make_user(session, role=Role(caller))
            headers = bearer(session, user)
            owner = user if user.role == Role.CONTRIBUTOR else make_user(session)
            project_id = make_project(
                session, status=ProjectStatus.SUBMITTED, owner=owner
            ).public_id
    api = schemathesis.openapi.from_asgi("/openapi.json", demo_client.app)
    operations = [
        result.ok() for result in api.get_all_operations() if isinstance(result, Ok)
    ]

    assert len(operations) >= 30
    for operation in operations:
        has_parameters = bool(
            operation.query or operation.path_parameters or operation.body
        )
        if mode is GenerationMode.POSITIVE or has_parameters:
            examples = 10 if caller == "anonymous" else 5
            exercise(operation, mode, headers, examples, project_id)
