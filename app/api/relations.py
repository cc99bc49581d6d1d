"""Relations between entries over the API: propose, accept, decline,
withdraw, read an entry's relations, list replicated entries; and the
knowledge-flows figures."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from app.deps import (
    CurrentUser,
    ModeratorUser,
    OptionalUser,
    ProjectId,
    SessionDep,
    SettingsDep,
)
from app.errors import responses
from app.i18n import request_locale
from app.schemas.relations import (
    KnowledgeFlows,
    ProjectRelations,
    ProposedRelation,
    RelationAction,
    RelationIn,
    RelationPublic,
    ReplicatedPage,
    ReplicatedParams,
)
from app.services import flows, related_entries, relations, replications

router = APIRouter(tags=["exchange"])
RelationId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/projects/{project_id}/relations",
    name="get_project_relations",
    summary="An entry's relations to other entries",
    responses=responses(401, 404, 422),
)
def get_project_relations(
    session: SessionDep, user: OptionalUser, project_id: ProjectId
) -> ProjectRelations:
    """Accepted relations in both directions, each read from this entry's side
    (`replicated_in` here is `replicated_from` there), and in how many
    countries it was replicated. The public sees relations to published
    entries only; the two teams and the moderators also see the proposals
    waiting, the notes, and the `actions` open to them."""
    return related_entries.project_relations(session, public_id=project_id, viewer=user)


@router.post(
    "/projects/{project_id}/relations",
    name="propose_relation",
    summary="Propose a relation to another entry",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def propose_relation(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    proposal: RelationIn,
) -> RelationPublic:
    """For this entry's team (any status) or a moderator. `other` is a
    published entry's id or address; `relation` reads from this entry's side.
    The other side's team is mailed and answers; 409 if the two entries are
    already related this way (or it waits); 429 RELATION_LIMIT_REACHED past
    `STOCKTAKING_RELATION_LIMIT_PER_DAY` (moderators are not counted)."""
    return relations.propose(
        session, public_id=project_id, data=proposal, by=user, settings=settings
    )


@router.post(
    "/relations/{relation_id}/{action}",
    name="act_on_relation",
    summary="Accept, decline or withdraw a proposed relation",
    responses=responses(401, 403, 404, 409, 422),
)
def act_on_relation(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    relation_id: RelationId,
    action: RelationAction,
) -> RelationPublic:
    """`accept` and `decline`: the other side's team or a moderator;
    `withdraw`: the side that proposed. 409 once it no longer waits."""
    return relations.act(
        session, relation_id=relation_id, action=action, by=user, settings=settings
    )


@router.get(
    "/relations/replicated",
    name="list_replicated_projects",
    summary="Entries replicated in other countries, with the figure",
    responses=responses(422),
)
def list_replicated_projects(
    session: SessionDep, params: Annotated[ReplicatedParams, Query()]
) -> ReplicatedPage:
    """Published entries with at least one accepted `replicated_in` relation to
    a published entry; `replicated_in_countries` counts those entries' home
    countries. `sort`: replications (most first, the default) or newest."""
    return replications.replicated_entries(session, params=params)


@router.get(
    "/relations/proposed",
    name="list_proposed_relations",
    summary="Proposals waiting for an answer (moderators)",
    responses=responses(401, 403),
)
def list_proposed_relations(
    session: SessionDep, moderator: ModeratorUser
) -> list[ProposedRelation]:
    return related_entries.waiting_relations(session, moderator=moderator)


@router.get(
    "/stats/knowledge-flows",
    name="knowledge_flows",
    summary="Contacts and relations between countries (counts only)",
)
def knowledge_flows(
    request: Request, session: SessionDep, settings: SettingsDep
) -> KnowledgeFlows:
    """Per pair of countries, the contacts from people of one to entries of
    the other plus the accepted relations between their published entries.
    Pairs below `threshold` are left out; nothing else is told."""
    return flows.knowledge_flows(
        session, settings=settings, locale=request_locale(request)
    )
