"""Rendering pages: the HTML template environment, in the request's language.

Interface strings go through gettext (`{% trans %}`, `_()`); numbers and dates
are formatted for the locale with Babel; `<html lang dir>` comes from the locale.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from app.deps import SESSION_COOKIE
from app.i18n import (
    LOCALE_COOKIE,
    LOCALES,
    list_separator,
    request_locale,
    translate,
)
from app.i18n import plural as plural_form
from app.languages import DEFAULT_LANGUAGE, ENDONYMS, direction, fallback_order
from app.messages import FLASH_MESSAGES, LANGUAGE_NAMES
from app.templating import STATIC, TEMPLATES
from app.web.highlight import highlight

_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LANGUAGE)


def _gettext(message: str) -> str:
    return translate(_locale.get(), message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    """The template's `ngettext`: the form `n` takes in the page's language."""
    return plural_form(_locale.get(), singular, plural, n)


def _number(value: int | float) -> str:
    return _formatted(value, _locale.get())


def format_number(value: int | float, locale: str) -> str:
    return _formatted(value, locale)


@lru_cache(maxsize=4096)
def _formatted(value: int | float, locale: str) -> str:
    """A number in `locale`'s digits and grouping (Babel takes ~0.1 ms each; a
    catalog page shows a hundred facet counts)."""
    return format_decimal(value, locale=locale)


def _date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, format="long", locale=_locale.get())


pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    # Checking every template file's time on each render costs ~5 % of a
    # catalog page; `create_app` turns it on in development.
    auto_reload=False,
)
# newstyle: `_("… %(name)s", name=x)` and {% trans %} both format, and escape.
pages.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True
)
pages.filters["number"] = _number
pages.filters["date"] = _date
pages.filters["highlight"] = highlight
pages.filters["direction"] = direction  # a language code -> "rtl" or "ltr"
ICONS = frozenset(
    line.strip()
    for line in (STATIC / "icons.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def icon(name: str) -> Markup:
    """A decorative icon of app/static/icons.txt (css/icons.css): the text
    beside it says what it means, so assistive technology skips it."""
    if name not in ICONS:
        raise ValueError(f"no icon {name!r} in app/static/icons.txt")
    return Markup(f'<span class="icon icon-{name}" aria-hidden="true"></span>')


pages.globals["icon"] = icon


def text_in(
    value: Any, locale: str, original: str | None = None
) -> tuple[str, str | None]:
    """A `{ar, en, fr}` text in `locale`, else in the entry's original language,
    else in another: (text, the language shown if it is not `locale`)."""
    for lang in fallback_order(locale, original):
        found = getattr(value, lang, None)
        if found:
            return str(found), None if lang == locale else lang
    return "", None


CSRF_COOKIE = "csrftoken"
FLASH_COOKIE = "flash"


def _csrf_binding(request: Request) -> str:
    """What a form token is bound to: the sign-in session when there is one,
    else this browser's anonymous id (the `csrftoken` cookie, made here if new).

    A token made before sign-in is therefore refused after it (the session is
    new), and a token from another session never matches."""
    session_secret = request.cookies.get(SESSION_COOKIE)
    if session_secret:
        return "session:" + session_secret
    anonymous = request.cookies.get(CSRF_COOKIE) or request.state.__dict__.setdefault(
        "new_csrf", secrets.token_urlsafe(24)
    )
    return "anonymous:" + anonymous


def csrf_token(request: Request) -> str:
    """The token a form carries: an HMAC of its binding under the secret key."""
    secret_key: str = request.app.state.settings.secret_key
    return hmac.new(
        secret_key.encode(), _csrf_binding(request).encode(), hashlib.sha256
    ).hexdigest()


def _same_origin(request: Request) -> bool:
    """False when the browser says the post comes from another site (Origin, or
    Referer without it); a post that names no origin is judged by its token."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return claimed is None
    origin = urlsplit(claimed)
    ours = {
        (request.url.scheme, request.url.netloc),
        tuple(urlsplit(request.app.state.settings.public_base_url)[:2]),
    }
    return (origin.scheme, origin.netloc) in ours


def csrf_ok(request: Request, submitted: object) -> bool:
    """The posted token matches this browser's binding, from this site."""
    return (
        isinstance(submitted, str)
        and hmac.compare_digest(csrf_token(request), submitted)
        and _same_origin(request)
    )


def _secure_cookie(request: Request) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
    }


def see_other(
    request: Request, url: str, *, flash: str | None = None
) -> RedirectResponse:
    """POST -> 303 -> GET, with an optional notice for the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        response.set_cookie(FLASH_COOKIE, flash, max_age=60, **_secure_cookie(request))
    return response


def _url_paths(app: Any) -> Callable[..., str]:
    """`app.url_path_for`, remembered: the routes are fixed once the app is
    built, and a catalog page asks for the same few paths a hundred times
    (each lookup walks every route)."""
    paths: Callable[..., str] | None = getattr(app.state, "url_paths", None)
    if paths is None:
        paths = app.state.url_paths = lru_cache(maxsize=4096)(app.url_path_for)
    return paths


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """`template` rendered in the request's language; `?lang=` is remembered."""
    locale = request_locale(request)
    _locale.set(locale)
    flash_key = request.cookies.get(FLASH_COOKIE)
    flash = (
        translate(locale, FLASH_MESSAGES[flash_key])
        if flash_key in FLASH_MESSAGES
        else None
    )
    token = csrf_token(request)
    html = pages.get_template(template).render(
        flash=flash,
        csrf_token=token,
        request=request,
        locale=locale,
        direction=direction(locale),
        list_separator=list_separator(locale),
        locales=LOCALES,
        endonyms=ENDONYMS,
        language_names={
            code: translate(locale, name) for code, name in LANGUAGE_NAMES.items()
        },
        # Paths, not absolute URLs: those would be built from the Host header.
        url_for=_url_paths(request.app),
        text_in=lambda value, original=None: text_in(value, locale, original),
        switch_query=lambda code: urlencode(
            dict(request.query_params) | {"lang": code}
        ),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    if flash_key:
        response.delete_cookie(FLASH_COOKIE)
    if "new_csrf" in request.state.__dict__:
        response.set_cookie(
            CSRF_COOKIE, request.state.new_csrf, **_secure_cookie(request)
        )
    chosen = request.query_params.get("lang")
    if chosen in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE, chosen, max_age=365 * 24 * 3600, **_secure_cookie(request)
        )
    return response
