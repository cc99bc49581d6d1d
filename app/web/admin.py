"""Administration (pages): the accounts, their role, country and access,
invitations, and the emails the worker gave up on. The same services as the
API's /users and /outbox endpoints."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.deps import AdminUser, SessionDep, SettingsDep
from app.errors import DomainError
from app.i18n import request_locale, translate
from app.messages import ROLE_LABELS
from app.models import Role, User
from app.schemas.user import InvitationIn, UserUpdate
from app.services import accounts, mail
from app.services.exports import Labels
from app.web.forms import (
    Errors,
    FormInvalid,
    PostedFormDep,
    field_errors,
    parse,
)
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)


def _users_page(
    request: Request,
    session: Session,
    admin: User,
    *,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    return render(
        request,
        "admin/users.html",
        {
            "current_user": admin,
            "users": accounts.list_users(session),
            "roles": [(r.value, translate(locale, ROLE_LABELS[r.value])) for r in Role],
            "countries": Labels(session, locale).names["country"],
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/admin/users", name="users_page", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, admin: AdminUser) -> HTMLResponse:
    return _users_page(request, session, admin)


@router.post("/admin/users/{user_id}", name="update_user_page", response_model=None)
def update_user_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    admin: AdminUser,
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """Change one account's role, country or access (a row's form)."""
    locale = request_locale(request)
    fields = {k: v[-1] for k, v in form.action().items()}
    changes = {
        "role": fields.get("role") or None,
        "country": fields.get("country") or None,
        "is_active": fields.get("is_active") == "yes",
    }
    try:
        data = parse(UserUpdate, changes, locale)
        accounts.update_user(session, user_id=user_id, data=data)
    except FormInvalid as invalid:
        by_field = invalid.errors
    except DomainError as error:
        if error.status_code != 422:
            raise
        by_field = field_errors(error, locale)
    else:
        return see_other(request, f"/admin/users?lang={locale}", flash="user_updated")
    # The messages go under the row's form.
    errors = {f"user-{user_id}": [m for ms in by_field.values() for m in ms]}
    return _users_page(request, session, admin, errors=errors, status_code=422)


@router.post("/admin/invitations", name="invite_page", response_model=None)
def invite_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
) -> Response:
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        fields = form.values()
        cleaned = {k: v for k, v in fields.items() if v.strip()}
        data = parse(InvitationIn, cleaned, locale)
        accounts.invite(session, inviter=admin, data=data, settings=settings)
    except FormInvalid as invalid:
        errors = invalid.errors
    except DomainError as error:
        errors = field_errors(error, locale)
    else:
        return see_other(request, f"/admin/users?lang={locale}", flash="invited")
    return _users_page(
        request, session, admin, values=fields, errors=errors, status_code=422
    )


@router.get("/admin/mail", name="mail_page", response_class=HTMLResponse)
def mail_page(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser
) -> HTMLResponse:
    """Emails given up after `mail_max_attempts`, with their last error."""
    return render(
        request,
        "admin/mail.html",
        {
            "current_user": admin,
            "messages": mail.failed_messages(session),
            "max_attempts": settings.mail_max_attempts,
        },
    )


@router.post(
    "/admin/mail/{message_id}/retry", name="retry_mail_page", response_model=None
)
def retry_mail_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    _admin: AdminUser,
    message_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """Queue one parked email again (a row's button)."""
    form.action()
    mail.retry_failed(session, message_id=message_id)
    locale = request_locale(request)
    return see_other(request, f"/admin/mail?lang={locale}", flash="mail_retried")
