"""Form posts: CSRF checks and field errors, in the same shapes as the API.

Forms are parsed by the API's own schemas, so a form and a JSON request obey
the same rules and get the same (translated) messages.
"""

from collections import defaultdict
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.errors import DomainError, translate_validation_errors
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


async def read_form(request: Request) -> dict[str, Any]:
    """The posted fields, after the CSRF check (a failed one is a form error)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request, fields.pop("csrf_token", None)):
        locale = negotiate_locale(request)
        raise FormInvalid({"form": [translate(locale, CSRF_FAILED)]})
    return fields


def field_errors(error: ValidationError | DomainError, locale: str) -> Errors:
    """{field: [messages]} from a schema or service error ("form" if no field)."""
    if isinstance(error, ValidationError):
        entries = translate_validation_errors(error.errors(), locale)
    else:
        entries = error.detail(locale)
    errors: Errors = defaultdict(list)
    for entry in entries:
        path = [str(part) for part in entry["loc"] if part not in ("body", "query")]
        errors[path[0] if path else "form"].append(entry["msg"])
    return dict(errors)


def parse(model: type[Model], fields: dict[str, Any], locale: str) -> Model:
    """`fields` as `model`, or FormInvalid with translated field messages."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise FormInvalid(field_errors(error, locale)) from error
