"""The reference taxonomies, read-only."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import SessionDep
from app.models.taxonomy import CodedTermBase
from app.schemas.taxonomy import (
    ActionLinePublic,
    CountryPublic,
    GdcObjectivePublic,
    SdgPublic,
    TermPublic,
    WsisTargetPublic,
)
from app.services import taxonomy
from app.taxonomies import TAXONOMIES

router = APIRouter(tags=["taxonomies"])

IncludeRetired = Annotated[
    bool, Query(description="Also list terms retired from the current lists.")
]


@router.get("/action-lines", name="list_action_lines", summary="List action lines")
def list_action_lines(
    session: SessionDep, include_retired: IncludeRetired = False
) -> list[ActionLinePublic]:
    """WSIS Action Lines C1-C11 and C7's application areas, with linked SDGs."""
    return taxonomy.list_action_lines(session, include_retired=include_retired)


@router.get("/sdgs", name="list_sdgs", summary="List SDGs")
def list_sdgs(
    session: SessionDep, include_retired: IncludeRetired = False
) -> list[SdgPublic]:
    """The 17 Sustainable Development Goals with their official colours."""
    return taxonomy.list_sdgs(session, include_retired=include_retired)


@router.get("/countries", name="list_countries", summary="List countries")
def list_countries(
    session: SessionDep, include_retired: IncludeRetired = False
) -> list[CountryPublic]:
    """The 22 League of Arab States members."""
    return taxonomy.list_countries(session, include_retired=include_retired)


@router.get("/wsis-targets", name="list_wsis_targets", summary="List WSIS targets")
def list_wsis_targets(
    session: SessionDep, include_retired: IncludeRetired = False
) -> list[WsisTargetPublic]:
    """The ten indicative WSIS targets."""
    return taxonomy.list_wsis_targets(session, include_retired=include_retired)


@router.get(
    "/gdc-objectives", name="list_gdc_objectives", summary="List GDC objectives"
)
def list_gdc_objectives(
    session: SessionDep, include_retired: IncludeRetired = False
) -> list[GdcObjectivePublic]:
    """The five objectives of the Global Digital Compact."""
    return taxonomy.list_gdc_objectives(session, include_retired=include_retired)


def _vocabulary_route(path: str, model: type[CodedTermBase], summary: str) -> None:
    """Register `GET path` listing the terms of a small coded vocabulary."""

    def list_vocabulary(
        session: SessionDep, include_retired: IncludeRetired = False
    ) -> list[TermPublic]:
        return taxonomy.list_terms(session, model, include_retired=include_retired)

    name = "list_" + path.strip("/").replace("-", "_")
    router.add_api_route(
        path, list_vocabulary, methods=["GET"], name=name, summary=summary
    )


for _listed in TAXONOMIES:  # the small coded vocabularies (app/taxonomies.py)
    if _listed.api_path is not None:
        assert issubclass(_listed.model, CodedTermBase), _listed.name
        _vocabulary_route(_listed.api_path, _listed.model, _listed.api_summary)
