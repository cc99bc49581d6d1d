"""Domain errors with stable codes, and the one handler that renders them as JSON.

Services raise these; routes never build error responses by hand. The body has
the shape of FastAPI's own validation errors so clients parse one format.
"""

from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.schemas.common import ErrorResponse


class ErrorCode(StrEnum):
    PROJECT_NOT_FOUND = "PROJECT_NOT_FOUND"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    INVALID_CURSOR = "INVALID_CURSOR"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"


Loc = tuple[str | int, ...]


class DomainError(Exception):
    """An expected failure: a stable code, an HTTP status and what went wrong where."""

    status_code = 400

    def __init__(self, code: ErrorCode, message: str, *, loc: Loc = ()) -> None:
        super().__init__(message)
        self.errors: list[tuple[Loc, str, ErrorCode]] = [(loc, message, code)]

    def detail(self) -> list[dict[str, Any]]:
        return [
            {"loc": list(loc), "msg": msg, "type": code.value}
            for loc, msg, code in self.errors
        ]


class NotFound(DomainError):
    status_code = 404


class InvalidInput(DomainError):
    """Input that is well-formed but wrong (an unknown code, a bad cursor): 422."""

    status_code = 422

    @classmethod
    def collect(cls, errors: list[tuple[Loc, str, ErrorCode]]) -> "InvalidInput":
        """One error carrying several field problems, reported together."""
        first_loc, first_msg, first_code = errors[0]
        error = cls(first_code, first_msg, loc=first_loc)
        error.errors = list(errors)
        return error


# Documented on API routes (`responses=`) so the OpenAPI description is honest.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid parameters"},
}


def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse({"detail": exc.detail()}, status_code=exc.status_code)


def _request_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = [
        {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
        for err in exc.errors()
    ]
    return JSONResponse(jsonable_encoder({"detail": detail}), status_code=422)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = ErrorCode.NOT_FOUND if exc.status_code == 404 else "HTTP_ERROR"
    body = {"detail": [{"loc": [], "msg": str(exc.detail), "type": code}]}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Render every expected failure as JSON in one shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
