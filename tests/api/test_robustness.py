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

Operation = APIOperation[Any, Any, Any, Any]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def exercise(operation: Operation, mode: GenerationMode) -> None:
    """Send generated requests to `operation` and check every answer."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Operation]) -> None:
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_generated_requests_get_documented_answers(
    demo_client: TestClient, mode: GenerationMode
) -> None:
    api = schemathesis.openapi.from_asgi("/openapi.json", demo_client.app)
    operations = [
        result.ok() for result in api.get_all_operations() if isinstance(result, Ok)
    ]

    assert len(operations) >= 15
    for operation in operations:
        has_parameters = bool(operation.query or operation.path_parameters)
        if mode is GenerationMode.POSITIVE or has_parameters:
            exercise(operation, mode)
