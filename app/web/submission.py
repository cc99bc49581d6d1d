"""Writing entries (pages): the entry form, "my entries" and the submitter's
workflow actions (submit, withdraw, delete a draft, endorse, comment).

The form posts the same record the API takes and goes through the same
services, so its rules and messages are the API's. "Save draft" keeps whatever
obeys the draft rules; "Submit" saves, then submits (which needs a complete
record). Either way a form with errors comes back with status 422, every typed
value in place and each message next to its field.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from app.deps import ContributingUser, CurrentUser, ProjectId, SessionDep, SettingsDep
from app.errors import DomainError, ErrorCode, InvalidInput, PermissionDenied
from app.i18n import request_locale, translate
from app.messages import ACTION_BUTTONS, HISTORY_LINES, STATUS_NAMES
from app.models import Permission, Project, ProjectStatus, User
from app.schemas.moderation import ReasonIn
from app.schemas.project import ProjectDraft, ProjectRecord, ProjectUpdate
from app.services import comments, moderation, projects, records, revisions
from app.web import project_form
from app.web.forms import (
    Errors,
    FormInvalid,
    PostedForm,
    PostedFormDep,
    field_errors,
)
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)

# The submitter-side actions a "my entries" row may offer, besides edit.
OWNER_ACTIONS = ("submit", "withdraw", "endorse")
# The form edits these; a published entry's change becomes a revision.
FORM_EDITABLE_STATUSES = (*revisions.EDITABLE_STATUSES, ProjectStatus.APPROVED)


def _form_page(
    request: Request,
    session: Session,
    user: User,
    *,
    values: dict[str, Any],
    errors: Errors | None = None,
    project: ProjectRecord | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    options = project_form.choices(session, locale)
    return render(
        request,
        "submission/form.html",
        {
            "current_user": user,
            "values": values,
            "errors": errors or {},
            "project": project,
            "options": options,
            "suggested_sdgs": project_form.suggested_sdgs(
                options, values.get("action_lines") or []
            ),
            "status_label": translate(locale, STATUS_NAMES[project.status])
            if project
            else None,
            "editable": project is None or project.status in FORM_EDITABLE_STATUSES,
        },
        status_code=status_code,
    )


def _blank_record(user: User, locale: str) -> dict[str, Any]:
    """A new entry: in the page's language, running in the person's country.
    (Nothing of the lead organisation is filled in: a part-filled organisation
    would stop the first "Save draft".)"""
    record: dict[str, Any] = {"original_language": locale}
    if user.country_iso2:
        record["countries"] = [user.country_iso2]
    return record


@router.get("/projects/new", name="new_project_form", response_class=HTMLResponse)
def new_project_form(
    request: Request, session: SessionDep, user: ContributingUser
) -> HTMLResponse:
    locale = request_locale(request)
    values = project_form.form_values(_blank_record(user, locale))
    return _form_page(request, session, user, values=values)


def _posted(form: PostedForm) -> tuple[dict[str, Any], str, dict[str, list[str]]]:
    fields = form.lists()
    record = project_form.record_from_form(fields)
    action = (fields.get("action") or ["save"])[-1]
    return record, action, fields


def _save_then_maybe_submit(
    request: Request,
    session: Session,
    settings: Any,
    user: User,
    public_id: str,
    action: str,
) -> Response:
    locale = request_locale(request)
    if action == "submit":
        moderation.submit_project(
            session, public_id=public_id, user=user, settings=settings
        )
        return see_other(request, f"/me/projects?lang={locale}", flash="submitted")
    return see_other(
        request, f"/projects/{public_id}/edit?lang={locale}", flash="draft_saved"
    )


@router.post("/projects/new", name="new_project_submit", response_model=None)
def new_project_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: ContributingUser,
) -> Response:
    locale = request_locale(request)
    record: dict[str, Any] = {}
    try:
        record, action, _fields = _posted(form)
        data = projects.validated(session, ProjectDraft, record, prefix=("body",))
        created = projects.create_draft(session, owner=user, data=data)
    except FormInvalid as invalid:
        errors = invalid.errors
    except DomainError as error:
        errors = field_errors(error, locale)
    else:
        try:
            return _save_then_maybe_submit(
                request, session, settings, user, created.id, action
            )
        except DomainError as error:  # saved, but not complete enough to submit
            return _entry_form_again(
                request, session, user, created.id, record, field_errors(error, locale)
            )
    return _form_page(
        request,
        session,
        user,
        values=project_form.form_values(record),
        errors=errors,
        status_code=422,
    )


def _entry_form_again(
    request: Request,
    session: Session,
    user: User,
    public_id: str,
    record: dict[str, Any],
    errors: Errors,
    *,
    version: object = None,
) -> HTMLResponse:
    """A stored entry's form with `record` as typed and its errors (422)."""
    project = projects.find_for_work(session, public_id, user)
    values = project_form.form_values(record)
    values["version"] = project.version if version is None else version
    return _form_page(
        request,
        session,
        user,
        values=values,
        errors=errors,
        project=projects.working_record(session, project),
        status_code=422,
    )


