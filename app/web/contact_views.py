"""The contact pages' view shaping: what each template reads, in the page's
language (app/web/contact.py holds the routes)."""

from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.errors import DomainError, ErrorCode, InvalidInput
from app.i18n import request_locale, translate
from app.messages import CONTACT_PURPOSE_LABELS, RULE_MESSAGES
from app.models import ContactPurpose, User
from app.schemas.contact import ContactThreadPublic, MyMessages
from app.services import contact_log, projects, taxonomy
from app.services.contact import Access
from app.web import views
from app.web.forms import Errors
from app.web.rendering import render, text_in

Act = Literal["reply", "report", "block"]
Measure = Literal["suspend", "lift"]
ACT_FLASH = {
    "reply": "reply_sent",
    "report": "thread_reported",
    "block": "sender_blocked",
}
CONTACT_FIELDS = ("purpose", "subject", "body", "organization", "country")
# The panel's states that are a refusal, and the message each shows.
REFUSALS = {
    "email_not_verified": ErrorCode.EMAIL_NOT_VERIFIED,
    "contact_own_entry": ErrorCode.CONTACT_OWN_ENTRY,
    "contact_blocked": ErrorCode.CONTACT_BLOCKED,
    "contact_suspended": ErrorCode.CONTACT_SUSPENDED,
    "unreachable": ErrorCode.CONTACT_UNREACHABLE,
}


def purposes(locale: str) -> list[tuple[str, str]]:
    return [
        (purpose.value, translate(locale, CONTACT_PURPOSE_LABELS[purpose.value]))
        for purpose in ContactPurpose
    ]


def form_context(
    session: Session,
    public_id: str,
    user: User | None,
    *,
    state: str,
    locale: str,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
) -> dict[str, Any]:
    """The writing form (or why there is none): the entry page's panel, and
    the form's own page."""
    write = f"/projects/{public_id}/contact?lang={locale}"
    refusal = REFUSALS.get(state)
    prefilled = {
        "organization": (user.organization if user else None) or "",
        "country": (user.country_iso2 if user else None) or "",
    }
    return {
        "state": state,
        "action": write,
        "sign_in": "/login?" + urlencode({"next": write}),
        "message": translate(locale, RULE_MESSAGES[refusal]) if refusal else None,
        "values": values if values is not None else prefilled,
        "errors": errors or {},
        "countries": [
            (country.iso2, getattr(country.name, locale) or country.iso2)
            for country in taxonomy.list_countries(session)
        ]
        if state == "open"
        else [],
        "purposes": purposes(locale),
    }


def contact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The posted form as TeamMessageIn reads it: blank optional fields left out,
    the checkbox as a yes or no."""
    data = {key: fields[key] for key in CONTACT_FIELDS if key in fields}
    for optional in ("organization", "country"):
        if not str(data.get(optional, "")).strip():
            data.pop(optional, None)
    data["reply_to_sender"] = "reply_to_sender" in fields
    return data


def note_fields(fields: dict[str, Any]) -> dict[str, Any]:
    reason = str(fields.get("reason", "")).strip()
    return {"reason": reason} if reason else {}


def sender_id(fields: dict[str, Any]) -> int:
    value = str(fields.get("sender_id", ""))
    if not value.isdigit() or len(value) > 10:
        raise InvalidInput(ErrorCode.VALIDATION_ERROR, loc=("body", "sender_id"))
    return int(value)


def page_number(fields: dict[str, Any]) -> int:
    """The log page a moderator's button came from (1 if none or nonsense)."""
    value = str(fields.get("page", ""))
    return int(value) if value.isdigit() and 0 < len(value) < 6 else 1


def write_page(
    request: Request,
    session: Session,
    public_id: str,
    user: User,
    *,
    state: str = "open",
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    status_code: int | None = None,
) -> HTMLResponse:
    """The writing form on its own page (where a sign-in leads, and where a
    post with problems comes back to: 422 unless told)."""
    locale = request_locale(request)
    project = projects.get_public_project(session, public_id)
    title, title_lang = text_in(project.title, locale, project.original_language)
    form = form_context(
        session,
        public_id,
        user,
        state=state,
        locale=locale,
        values=values,
        errors=errors,
    )
    if status_code is None:
        status_code = 422 if errors else 200
    return render(
        request,
        "contact/write.html",
        {
            "current_user": user,
            "project_id": public_id,
            "title": title,
            "title_lang": title_lang,
            "form": form,
        },
        status_code=status_code,
    )


