"""Shapes shared by several resources."""

from pydantic import BaseModel, ConfigDict, field_validator


class LocalizedText(BaseModel):
    """A text in the three interface languages; a missing language is null."""

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
        return [lang for lang in ("ar", "en", "fr") if getattr(self, lang)]


class ErrorDetail(BaseModel):
    """One problem, in the shape FastAPI uses for its own 422 responses."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorResponse(BaseModel):
    detail: list[ErrorDetail]
