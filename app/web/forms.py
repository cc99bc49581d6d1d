"""Form posts: CSRF checks and field errors, in the same shapes as the API.

Forms are parsed by the API's own schemas, so a form and a JSON request obey
the same rules and get the same (translated) messages.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
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


class PostedForm:
    """A form post, read before the route runs: reading the body is the only
    step that awaits, so the routes that use the database or hash passwords stay
    plain `def` (FastAPI runs them in a thread, off the event loop)."""

    def __init__(
        self, request: Request, fields: dict[str, list[str]], token: str | None
    ) -> None:
        self.request = request
        self._fields = fields
        self._token = token

    def lists(self) -> dict[str, list[str]]:
        """Every posted value of every field, after the CSRF check (a failed
        one is a form error)."""
        if not csrf_ok(self.request, self._token):
            locale = negotiate_locale(self.request)
            raise FormInvalid({"form": [translate(locale, CSRF_FAILED)]})
        return dict(self._fields)

    def values(self) -> dict[str, Any]:
        """The posted fields (the last value of each), after the CSRF check."""
        return {key: values[-1] for key, values in self.lists().items()}

    def action(self) -> dict[str, list[str]]:
        """Like `lists`, for a button that has no form to show again: a failed
        CSRF check is a 403 (the error page)."""
        try:
            return self.lists()
        except FormInvalid as invalid:
            raise PermissionDenied(ErrorCode.CSRF_FAILED) from invalid


async def _posted_form(request: Request) -> PostedForm:
    form = await request.form()
    fields: dict[str, list[str]] = defaultdict(list)
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields[key].append(value)
    submitted = fields.pop("csrf_token", None)
    return PostedForm(request, dict(fields), submitted[-1] if submitted else None)


PostedFormDep = Annotated[PostedForm, Depends(_posted_form)]


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


class Refusal:
    """What `form_errors` caught: the field errors, empty when all went well."""

    def __init__(self) -> None:
        self.errors: Errors = {}

    def __bool__(self) -> bool:
        return bool(self.errors)


@contextmanager
def form_errors(locale: str) -> Iterator[Refusal]:
    """Run a form's parse and service call; a form that does not parse, or a
    422 of the service, becomes field errors to show again (any other domain
    error goes on to its error page).

        with form_errors(locale) as refused:
            service.act(session, data=parse(Schema, fields, locale))
        if not refused:
            return see_other(...)
        return render_again(errors=refused.errors)
    """
    refusal = Refusal()
    try:
        yield refusal
    except FormInvalid as invalid:
        refusal.errors = invalid.errors
    except DomainError as error:
        if error.status_code != 422:
            raise
        refusal.errors = field_errors(error, locale)


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