def _on_top(error: DomainError, locale: str) -> Errors:
    return {"form": [entry["msg"] for entry in error.detail(locale)]}


def write_refused(
    request: Request,
    session: Session,
    public_id: str,
    user: User,
    fields: dict[str, Any],
    error: DomainError,
) -> HTMLResponse:
    """A refused first message, not for a field (those are form_errors'): over
    the limit, the form kept (429, Retry-After); a block, a suspension, no one
    to mail: the page says why, without the form. An entry not found or not
    published is its error page."""
    if error.status_code == 404 or error.code == ErrorCode.NOT_PUBLISHED:
        raise error
    throttled = error.status_code == 429
    response = write_page(
        request,
        session,
        public_id,
        user,
        state="open" if throttled else _state_after(error),
        values=fields,
        errors=_on_top(error, request_locale(request)),
        status_code=error.status_code,
    )
    response.headers.update(error.headers)
    return response


def _state_after(error: DomainError) -> str:
    for state, code in REFUSALS.items():
        if code == error.code:
            return state
    return "open"


# --- conversations ------------------------------------------------------------------


def _country_names(session: Session, locale: str) -> dict[Any, str]:
    return views.term_names(session, locale)["country"]


def my_messages(request: Request, user: User, mine: MyMessages) -> HTMLResponse:
    locale = request_locale(request)
    return render(
        request,
        "contact/mine.html",
        {
            "current_user": user,
            "mine": mine,
            "purpose_names": dict(purposes(locale)),
        },
    )


def thread_page(
    request: Request,
    session: Session,
    access: Access,
    base: str,
    *,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    act: str | None = None,
    status_code: int | None = None,
    current_user: User | None = None,
) -> HTMLResponse:
    """A conversation, its answer box, and its report (and, for the team,
    block) buttons; `base` is where its forms post (`{base}/{act}`)."""
    locale = request_locale(request)
    view: ContactThreadPublic = contact_log.thread_view(
        session, access=access, locale=locale
    )
    if status_code is None:
        status_code = 422 if errors else 200
    return render(
        request,
        "contact/thread.html",
        {
            "current_user": access.user or current_user,
            "thread": view,
            "by_link": access.user is None,
            "base": base,
            "purpose_name": dict(purposes(locale))[view.purpose.value],
            "country_names": _country_names(session, locale),
            "values": {act: values or {}} if act else {},
            "errors": {act: errors or {}} if act else {},
        },
        status_code=status_code,
    )


def thread_refused(
    request: Request,
    session: Session,
    access: Access,
    base: str,
    fields: dict[str, Any],
    error: DomainError,
    act: str,
) -> HTMLResponse:
    """A refused answer, report or block, not for a field: on top of its box
    with the refusal's status (a blocked sender: 403, an entry no longer
    published: 409, over the limit: 429 with Retry-After)."""
    if error.status_code == 404:
        raise error
    response = thread_page(
        request,
        session,
        access,
        base,
        values=fields,
        errors=_on_top(error, request_locale(request)),
        act=act,
        status_code=error.status_code,
    )
    response.headers.update(error.headers)
    return response


def log_page(
    request: Request,
    session: Session,
    moderator: User,
    page: int,
    *,
    errors: Errors | None = None,
) -> HTMLResponse:
    """The moderators' log at `page`; a bad note comes back on top (422)."""
    locale = request_locale(request)
    log = contact_log.moderator_log(
        session, moderator=moderator, locale=locale, page=page
    )
    return render(
        request,
        "contact/log.html",
        {
            "current_user": moderator,
            "log": log,
            "nav": views.page_links(
                log.page,
                log.pages,
                lambda n: f"/moderation/messages?lang={locale}&page={n}",
            ),
            "purpose_names": dict(purposes(locale)),
            "country_names": _country_names(session, locale),
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )
