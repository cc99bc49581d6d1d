"""Shapes shared by several resources."""

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.messages import RULE_MESSAGES, ErrorCode


def rule_error(code: ErrorCode, **context: Any) -> PydanticCustomError:
    """A validation error of one of the project's own rules (translatable)."""
    return PydanticCustomError(code.value, RULE_MESSAGES[code], context)


def _no_nul(value: str) -> str:
    """Refuse NUL characters: PostgreSQL cannot store them in text."""
    if "\x00" in value:
        raise rule_error(ErrorCode.TEXT_HAS_NUL)
    return value


NoNul = AfterValidator(_no_nul)
# Text with the NUL check. Constraints go *before* NoNul: `Annotated[str,
# StringConstraints(...), NoNul]` (after it, pydantic checks lengths unstripped).
CleanText = Annotated[str, NoNul]

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
    """A text in the three interface languages; a missing language is null."""

    model_config = ConfigDict(str_strip_whitespace=True)

    ar: CleanText | None = None
    en: CleanText | None = None
    fr: CleanText | None = None

    @field_validator("ar", "en", "fr")
    @classmethod
    def _blank_is_missing(cls, value: str | None) -> str | None:
        return value or None

    def languages(self) -> list[str]:
        """The languages this text is given in."""
        return [lang for lang in ("ar", "en", "fr") if getattr(self, lang)]


class ErrorDetail(BaseModel):
    """One problem, in the shape FastAPI uses for its own 422 responses."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorResponse(BaseModel):
    detail: list[ErrorDetail]
