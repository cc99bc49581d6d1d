"""Sign in, sign out, register, confirm an email address, reset a password and
accept an invitation (pages).

Every form: POST + CSRF token + 303 redirect + a notice; errors re-render the
form with status 422 and the messages next to the fields.
"""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.db import utcnow
from app.deps import SESSION_COOKIE, ClientAddress, SessionDep, SessionFactory
from app.errors import DomainError, TooManyRequests
from app.i18n import request_locale, translate
from app.messages import SET_PASSWORD_HEADINGS
from app.models import TokenPurpose
from app.schemas.user import (
    Credentials,
    PasswordResetIn,
    PasswordResetRequest,
    RegistrationIn,
)
from app.services import accounts, taxonomy
from app.web.forms import FormInvalid, PostedForm, PostedFormDep, field_errors, parse
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)


def _form(
    request: Request,
    template: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        template,
        {"values": values or {}, "errors": errors or {}, **context},
        status_code=status_code,
    )


def _refused(
    request: Request,
    template: str,
    error: DomainError,
    *,
    values: dict[str, Any],
    **context: Any,
) -> HTMLResponse:
    """The form again with a service's refusal on top: 422, or 429 with its
    Retry-After when throttled."""
    locale = request_locale(request)
    errors = {"form": [e["msg"] for e in error.detail(locale)]}
    throttled = error.status_code == 429
    response = _form(
        request,
        template,
        values=values,
        errors=errors,
        status_code=429 if throttled else 422,
        **context,
    )
    response.headers.update(error.headers)
    return response


