"""Locale negotiation and gettext translations (catalogs in app/locale).

The `.po` catalogs are compiled in memory on first use, so no build step is
needed. English is the source language: it has no catalog.
"""

from functools import lru_cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import HTTPConnection

from app.languages import DEFAULT_LANGUAGE, LANGUAGES
from app.messages import Plural

LOCALES = LANGUAGES
DEFAULT_LOCALE = DEFAULT_LANGUAGE
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_COOKIE = "lang"


@lru_cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of `locale` (English and unknown locales: identity)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale not in LOCALES or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


def translate(locale: str, message: str, **params: Any) -> str:
    """`message` in `locale`, with `{name}` fields filled from `params`; a
    `messages.Plural` in the form its number (`params[message.counted]`) takes
    in `locale` (CLDR: Arabic's zero, one, two, few, many and other)."""
    number = _number_of(message, params)
    if isinstance(message, Plural) and number is not None:
        text = translations(locale).ngettext(message, message.plural, number)
    else:
        text = translations(locale).gettext(message)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


def _number_of(message: str, params: dict[str, Any]) -> int | None:
    if not isinstance(message, Plural) or message.counted not in params:
        return None
    try:
        return int(str(params[message.counted]).replace(",", ""))
    except ValueError:
        return None


def plural(locale: str, singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` that `n` takes in `locale`."""
    return translations(locale).ngettext(singular, plural, n)


def list_separator(locale: str) -> str:
    """The comma between the items of an inline list: Arabic has its own (،)."""
    return "، " if locale == "ar" else ", "


def _from_accept_language(header: str) -> str | None:
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        weighted.append((weight, tag.strip().lower()[:2]))
    for _weight, language in sorted(weighted, key=lambda pair: -pair[0]):
        if language in LOCALES:
            return language
    return None


def request_locale(connection: HTTPConnection) -> str:
    """The language of this request's page or answer: `negotiate_locale` with
    the app's configured default (`STOCKTAKING_DEFAULT_LOCALE`). The one way
    routes, error pages and templates choose it."""
    return negotiate_locale(connection, connection.app.state.settings.default_locale)


def negotiate_locale(connection: HTTPConnection, default: str = DEFAULT_LOCALE) -> str:
    """Explicit choice (`?lang=`, then the cookie), then Accept-Language, then the
    default."""
    for choice in (
        connection.query_params.get("lang"),
        connection.cookies.get(LOCALE_COOKIE),
    ):
        if choice in LOCALES:
            return choice
    header = connection.headers.get("accept-language")
    return (header and _from_accept_language(header)) or default
