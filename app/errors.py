"""Domain errors with stable codes, and the handlers that render every error.

Services raise these; routes never build error responses by hand. The JSON body
has the shape of FastAPI's own validation errors, `{"detail": [{"loc", "msg",
"type"}]}`, with `msg` translated into the request's language.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n import request_locale, translate
from app.messages import (
    RULE_MESSAGES,
    SERVER_ERROR,
    VALIDATION_MESSAGES,
    ErrorCode,
    Label,
)
from app.schemas.common import ErrorResponse

__all__ = ["ErrorCode"]
logger = logging.getLogger(__name__)

Loc = tuple[str | int, ...]
# A page's answer to a failure: (request, status, detail) -> the response.
ErrorPage = Callable[[Request, int, list[dict[str, Any]]], Response]


class DomainError(Exception):
    """An expected failure: a stable code, an HTTP status, where, and the details."""

    status_code = 400

    def __init__(
        self,
        error_code: ErrorCode,
        /,
        *,
        loc: Loc = (),
        extra: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(f"{error_code}: {params}" if params else error_code)
        self.problems: list[tuple[Loc, ErrorCode, dict[str, Any]]] = [
            (loc, error_code, params)
        ]
        self.extra = extra or {}
        # Pydantic errors of a record checked inside a service, and their prefix.
        self.validation: tuple[list[ErrorDetails], Loc] | None = None

    @property
    def code(self) -> ErrorCode:
        return self.problems[0][1]

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries (a challenge, a wait)."""
        return {}

    def detail(self, locale: str = "en") -> list[dict[str, Any]]:
        if self.validation is not None:
            errors, prefix = self.validation
            return translate_validation_errors(errors, locale, prefix=prefix)
        return [
            {
                "loc": list(loc),
                "msg": translate(
                    locale, RULE_MESSAGES[code], **_translated(locale, params)
                ),
                "type": code.value,
            }
            for loc, code, params in self.problems
        ]


def _translated(locale: str, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters with their `Label`s (or lists of them) in `locale`."""

    def one(value: Any) -> Any:
        if isinstance(value, Label):
            return translate(locale, value)
        if isinstance(value, list):
            return ", ".join(str(one(item)) for item in value) or "-"
        return value

    return {name: one(value) for name, value in params.items()}


class NotAuthenticated(DomainError):
    status_code = 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class TooManyRequests(DomainError):
    """A throttled attempt: try again after `retry_after` seconds."""

    status_code = 429

    def __init__(self, error_code: ErrorCode, /, *, retry_after: int, **params: Any):
        super().__init__(error_code, **params)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The request clashes with the current state (stale version, taken email)."""

    status_code = 409


class InvalidTransition(Conflict):
    """A workflow action not possible from the entry's current status."""


class InvalidInput(DomainError):
    """Input that is well-formed but wrong (an unknown code, a bad cursor): 422."""

    status_code = 422

    @classmethod
    def collect(
        cls, problems: list[tuple[Loc, ErrorCode, dict[str, Any]]]
    ) -> "InvalidInput":
        """One error carrying several field problems, reported together."""
        first_loc, first_code, first_params = problems[0]
        error = cls(first_code, loc=first_loc, **first_params)
        error.problems = list(problems)
        return error

    @classmethod
    def from_validation(cls, exc: ValidationError, *, prefix: Loc) -> "InvalidInput":
        """A record that breaks schema rules, reported field by field."""
        error = cls(ErrorCode.VALIDATION_ERROR, loc=prefix)
        error.validation = (exc.errors(), prefix)
        return error


def translate_validation_errors(
    errors: list[ErrorDetails], locale: str, *, prefix: Loc = ()
) -> list[dict[str, Any]]:
    """Pydantic errors as API error entries, with messages in `locale`."""
    translated = []
    for error in errors:
        kind = error["type"]
        template = RULE_MESSAGES.get(kind) or VALIDATION_MESSAGES.get(kind)
        context = {key: str(value) for key, value in error.get("ctx", {}).items()}
        message = translate(locale, template, **context) if template else error["msg"]
        translated.append(
            {"loc": [*prefix, *error["loc"]], "msg": message, "type": kind}
        )
    return translated


# Documented on API routes (`responses=`) so the OpenAPI description is honest.
ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Malformed request (e.g. body)"},
    401: {"model": ErrorResponse, "description": "Not signed in"},
    403: {"model": ErrorResponse, "description": "Signed in, but not allowed"},
    404: {"model": ErrorResponse, "description": "Not found"},
    409: {"model": ErrorResponse, "description": "Conflicts with the current state"},
    413: {"model": ErrorResponse, "description": "The request body is too large"},
    422: {"model": ErrorResponse, "description": "Invalid input"},
    429: {"model": ErrorResponse, "description": "Too many attempts: see Retry-After"},
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries of the given error statuses (a route that
    validates input can also meet a body it cannot even parse: 400)."""
    documented = {*statuses, 400} if 422 in statuses else set(statuses)
    return {status: ERROR_RESPONSES[status] for status in sorted(documented)}


def _locale(request: Request) -> str:
    return request_locale(request)


# Paths answered in JSON (or machine formats); everything else is a page.
MACHINE_PATHS = ("/api/", "/charts/", "/feeds/", "/static/", "/healthz", "/openapi")


def _respond(
    request: Request,
    status: int,
    detail: list[dict[str, Any]],
    *,
    extra: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """JSON for the API; for pages, the page layer's error page
    (`install_error_handlers`)."""
    if request.url.path.startswith(MACHINE_PATHS):
        body = {"detail": detail, **(extra or {})}
        return JSONResponse(body, status_code=status, headers=headers)
    page: ErrorPage = request.app.state.error_page
    return page(request, status, detail)


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return _respond(
        request,
        exc.status_code,
        exc.detail(_locale(request)),
        extra=exc.extra,
        headers=exc.headers,
    )


def _request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail = translate_validation_errors(list(exc.errors()), _locale(request))
    return _respond(request, 422, detail)


HTTP_ERROR_CODES = {404: ErrorCode.NOT_FOUND, 413: ErrorCode.BODY_TOO_LARGE}


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_ERROR_CODES.get(exc.status_code, ErrorCode.HTTP_ERROR)
    max_kib = request.app.state.settings.max_body_bytes // 1024
    message = translate(_locale(request), RULE_MESSAGES[code], max_kib=max_kib)
    detail = [{"loc": [], "msg": message, "type": code.value}]
    return _respond(request, exc.status_code, detail, headers=exc.headers)


def _server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure: logged with its traceback; the user gets a 500."""
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    message = translate(_locale(request), SERVER_ERROR)
    return _respond(request, 500, [{"loc": [], "msg": message, "type": "SERVER_ERROR"}])


def install_error_handlers(app: FastAPI, page: ErrorPage) -> None:
    """Render every failure in one shape: JSON for the API, and for pages
    `page` (app.web.error_pages: this layer renders no HTML)."""
    app.state.error_page = page
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
