"""The moderators' desk (pages): the queue, an entry's review page, decisions
and comments. Decisions go through the workflow services, as over the API."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.deps import ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.i18n import request_locale, translate
from app.messages import (
    ACTION_BUTTONS,
    CHOICE_LABELS_BY_FILTER,
    EXPORT_COLUMNS,
    HISTORY_LINES,
    OFFER_LABELS,
    PART_LABELS,
    STATUS_NAMES,
    YES_NO,
)
from app.models import Project, ProjectStatus, RevisionStatus, User
from app.schemas.common import Iso2
from app.schemas.moderation import CommentIn, DecisionIn, RevisionDecisionIn
from app.schemas.project import ProjectRecord
from app.services import comments, moderation, projects, queue, records, revisions
from app.services.exports import Labels
from app.taxonomies import TAXONOMIES
from app.web.forms import Errors, FormInvalid, PostedFormDep, form_errors, parse
from app.web.good_practice_views import review_panel
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/moderation", name="moderation_queue_page", response_class=HTMLResponse)
def moderation_queue_page(
    request: Request,
    session: SessionDep,
    moderator: ModeratorUser,
    status: Annotated[list[ProjectStatus], Query()] = [],  # noqa: B006
    country: Annotated[list[Iso2], Query()] = [],  # noqa: B006
    min_age_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
) -> HTMLResponse:
    locale = request_locale(request)
    waiting = queue.moderation_queue(
        session,
        statuses=status,
        countries=country,
        min_age_days=min_age_days,
        limit=200,
    )
    names = Labels(session, locale).names
    return render(
        request,
        "moderation/queue.html",
        {
            "current_user": moderator,
            "queue": waiting,
            "names": names,
            "status_names": _status_names(locale),
            "chosen": {
                "status": status,
                "country": country,
                "min_age_days": min_age_days,
            },
        },
    )


def _status_names(locale: str) -> dict[str, str]:
    return {key: translate(locale, name) for key, name in STATUS_NAMES.items()}


# Which taxonomy names a field's codes (app/taxonomies.py).
TAXONOMY_OF = {
    **{t.field: t.name for t in TAXONOMIES if t.field is not None},
    "primary_action_line": "action_line",
    "country": "country",
    "entity_type": "entity_type",
}
# The catalog's names of choices, and the record's fields that no filter has.
CHOICE_LABELS: dict[str, dict[Any, str]] = CHOICE_LABELS_BY_FILTER | {
    "unesco_alignment": YES_NO,
    "offers": OFFER_LABELS,
}


def _blank(value: Any) -> bool:
    return value in (None, [], {}, "")


def _shown(value: Any, labels: Labels, field: str) -> str:
    """A record value as one line of text, in the page's language, for the
    review page and the diff."""
    locale = labels.locale
    taxonomy = TAXONOMY_OF.get(field)
    if _blank(value):
        return "—"
    if taxonomy and isinstance(value, list):
        return labels.many(taxonomy, value)
    if taxonomy:
        return labels.one(taxonomy, value)
    if isinstance(value, str) and value in CHOICE_LABELS.get(field, {}):
        return translate(locale, CHOICE_LABELS[field][value])
    if isinstance(value, bool):
        return translate(locale, YES_NO["yes" if value else "no"])
    if isinstance(value, dict) and field == "contact":
        return " · ".join(str(v) for v in (value.get("name"), value.get("email")) if v)
    if isinstance(value, dict) and field in ("lead_organization", "partners"):
        details = [
            _shown(value.get(key), labels, key)
            for key in ("entity_type", "country", "website")
            if not _blank(value.get(key))
        ]
        name = value.get("name") or "—"
        return f"{name} ({', '.join(details)})" if details else str(name)
    if isinstance(value, dict):
        return (
            " · ".join(
                f"{_field_label(locale, key)}: {_shown(inner, labels, key)}"
                for key, inner in value.items()
                if not _blank(inner)
            )
            or "—"
        )
    if isinstance(value, list):
        return "; ".join(_shown(item, labels, field) for item in value)
    return str(value)


def _field_label(locale: str, field: str) -> str:
    for names in (EXPORT_COLUMNS, PART_LABELS):
        if field in names:
            return translate(locale, names[field])
    return field


def _revision(
    session: Session, record: ProjectRecord, moderator: User, labels: Labels
) -> dict[str, Any] | None:
    """The changes proposed to a published entry, field by field (None: none)."""
    if record.open_revision is None:
        return None
    view = revisions.revision_view(session, public_id=record.id, user=moderator)
    locale = labels.locale
    return {
        "view": view,
        "changes": [
            (
                _field_label(locale, change.field),
                _shown(change.before, labels, change.field),
                _shown(change.after, labels, change.field),
            )
            for change in view.changes
        ],
    }


def _decisions(
    project: Project, record: ProjectRecord, moderator: User, locale: str
) -> list[tuple[str, str]]:
    """The decision buttons: on the changes if a revision waits, else on the entry."""
    if record.open_revision is None:
        actions = moderation.allowed_actions(moderator, project)
    elif record.open_revision == RevisionStatus.PENDING:
        actions = list(revisions.REVISION_ACTIONS)
    else:  # the changes went back to their author
        actions = []
    return [(action, translate(locale, ACTION_BUTTONS[action])) for action in actions]


def _record_view(record: ProjectRecord, labels: Labels) -> dict[str, Any]:
    """The record's texts in every language, and its other fields as lines."""
    locale = labels.locale
    data = record.model_dump(mode="json")
    return {
        "texts": [
            (_field_label(locale, key), getattr(record, key))
            for key in records.TRANSLATED_FIELDS
        ],
        "shown": [
            (_field_label(locale, field), _shown(data.get(field), labels, field))
            for field in records.RECORD_FIELDS
            if field not in records.TRANSLATED_FIELDS and field != "original_language"
        ],
    }


