"""The repository's languages, defined once: of its pages and of its entries'
texts. Arabic first: the first language of most of its users, and the
language a text is looked for in after the page's and the entry's own."""

from enum import StrEnum
from typing import Literal, cast, get_args


class Language(StrEnum):
    AR = "ar"
    EN = "en"
    FR = "fr"


# The same codes as a type, for the functions that take one (mypy checks them).
LanguageCode = Literal["ar", "en", "fr"]
LANGUAGES = cast(tuple[LanguageCode, ...], tuple(lang.value for lang in Language))
assert get_args(LanguageCode) == LANGUAGES, "LanguageCode must list Language"
DEFAULT_LANGUAGE = Language.AR.value
RIGHT_TO_LEFT = frozenset({Language.AR.value})
# Each language in itself: what the language switch offers.
ENDONYMS = {"ar": "العربية", "en": "English", "fr": "Français"}
assert tuple(ENDONYMS) == LANGUAGES


def fallback_order(preferred: str, original: str | None = None) -> tuple[str, ...]:
    """The languages to show a text in, best first: `preferred` (the page's),
    the entry's `original` language, then the others in LANGUAGES order. The
    one order of every page, export, email and sort by title."""
    wanted = [preferred, original] if original else [preferred]
    return tuple(dict.fromkeys([*wanted, *LANGUAGES]))


def direction(language: str) -> str:
    """ "rtl" or "ltr": the writing direction of `language`."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
