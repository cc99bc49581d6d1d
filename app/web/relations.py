"""Relations between entries (pages): the entry page's panel and badge, the
team's page of an entry's relations (any status) with the proposal form, the
answers to proposals, and the moderators' list of proposals waiting. The
public list of replicated entries is app/web/replications.py, mounted here."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.i18n import request_locale, translate
from app.messages import (
    RELATION_CHOICES,
    RELATION_READINGS,
    REPLICATED_IN_COUNTRIES,
)
from app.models import User
from app.schemas.project import ProjectPublic
from app.schemas.relations import (
    ProjectRelations,
    ProposedRelation,
    RelationAction,
    RelationIn,
    RelationPublic,
    RelationReading,
)
from app.services import related_entries, relations
from app.web import views
from app.web.forms import Errors, PostedFormDep, form_errors, parse
from app.web.rendering import format_number, render, see_other

router = APIRouter(include_in_schema=False)
RelationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FLASHES: dict[RelationAction, str] = {
    "accept": "relation_accepted",
    "decline": "relation_declined",
    "withdraw": "relation_withdrawn",
}


def reading_choices(locale: str) -> list[tuple[str, str]]:
    """The form's choice of relation, read from this entry's side."""
    return [
        (reading.value, translate(locale, RELATION_CHOICES[reading]))
        for reading in RelationReading
    ]


def _item(relation: RelationPublic, names: dict[Any, str]) -> dict[str, Any]:
    other = relation.other
    return {
        "relation": relation,
        "other": other,
        "country": names.get(other.home_country, "") if other.home_country else "",
    }


def relations_view(
    found: ProjectRelations, session: Session, *, locale: str
) -> dict[str, Any]:
    """What the panel draws: accepted relations grouped by how they read from
    this entry (in the form's order), the proposals waiting, the badge."""
    names = views.term_names(session, locale)["country"]
    groups = []
    for reading in RelationReading:
        items = [_item(r, names) for r in found.relations if r.relation == reading]
        if items:
            groups.append(
                {"label": translate(locale, RELATION_READINGS[reading]), "items": items}
            )
    count = found.replicated_in_countries
    return {
        "found": found,
        "groups": groups,
        "pending": [
            {
                **_item(r, names),
                "label": translate(locale, RELATION_READINGS[r.relation]),
            }
            for r in found.pending
        ],
        "replicated": translate(
            locale, REPLICATED_IN_COUNTRIES, count=format_number(count, locale)
        )
        if count
        else None,
        "replicated_in": [names.get(code, code) for code in found.replicated_in],
        "choices": reading_choices(locale),
    }


def panel(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """What the entry page shows of this feature (its relations include and
    its badge of replications)."""
    del settings  # every panel's signature (app/web/exchange.py)
    found = related_entries.project_relations(
        session, public_id=project.id, viewer=user
    )
    return relations_view(found, session, locale=locale)


def _relations_page(
    request: Request,
    session: Session,
    user: User,
    project_id: str,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    locale = request_locale(request)
    found = related_entries.working_relations(session, public_id=project_id, user=user)
    return render(
        request,
        "relations/manage.html",
        {
            "current_user": user,
            "rel": relations_view(found, session, locale=locale),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get(
    "/projects/{project_id}/relations",
    name="relations_page",
    response_class=HTMLResponse,
)
def relations_page(
    request: Request, session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> HTMLResponse:
    """An entry's relations for its team and the moderators, in any status."""
    return _relations_page(request, session, user, project_id)


@router.post(
    "/projects/{project_id}/relations",
    name="propose_relation_submit",
    response_model=None,
)
def propose_relation_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    """Propose a relation; a wrong field re-renders the team's page (422)."""
    locale = request_locale(request)
    fields: dict[str, Any] = {}
    with form_errors(locale) as refused:
        fields = form.values()
        proposal = parse(RelationIn, _proposal_fields(fields), locale)
        relations.propose(
            session, public_id=project_id, data=proposal, by=user, settings=settings
        )
    if not refused:
        back = _back(project_id, fields.get("back", ""), locale)
        return see_other(request, back, flash="relation_proposed")
    values = {key: str(value) for key, value in fields.items()}
    return _relations_page(
        request, session, user, project_id, refused.errors, values, status_code=422
    )


def _proposal_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as RelationIn reads them: no `back`, no blank note."""
    proposal = {key: value for key, value in fields.items() if key != "back"}
    if not str(proposal.get("note") or "").strip():
        proposal.pop("note", None)
    return proposal


def _back(project_id: str, back: str, locale: str) -> str:
    """The public entry page the form was on, else the team's page."""
    if back == "entry":
        return f"/projects/{project_id}?lang={locale}#relations"
    return f"/projects/{project_id}/relations?lang={locale}"


@router.post(
    "/projects/{project_id}/relations/{relation_id}/{action}",
    name="relation_action_submit",
    response_model=None,
)
def relation_action_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    relation_id: RelationId,
    action: RelationAction,
) -> Response:
    """Accept, decline or withdraw, from an entry's page or its team's page."""
    back = (form.action().get("back") or [""])[-1]
    relations.act(
        session, relation_id=relation_id, action=action, by=user, settings=settings
    )
    locale = request_locale(request)
    return see_other(request, _back(project_id, back, locale), flash=FLASHES[action])


@router.get(
    "/moderation/relations",
    name="moderation_relations_page",
    response_class=HTMLResponse,
)
def moderation_relations_page(
    request: Request, session: SessionDep, moderator: ModeratorUser
) -> HTMLResponse:
    """The proposals waiting for an answer, oldest first."""
    locale = request_locale(request)
    waiting = related_entries.waiting_relations(session, moderator=moderator)
    return render(
        request,
        "relations/moderation.html",
        {"current_user": moderator, **waiting_view(waiting, session, locale=locale)},
    )


def waiting_view(
    waiting: list[ProposedRelation], session: Session, *, locale: str
) -> dict[str, Any]:
    """The moderators' list: each proposal with its relation named in `locale`."""
    return {
        "waiting": [
            {
                "relation": proposal,
                "label": translate(locale, RELATION_READINGS[proposal.relation]),
            }
            for proposal in waiting
        ],
        "country_names": views.term_names(session, locale)["country"],
    }


@router.post(
    "/moderation/relations/{relation_id}/{action}",
    name="moderation_relation_submit",
    response_model=None,
)
def moderation_relation_submit(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    relation_id: RelationId,
    action: RelationAction,
) -> Response:
    """A moderator's answer from the list of proposals waiting."""
    form.action()  # the CSRF check
    relations.act(
        session, relation_id=relation_id, action=action, by=moderator, settings=settings
    )
    locale = request_locale(request)
    return see_other(
        request, f"/moderation/relations?lang={locale}", flash=FLASHES[action]
    )
