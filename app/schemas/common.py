"""Shapes shared by several resources."""

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app import text_policy
from app.languages import LANGUAGES
from app.messages import RULE_MESSAGES, ErrorCode


def rule_error(code: ErrorCode, **context: Any) -> PydanticCustomError:
    """A validation error of one of the project's own rules (translatable)."""
    return PydanticCustomError(code.value, RULE_MESSAGES[code], context)


_PROBLEM_CODES = {
    text_policy.Problem.NUL: ErrorCode.TEXT_HAS_NUL,
    text_policy.Problem.CONTROL: ErrorCode.TEXT_HAS_CONTROL,
    text_policy.Problem.LINE_BREAK: ErrorCode.TEXT_HAS_LINE_BREAK,
    text_policy.Problem.BIDI_CONTROL: ErrorCode.TEXT_HAS_BIDI_CONTROL,
}


def _policy(*, multiline: bool) -> tuple[BeforeValidator, AfterValidator]:
    """The text policy (app/text_policy.py) as a pair of pydantic validators:
    normalise and trim before the type's own checks, refuse after them."""

    def normalised(value: Any) -> Any:
        if isinstance(value, str):
            return text_policy.normalise(value, multiline=multiline).strip()
        return value

    def checked(value: str) -> str:
        found = text_policy.problem(value, multiline=multiline)
        if found is not None:
            why, character = found
            raise rule_error(_PROBLEM_CODES[why], character=character)
        return value

    return BeforeValidator(normalised), AfterValidator(checked)


# One line of text (titles, names, keywords, a search) and free text (a
# description, a comment, a reason): every text field of every input schema is
# one of these, with its maximum length, so API, forms and CLI share the rules.
# The validators come after the field's own StringConstraints, so lengths are
# checked on the normalised, trimmed text and reported as "too long" strings:
# `Annotated[str, StringConstraints(max_length=300), *SINGLE_LINE]`.
SINGLE_LINE = _policy(multiline=False)
MULTI_LINE = _policy(multiline=True)
SingleLine = Annotated[str, *SINGLE_LINE]
MultiLine = Annotated[str, *MULTI_LINE]

# A taxonomy code as typed by a client: action line "C7.3", technology
# "generative_ai", SDG target "a". Whether it names a term is checked against data.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]
# A number that names a term (an SDG, a GDC objective). A sanity bound only:
# which numbers exist is data, checked against the taxonomy tables.
TermNumber = Annotated[int, Field(ge=1, le=999)]
Iso2 = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$"),
]


class LocalizedText(BaseModel):
    """A text in the three interface languages; a missing language is null.

    This is the shape records are read into (any stored text); input schemas
    use its subclasses below, which apply the text policy and a length."""

    model_config = ConfigDict(str_strip_whitespace=True)

    ar: str | None = None
    en: str | None = None
    fr: str | None = None

    @field_validator("ar", "en", "fr")
    @classmethod
    def _blank_is_missing(cls, value: str | None) -> str | None:
        return value or None

    def languages(self) -> list[str]:
        """The languages this text is given in."""
        return [lang for lang in LANGUAGES if getattr(self, lang)]


class ErrorDetail(BaseModel):
    """One problem, in the shape FastAPI uses for its own 422 responses."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorResponse(BaseModel):
    detail: list[ErrorDetail]