def review(
    request: Request,
    session: Session,
    moderator: User,
    public_id: str,
    errors: Errors | None = None,
    *,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """An entry's review page; with `errors` (a form of it refused), a 422."""
    locale = request_locale(request)
    project = projects.find_for_work(session, public_id, moderator)
    record: ProjectRecord = projects.working_record(session, project)
    labels = Labels(session, locale)
    history = moderation.history(session, public_id=public_id, user=moderator)
    context = {
        "current_user": moderator,
        "record": record,
        **_record_view(record, labels),
        "revision": _revision(session, record, moderator, labels),
        "decisions": _decisions(project, record, moderator, locale),
        "history": [(e, translate(locale, HISTORY_LINES[e.action])) for e in history],
        "comments": comments.list_comments(
            session, public_id=public_id, user=moderator
        ),
        "status_names": _status_names(locale),
        "country_names": labels.names["country"],
        "good_practice": review_panel(session, project, moderator, locale),
        "errors": errors or {},
        "values": values or {},
    }
    status_code = 422 if errors else 200
    return render(request, "moderation/review.html", context, status_code=status_code)


@router.get("/moderation/{project_id}", name="review_page", response_class=HTMLResponse)
def review_page(
    request: Request,
    session: SessionDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
) -> HTMLResponse:
    return review(request, session, moderator, project_id)


@router.post(
    "/moderation/{project_id}/decision", name="decide_page", response_model=None
)
def decide_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
) -> Response:
    """Approve, request changes, reject or archive; a missing reason re-renders
    the review page (422) with the message next to the reason box."""
    locale = request_locale(request)
    fields = {k: v[-1] for k, v in (form.action()).items()}
    on_revision = fields.pop("target", None) == "revision"
    if not (fields.get("reason") or "").strip():
        fields.pop("reason", None)
    with form_errors(locale) as refused:
        if on_revision:
            change = parse(RevisionDecisionIn, fields, locale)
            revisions.decide_revision(
                session,
                public_id=project_id,
                moderator=moderator,
                action=change.action,
                reason=change.reason,
                settings=settings,
            )
        else:
            decision = parse(DecisionIn, fields, locale)
            moderation.decide(
                session,
                public_id=project_id,
                moderator=moderator,
                action=decision.action,
                reason=decision.reason,
                settings=settings,
            )
    if not refused:
        return see_other(request, f"/moderation?lang={locale}", flash="decided")
    values = {"reason": fields.get("reason", "")}
    return review(
        request, session, moderator, project_id, refused.errors, values=values
    )


@router.post(
    "/moderation/{project_id}/comments", name="comment_page", response_model=None
)
def comment_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
) -> Response:
    locale = request_locale(request)
    fields = form.action()
    try:
        comment = parse(CommentIn, {"body": (fields.get("body") or [""])[-1]}, locale)
    except FormInvalid as invalid:
        return review(request, session, moderator, project_id, invalid.errors)
    comments.add_comment(
        session,
        public_id=project_id,
        author=moderator,
        body=comment.body,
        settings=settings,
    )
    return see_other(
        request, f"/moderation/{project_id}?lang={locale}", flash="commented"
    )