def _local_path(target: object) -> str | None:
    """`target` if it is a path on this site (never another host)."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
    ):
        return target
    return None


@router.get("/login", name="login_form", response_class=HTMLResponse)
def login_form(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    return _form(request, "auth/login.html", values={"next": _local_path(next) or ""})


@router.post("/login", name="login_submit", response_model=None)
def login_submit(
    request: Request, form: PostedFormDep, session: SessionDep, client: ClientAddress
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        credentials = parse(
            Credentials, {k: v for k, v in fields.items() if k != "next"}, locale
        )
        user = accounts.authenticate(
            session,
            email=credentials.email,
            password=credentials.password,
            client=client,
            settings=request.app.state.settings,
        )
    except FormInvalid as invalid:
        return _form(
            request,
            "auth/login.html",
            values=fields,
            errors=invalid.errors,
            status_code=422,
        )
    except DomainError as error:
        fields.pop("password", None)  # never sent back
        return _refused(request, "auth/login.html", error, values=fields)
    secret, token = accounts.sign_in(
        session,
        user=user,
        purpose=TokenPurpose.SESSION,
        settings=request.app.state.settings,
    )
    response = see_other(
        request,
        _local_path(fields.get("next")) or f"/?lang={locale}",
        flash="signed_in",
    )
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int((token.expires_at - utcnow()).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", name="logout_submit", response_model=None)
def logout_submit(
    request: Request, form: PostedFormDep, session: SessionDep
) -> Response:
    try:
        form.values()
    except FormInvalid as invalid:
        return _form(request, "auth/login.html", errors=invalid.errors, status_code=403)
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        accounts.revoke_token(session, secret=secret)
    response = see_other(request, "/", flash="signed_out")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _countries(request: Request, session: SessionDep) -> list[tuple[str, str]]:
    locale = request_locale(request)
    return [
        (country.iso2, getattr(country.name, locale) or country.iso2)
        for country in taxonomy.list_countries(session)
    ]


@router.get("/register", name="register_form", response_class=HTMLResponse)
def register_form(request: Request, session: SessionDep) -> HTMLResponse:
    return _form(request, "auth/register.html", countries=_countries(request, session))


@router.post("/register", name="register_submit", response_model=None)
def register_submit(
    request: Request, form: PostedFormDep, session: SessionDep, client: ClientAddress
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        data = parse(RegistrationIn, fields, locale)
        accounts.register(
            session, data=data, client=client, settings=request.app.state.settings
        )
    except FormInvalid as invalid:
        errors = invalid.errors
    except TooManyRequests as throttled:
        fields.pop("password", None)
        return _refused(
            request,
            "auth/register.html",
            throttled,
            values=fields,
            countries=_countries(request, session),
        )
    except DomainError as error:
        errors = field_errors(error, locale)
    else:
        return see_other(request, f"/login?lang={locale}", flash="registered")
    fields.pop("password", None)  # never sent back
    return _form(
        request,
        "auth/register.html",
        values=fields,
        errors=errors,
        status_code=422,
        countries=_countries(request, session),
    )


@router.get("/verify-email", name="verify_form", response_class=HTMLResponse)
def verify_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """A button, not an automatic action: mail scanners open links too."""
    return _form(request, "auth/verify.html", token=token)


@router.post("/verify-email", name="verify_submit", response_model=None)
def verify_submit(
    request: Request, form: PostedFormDep, session: SessionDep
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        accounts.verify_email(session, secret=str(fields.get("token", "")))
    except FormInvalid as invalid:
        errors = invalid.errors
    except DomainError as error:
        errors = {"form": [e["msg"] for e in error.detail(locale)]}
    else:
        return see_other(request, f"/login?lang={locale}", flash="verified")
    return _form(
        request,
        "auth/verify.html",
        errors=errors,
        status_code=422,
        token=fields.get("token", ""),
    )


@router.get("/reset-password", name="reset_form", response_class=HTMLResponse)
def reset_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """Without a token: ask for a link. With one (from the email): a new password."""
    if token:
        return _set_password_form(request, "reset", token)
    return _form(request, "auth/reset_request.html")


def _set_password_form(
    request: Request,
    kind: str,
    token: str,
    *,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    return _form(
        request,
        "auth/set_password.html",
        errors=errors,
        status_code=status_code,
        token=token,
        heading=translate(locale, SET_PASSWORD_HEADINGS[kind]),
        action="/reset-password/confirm" if kind == "reset" else "/invitations/accept",
    )


@router.post("/reset-password", name="reset_request_submit", response_model=None)
def reset_request_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    make_session: SessionFactory,
    client: ClientAddress,
    background: BackgroundTasks,
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        asked = parse(PasswordResetRequest, fields, locale)
        accounts.request_password_reset(
            session,
            email=asked.email,
            client=client,
            settings=request.app.state.settings,
        )
    except FormInvalid as invalid:
        return _form(
            request,
            "auth/reset_request.html",
            values=fields,
            errors=invalid.errors,
            status_code=422,
        )
    except TooManyRequests as throttled:
        return _refused(request, "auth/reset_request.html", throttled, values=fields)
    background.add_task(  # after the answer: its timing says nothing
        accounts.send_reset_link,
        make_session,
        email=asked.email,
        settings=request.app.state.settings,
    )
    return see_other(request, f"/login?lang={locale}", flash="reset_sent")


def _set_password(
    request: Request, form: PostedForm, session: Session, kind: str
) -> Response:
    """Reset or invitation: a new password from an emailed single-use link."""
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        data = parse(PasswordResetIn, fields, locale)
        use = accounts.reset_password if kind == "reset" else accounts.accept_invitation
        use(session, secret=data.token, password=data.password)
    except FormInvalid as invalid:
        errors = invalid.errors
    except DomainError as error:
        errors = {"form": [e["msg"] for e in error.detail(locale)]}
    else:
        return see_other(request, f"/login?lang={locale}", flash="password_set")
    token = str(fields.get("token", ""))
    return _set_password_form(request, kind, token, errors=errors, status_code=422)


@router.post("/reset-password/confirm", name="reset_submit", response_model=None)
def reset_submit(
    request: Request, form: PostedFormDep, session: SessionDep
) -> Response:
    return _set_password(request, form, session, "reset")


@router.get("/invitations/accept", name="invitation_form", response_class=HTMLResponse)
def invitation_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    return _set_password_form(request, "invitation", token)


@router.post("/invitations/accept", name="invitation_submit", response_model=None)
def invitation_submit(
    request: Request, form: PostedFormDep, session: SessionDep
) -> Response:
    return _set_password(request, form, session, "invitation")
