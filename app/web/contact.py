"""Contact an entry's team through the relay: the form on the entry page, each
side's conversation pages, the team's block, the moderators' log.

Thin routes over app/services/contact.py (writing, answering),
contact_measures.py (blocks, reports, suspensions) and contact_log.py (the
reading); the view shaping is in app/web/contact_views.py. No page shows an
email address.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import (
    CurrentUser,
    ModeratorUser,
    OptionalUser,
    ProjectId,
    SessionDep,
    SettingsDep,
)
from app.errors import DomainError
from app.i18n import request_locale
from app.models import User
from app.schemas.contact import NoteIn, ReplyIn, ReportIn, TeamMessageIn
from app.schemas.project import ProjectPublic
from app.services import contact, contact_log, contact_measures
from app.web import contact_views as views
from app.web.forms import PostedFormDep, form_errors, parse
from app.web.rendering import see_other

router = APIRouter(include_in_schema=False)
ThreadId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[\w-]+$")]


def panel(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """What the entry page shows of this feature (read by its include): the
    form, a sign-in link, or why this person cannot write."""
    del settings  # the panel's common signature (app/web/exchange.py)
    state = contact.writing_state(session, public_id=project.id, user=user)
    return views.form_context(session, project.id, user, state=state, locale=locale)


# --- writing to a team ------------------------------------------------------------


@router.get(
    "/projects/{project_id}/contact", name="contact_form", response_class=HTMLResponse
)
def contact_form(
    request: Request, session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> HTMLResponse:
    state = contact.writing_state(session, public_id=project_id, user=user)
    return views.write_page(request, session, project_id, user, state=state)


@router.post(
    "/projects/{project_id}/contact", name="contact_submit", response_model=None
)
def contact_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    """Send the first message; a problem shows the form again beside the fields
    (422), or on top: limit (429 with Retry-After), block or suspension (403)."""
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        with form_errors(locale) as refused:
            fields = form.values()
            access = contact.start_thread(
                session,
                project_public_id=project_id,
                sender=user,
                data=parse(TeamMessageIn, views.contact_fields(fields), locale),
                settings=settings,
            )
    except DomainError as error:  # not about a field: on top of the page
        return views.write_refused(request, session, project_id, user, fields, error)
    if refused:
        return views.write_page(
            request, session, project_id, user, values=fields, errors=refused.errors
        )
    return see_other(
        request, f"/me/messages/{access.thread.id}?lang={locale}", flash="message_sent"
    )


# --- the signed-in sides ------------------------------------------------------------


@router.get("/me/messages", name="my_messages_page", response_class=HTMLResponse)
def my_messages_page(
    request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    locale = request_locale(request)
    mine = contact_log.my_messages(session, user=user, locale=locale)
    return views.my_messages(request, user, mine)


@router.get(
    "/me/messages/{thread_id}", name="my_thread_page", response_class=HTMLResponse
)
def my_thread_page(
    request: Request, session: SessionDep, user: CurrentUser, thread_id: ThreadId
) -> HTMLResponse:
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    return views.thread_page(request, session, access, f"/me/messages/{thread_id}")


@router.post(
    "/me/messages/{thread_id}/{act}", name="my_thread_submit", response_model=None
)
def my_thread_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    thread_id: ThreadId,
    act: views.Act,
) -> Response:
    """Answer, report the conversation, or (the team) block its sender."""
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    return _act(
        request, form, session, settings, access, act, f"/me/messages/{thread_id}"
    )


# --- the team, from the relayed mail's link -----------------------------------------


@router.get(
    "/messages/reply/{token}", name="team_thread_page", response_class=HTMLResponse
)
def team_thread_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    token: Token,
) -> HTMLResponse:
    """The conversation for whoever holds the newest relayed mail's link
    (app/web/headers.py keeps it out of caches and referrers)."""
    access = contact_log.access_by_token(session, token=token, settings=settings)
    return views.thread_page(
        request, session, access, f"/messages/reply/{token}", current_user=user
    )


@router.post(
    "/messages/reply/{token}/{act}", name="team_thread_submit", response_model=None
)
def team_thread_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    token: Token,
    act: views.Act,
) -> Response:
    access = contact_log.access_by_token(session, token=token, settings=settings)
    return _act(
        request, form, session, settings, access, act, f"/messages/reply/{token}"
    )


def _act(
    request: Request,
    form: PostedFormDep,
    session: Session,
    settings: Settings,
    access: contact.Access,
    act: str,
    base: str,
) -> Response:
    """One of a conversation's forms: POST, CSRF, 303 back with a notice; a
    problem shows the conversation again with the message beside the box."""
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    try:
        with form_errors(locale) as refused:
            fields = form.values()
            _do(session, settings, access, act, fields, locale)
    except DomainError as error:  # not about a field: 403, 409, 429
        return views.thread_refused(request, session, access, base, fields, error, act)
    if refused:
        return views.thread_page(
            request,
            session,
            access,
            base,
            values=fields,
            errors=refused.errors,
            act=act,
        )
    return see_other(request, f"{base}?lang={locale}", flash=views.ACT_FLASH[act])


def _do(
    session: Session,
    settings: Settings,
    access: contact.Access,
    act: str,
    fields: dict[str, Any],
    locale: str,
) -> None:
    """Answer, report, or block: the posted fields through the service."""
    if act == "reply":
        answer = parse(ReplyIn, {"body": fields.get("body", "")}, locale)
        contact.reply(session, access=access, body=answer.body, settings=settings)
    elif act == "report":
        report = parse(ReportIn, {"reason": fields.get("reason", "")}, locale)
        contact_measures.report_thread(
            session, access=access, reason=report.reason, settings=settings
        )
    else:
        note = parse(NoteIn, views.note_fields(fields), locale)
        contact_measures.block_sender(session, access=access, reason=note.reason)


# --- the moderators' log ----------------------------------------------------------


@router.get(
    "/moderation/messages", name="message_log_page", response_class=HTMLResponse
)
def message_log_page(
    request: Request,
    session: SessionDep,
    moderator: ModeratorUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    return views.log_page(request, session, moderator, page)


@router.post(
    "/moderation/messages/{measure}", name="message_log_submit", response_model=None
)
def message_log_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    moderator: ModeratorUser,
    measure: views.Measure,
) -> Response:
    """Suspend a sender from writing to any team, or lift the suspension."""
    locale = request_locale(request)
    fields = {key: values[-1] for key, values in form.action().items()}
    page = views.page_number(fields)
    with form_errors(locale) as refused:
        sender_id = views.sender_id(fields)
        note = parse(NoteIn, views.note_fields(fields), locale)
        if measure == "suspend":
            contact_measures.suspend_sender(
                session, sender_id=sender_id, moderator=moderator, reason=note.reason
            )
        else:
            contact_measures.lift_suspension(
                session, sender_id=sender_id, moderator=moderator
            )
    if refused:
        return views.log_page(request, session, moderator, page, errors=refused.errors)
    flash = "sender_suspended" if measure == "suspend" else "suspension_lifted"
    return see_other(
        request, f"/moderation/messages?lang={locale}&page={page}", flash=flash
    )
