"""Follows and saved searches (pages): follow an entry, save a catalog search
(/me/alerts), the digests' unsubscribe page and the private Atom feed.

The unsubscribe link is the one state change without a CSRF token or a
sign-in: its token (an HMAC under the secret key, naming one follow or saved
search) is the authority, and RFC 8058 mail clients post
`List-Unsubscribe=One-Click` to it with neither. A forged cross-site post
would need the token, which only the mail's recipient holds; a GET (a link
scanner fetching it) only shows the confirmation.
"""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import CurrentUser, OptionalUser, ProjectId, SessionDep, SettingsDep
from app.errors import DomainError
from app.i18n import list_separator, request_locale, translate
from app.languages import LANGUAGES
from app.messages import ALERT_FREQUENCY_LABELS
from app.models import User
from app.models.exchange import AlertFrequency
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectFilters
from app.schemas.subscriptions import (
    SEARCH_NAME_MAX_CHARS,
    SEARCH_QUERY_MAX_CHARS,
    SavedSearchCreate,
    SavedSearchPublic,
    SavedSearchUpdate,
)
from app.services import saved_searches, subscriptions
from app.web import views
from app.web.forms import Errors, PostedFormDep, form_errors, parse
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)
SearchId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Token = Annotated[str, Path(max_length=200)]
ALERTS = "/me/alerts"


def panel(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """The entry page's follow button (a visitor: a link to sign in)."""
    del settings  # every panel is given them; this one needs none
    public_id = project.id
    following = user is not None and subscriptions.is_following(
        session, user=user, public_id=public_id
    )
    return {
        "project_id": public_id,
        "signed_in": user is not None,
        "following": following,
        "sign_in": "/login?"
        + urlencode({"next": f"/projects/{public_id}?lang={locale}", "lang": locale}),
    }


# --- following ------------------------------------------------------------------


@router.post("/projects/{project_id}/follow", name="follow_page", response_model=None)
def follow_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    form.action()
    subscriptions.follow(session, user=user, public_id=project_id)
    locale = request_locale(request)
    return see_other(request, f"/projects/{project_id}?lang={locale}", flash="followed")


@router.post(
    "/projects/{project_id}/unfollow", name="unfollow_page", response_model=None
)
def unfollow_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    """From the entry page, or from /me/alerts (`back=alerts`: back there)."""
    back = form.action().get("back", [""])[-1]
    subscriptions.unfollow(session, user=user, public_id=project_id)
    locale = request_locale(request)
    url = ALERTS if back == "alerts" else f"/projects/{project_id}"
    return see_other(request, f"{url}?lang={locale}", flash="unfollowed")


# --- /me/alerts -----------------------------------------------------------------


def _search_rows(
    searches: list[SavedSearchPublic], names: dict[str, Any], locale: str
) -> list[dict[str, Any]]:
    """Each saved search with its filters as chips, as the catalog names them,
    and its catalog page in this page's language."""
    return [
        {
            "search": search,
            "catalog": "/projects?"
            + "&".join(part for part in (search.query, f"lang={locale}") if part),
            "chips": views.catalog_chips(
                ProjectFilters.model_validate(search.filters), names, locale, words=True
            ),
        }
        for search in searches
    ]


def _proposal(query: str | None, names: dict[str, Any], locale: str) -> dict[str, Any]:
    """The search the catalog's "save this search" link brings: its filters
    as chips and a name made of them (empty when it brings none, or one the
    catalog would refuse: the form then says why)."""
    if query is None:
        return {"query": None, "chips": [], "name": ""}
    try:
        filters = saved_searches.read_query(query)
    except DomainError:
        return {"query": query, "chips": [], "name": ""}
    chips = views.catalog_chips(filters, names, locale, words=True)
    name = list_separator(locale).join(chip["label"] for chip in chips)
    return {
        "query": saved_searches.query_string(filters),
        "chips": chips,
        "name": name[:SEARCH_NAME_MAX_CHARS],
    }


def _alerts_page(
    request: Request,
    session: Session,
    settings: Settings,
    user: User,
    *,
    proposed: str | None = None,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
) -> HTMLResponse:
    """/me/alerts; with `errors`, a form posted on it shown again (422)."""
    locale = request_locale(request)
    names = views.term_names(session, locale)
    searches = saved_searches.list_saved_searches(session, user=user, settings=settings)
    context = {
        "current_user": user,
        "searches": _search_rows(searches, names, locale),
        "follows": subscriptions.list_follows(session, user=user),
        "proposal": _proposal(proposed, names, locale),
        "frequencies": [
            (f.value, translate(locale, ALERT_FREQUENCY_LABELS[f.value]))
            for f in AlertFrequency
        ],
        "languages": LANGUAGES,
        "values": values or {},
        "errors": errors or {},
    }
    status_code = 422 if errors else 200
    response = render(request, "alerts/alerts.html", context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # the feed addresses are secrets
    return response


@router.get(ALERTS, name="alerts_page", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    save: Annotated[str | None, Query(max_length=SEARCH_QUERY_MAX_CHARS)] = None,
) -> HTMLResponse:
    """The saved searches and followed entries; `save`: a catalog query to
    save (the catalog's "save this search" link)."""
    return _alerts_page(request, session, settings, user, proposed=save)


def _under_query(errors: Errors) -> Errors:
    """Messages by field; those about the saved filters go under `query`."""
    collapsed: Errors = {}
    for key, messages in errors.items():
        field = "query" if key.startswith("query") else key
        collapsed.setdefault(field, []).extend(messages)
    return collapsed


@router.post(ALERTS, name="save_search_page", response_model=None)
def save_search_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    with form_errors(locale) as refused:
        fields = form.values()
        data = parse(SavedSearchCreate, fields, locale)
        saved_searches.save_search(session, user=user, data=data, settings=settings)
    if not refused:
        return see_other(request, f"{ALERTS}?lang={locale}", flash="search_saved")
    query, errors = fields.get("query", ""), _under_query(refused.errors)
    return _alerts_page(
        request, session, settings, user, proposed=query, values=fields, errors=errors
    )


@router.post("/me/alerts/{search_id}", name="update_search_page", response_model=None)
def update_search_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    search_id: SearchId,
) -> Response:
    """A saved search's row: how often, and in which language."""
    locale = request_locale(request)
    fields = {k: v[-1] for k, v in form.action().items() if v[-1]}
    with form_errors(locale) as refused:
        data = parse(SavedSearchUpdate, fields, locale)
        saved_searches.update_saved_search(
            session, user=user, search_id=search_id, data=data, settings=settings
        )
    if not refused:
        return see_other(request, f"{ALERTS}?lang={locale}", flash="search_updated")
    messages = [m for ms in refused.errors.values() for m in ms]
    errors = {f"search-{search_id}": messages}  # shown in the search's row
    return _alerts_page(request, session, settings, user, errors=errors)


@router.post(
    "/me/alerts/{search_id}/delete", name="delete_search_page", response_model=None
)
def delete_search_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    user: CurrentUser,
    search_id: SearchId,
) -> Response:
    form.action()
    saved_searches.delete_saved_search(session, user=user, search_id=search_id)
    locale = request_locale(request)
    return see_other(request, f"{ALERTS}?lang={locale}", flash="search_deleted")