def _editable(session: Session, public_id: str, user: User) -> Project:
    project = projects.find_for_work(session, public_id, user)
    if not projects.is_submitter(user, project):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    return project


@router.get(
    "/projects/{project_id}/edit", name="edit_project_form", response_class=HTMLResponse
)
def edit_project_form(
    request: Request, session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> HTMLResponse:
    project = _editable(session, project_id, user)
    revision = projects.open_revision(session, project)
    record = revision.record if revision else records.record_data(session, project)
    values = project_form.form_values(record)
    values["version"] = project.version
    return _form_page(
        request,
        session,
        user,
        values=values,
        project=projects.working_record(session, project),
    )


@router.post(
    "/projects/{project_id}/edit", name="edit_project_submit", response_model=None
)
def edit_project_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    locale = request_locale(request)
    project = _editable(session, project_id, user)
    record: dict[str, Any] = {}
    version: Any = project.version
    try:
        record, action, fields = _posted(form)
        version = (fields.get("version") or [""])[-1]
        update = ProjectUpdate.model_validate({"version": version, **record})
        revisions.edit_project(
            session, public_id=project_id, editor=user, update=update, settings=settings
        )
        if project.status == ProjectStatus.APPROVED:  # a revision: pending already
            return see_other(
                request, f"/me/projects?lang={locale}", flash="revision_submitted"
            )
        return _save_then_maybe_submit(
            request, session, settings, user, project_id, action
        )
    except FormInvalid as invalid:
        errors = invalid.errors
    except DomainError as error:
        errors = field_errors(error, locale)
    except ValidationError as error:  # a version that is not a number
        errors = field_errors(error, locale)
    return _entry_form_again(
        request, session, user, project_id, record, errors, version=version
    )


@router.get("/me/projects", name="my_projects_page", response_class=HTMLResponse)
def my_projects_page(
    request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    locale = request_locale(request)
    mine = projects.my_projects(session, user=user)
    ids = [project.id for project in mine if project.id is not None]
    histories = moderation.histories(session, ids)
    discussions = comments.comments_on(session, ids)
    rows = []
    for project, record in zip(
        mine, projects.working_records(session, mine), strict=True
    ):
        assert project.id is not None
        allowed = [
            a for a in moderation.allowed_actions(user, project) if a in OWNER_ACTIONS
        ]
        if moderation.may_endorse(user, project):
            allowed.append("endorse")
        reasons = [e for e in histories.get(project.id, []) if e.reason]
        rows.append(
            {
                "record": record,
                "status": translate(locale, STATUS_NAMES[record.status]),
                "actions": [(a, translate(locale, ACTION_BUTTONS[a])) for a in allowed],
                "last_reason": reasons[-1] if reasons else None,
                "last_reason_action": translate(
                    locale, HISTORY_LINES[reasons[-1].action]
                )
                if reasons
                else None,
                "comments": discussions.get(project.id, []),
                "can_edit": project.status in FORM_EDITABLE_STATUSES,
                "can_delete": project.status == ProjectStatus.DRAFT
                and project.owner_id == user.id,
            }
        )
    return render(
        request,
        "me/projects.html",
        {
            "current_user": user,
            "rows": rows,
            "is_focal_point": user.can(Permission.PROJECT_ENDORSE),
        },
    )


def _note(fields: dict[str, list[str]]) -> str | None:
    """The note posted with an owner's action, under the reasons' rules (text
    policy, length): a bad one is a 422 page naming the problem."""
    try:
        return ReasonIn.model_validate(
            {"reason": (fields.get("reason") or [""])[-1].strip() or None}
        ).reason
    except ValidationError as error:
        raise InvalidInput.from_validation(error, prefix=()) from error


@router.post(
    "/projects/{project_id}/owner-action", name="owner_action", response_model=None
)
def owner_action(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    """Submit, withdraw, endorse, delete a draft or comment, from "my entries"."""
    locale = request_locale(request)
    fields = form.action()
    action = (fields.get("action") or [""])[-1]
    note = _note(fields)
    back = f"/me/projects?lang={locale}"
    try:
        if action == "submit":
            moderation.submit_project(
                session, public_id=project_id, user=user, settings=settings
            )
            flash = "submitted"
        elif action == "withdraw":
            moderation.withdraw_project(
                session, public_id=project_id, user=user, reason=note
            )
            flash = "withdrawn"
        elif action == "endorse":
            moderation.endorse(session, public_id=project_id, user=user, reason=note)
            flash = "endorsed"
        elif action == "delete":
            projects.delete_draft(session, public_id=project_id, user=user)
            flash = "deleted"
        elif action == "comment" and note:
            comments.add_comment(
                session, public_id=project_id, author=user, body=note, settings=settings
            )
            flash = "commented"
        else:
            return see_other(request, back)
    except DomainError as error:
        if action != "submit" or error.status_code != 422:
            raise
        # Incomplete: the form shows what is missing, next to each field.
        project = projects.find_for_work(session, project_id, user)
        record = records.record_data(session, project)
        return _entry_form_again(
            request, session, user, project_id, record, field_errors(error, locale)
        )
    return see_other(request, back, flash=flash)
