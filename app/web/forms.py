"""Form posts: CSRF checks and field errors, in the same shapes as the API.

Forms are parsed by the API's own schemas, so a form and a JSON request obey
the same rules and get the same (translated) messages.
"""

from collections import defaultdict
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.errors import (
    DomainError,
    ErrorCode,
    PermissionDenied,
    translate_validation_errors,
)
from app.i18n import negotiate_locale, translate
from app.messages import CSRF_FAILED
from app.web.rendering import csrf_ok

Model = TypeVar("Model", bound=BaseModel)
Errors = dict[str, list[str]]


class FormInvalid(Exception):
    """A form to show again, with its messages next to the fields."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(errors)
        self.errors = errors


async def read_form_lists(request: Request) -> dict[str, list[str]]:
    """Every posted value of every field, after the CSRF check (a failed one is
    a form error)."""
    form = await request.form()
    fields: dict[str, list[str]] = defaultdict(list)
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields[key].append(value)
    submitted = fields.pop("csrf_token", None)
    if not csrf_ok(request, submitted[-1] if submitted else None):
        locale = negotiate_locale(request)
        raise FormInvalid({"form": [translate(locale, CSRF_FAILED)]})
    return dict(fields)


async def read_action_form(request: Request) -> dict[str, list[str]]:
    """Like `read_form_lists`, for a button that has no form to show again: a
    failed CSRF check is a 403 (the error page)."""
    try:
        return await read_form_lists(request)
    except FormInvalid as invalid:
        raise PermissionDenied(ErrorCode.CSRF_FAILED) from invalid


async def read_form(request: Request) -> dict[str, Any]:
    """The posted fields (the last value of each), after the CSRF check."""
    return {key: values[-1] for key, values in (await read_form_lists(request)).items()}


def field_errors(error: ValidationError | DomainError, locale: str) -> Errors:
    """{field: [messages]} from a schema or service error ("form" if no field)."""
    if isinstance(error, ValidationError):  # a schema's own error: no prefix
        entries = translate_validation_errors(error.errors(), locale)
        prefixed = False
    else:
        entries = error.detail(locale)
        prefixed = True
    errors: Errors = defaultdict(list)
    for entry in entries:
        loc = [str(part) for part in entry["loc"]]
        errors[error_key(loc[1:] if prefixed else loc)].append(entry["msg"])
    return dict(errors)


def error_key(loc: list[str]) -> str:
    """The form field an error is about: `["sdgs", "0"]` -> "sdgs",
    `["partners", "0", "name"]` -> "partners.0.name"."""
    parts = list(loc)
    if len(parts) > 1 and parts[-1].isdigit():
        parts = parts[:-1]
    return ".".join(parts) or "form"


def parse(model: type[Model], fields: dict[str, Any], locale: str) -> Model:
    """`fields` as `model`, or FormInvalid with translated field messages."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise FormInvalid(field_errors(error, locale)) from error