@router.post("/me/alerts/{search_id}/feed", name="renew_feed_page", response_model=None)
def renew_feed_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    search_id: SearchId,
) -> Response:
    """A new private feed address (the old one stops working)."""
    form.action()
    saved_searches.renew_feed(
        session, user=user, search_id=search_id, settings=settings
    )
    locale = request_locale(request)
    return see_other(request, f"{ALERTS}?lang={locale}", flash="feed_renewed")


# --- unsubscribe, private feed ----------------------------------------------------


def _unsubscribe_page(
    request: Request, user: User | None, found: subscriptions.Unsubscription, token: str
) -> HTMLResponse:
    context = {"current_user": user, "found": found, "token": token}
    return render(request, "alerts/unsubscribe.html", context)


@router.get(
    "/alerts/unsubscribe/{token}", name="unsubscribe_page", response_class=HTMLResponse
)
def unsubscribe_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    token: Token,
) -> HTMLResponse:
    """Asks to confirm (a GET changes nothing: mail scanners open links)."""
    found = subscriptions.find_unsubscription(
        session, token=token, settings=settings, locale=request_locale(request)
    )
    return _unsubscribe_page(request, user, found, token)


async def _one_click(request: Request) -> bool:
    """The post is RFC 8058's `List-Unsubscribe=One-Click` (a mail client)."""
    form = await request.form()
    return form.get("List-Unsubscribe") == "One-Click"


@router.post(
    "/alerts/unsubscribe/{token}", name="unsubscribe_submit", response_model=None
)
def unsubscribe_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    one_click: Annotated[bool, Depends(_one_click)],
    token: Token,
) -> Response:
    """Stops the alert or follow: no sign-in, no CSRF token (see the module's
    docstring). A mail client gets the page; a browser is sent to it."""
    locale = request_locale(request)
    done = subscriptions.unsubscribe(
        session, token=token, settings=settings, locale=locale
    )
    if one_click:
        return _unsubscribe_page(request, None, done, token)
    url = f"/alerts/unsubscribe/{token}?lang={locale}"
    return see_other(request, url, flash="unsubscribed")


@router.get(
    "/feeds/saved/{token}.atom", name="saved_search_feed", response_class=Response
)
def saved_search_feed(
    session: SessionDep, settings: SettingsDep, token: Token
) -> Response:
    """A saved search's private Atom feed: its address is the secret (not
    cached, not indexed: app/web/headers.py SECRET_PATHS)."""
    xml = saved_searches.saved_search_feed(session, token=token, settings=settings)
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
