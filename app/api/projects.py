"""Entries: the public catalog and record, and drafting (create, edit, delete)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from app.deps import (
    ContributingUser,
    CurrentUser,
    ProjectId,
    SessionDep,
    SettingsDep,
)
from app.errors import responses
from app.i18n import request_locale
from app.schemas.project import (
    ProjectDraft,
    ProjectPublic,
    ProjectRecord,
    ProjectUpdate,
)
from app.schemas.search import ExportParams, ProjectSearchPage, SearchParams
from app.services import exports, projects, revisions, search

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get(
    "",
    name="list_projects",
    summary="Search published projects",
    response_model=ProjectSearchPage,
    responses=responses(422),
)
def list_projects(
    request: Request,
    session: SessionDep,
    params: Annotated[SearchParams, Query()],
) -> Response:
    """Published projects with facet counts.

    - Filters are repeatable: **OR within one filter, AND across filters**;
      `action_line=C7` also matches C7.1-C7.8; `sub_region` matches its countries.
    - Each facet's counts are computed with **every filter applied except its
      own**; on many-to-many fields (action lines, SDGs, countries,
      technologies) an entry counts once under each of its values.
    - `q` searches titles, summaries, descriptions, organisation names and
      keywords in all three languages, folding Arabic spelling variants,
      tashkeel, Arabic-Indic digits and Latin accents; the last word matches
      as a prefix.
    - `sort`: relevance (default with `q`), newest (default otherwise), title,
      start_date. `cursor` pages without gaps or repeats while entries are
      published.
    """
    page = search.search_projects_json(
        session, params=params, locale=request_locale(request)
    )
    return Response(page, media_type="application/json")


@router.get(
    "/export",
    name="export_projects",
    summary="Download search results (CSV, JSON or XLSX)",
    responses={
        **responses(422),
        200: {
            "description": "Every matching published entry, streamed",
            "content": {media: {} for media in exports.MEDIA_TYPES.values()},
        },
    },
)
def export_projects(
    request: Request,
    session: SessionDep,
    params: Annotated[ExportParams, Query()],
) -> StreamingResponse:
    """Every published entry matching the filters of the search, one row per
    entry (CSV and XLSX: multi-valued fields joined with "; ", headers and
    labels in the chosen language, or `header=keys` for the stable column
    keys, and a link to each entry's page; JSON: the public records). The
    file is named after its filters and the day. No row cap; contact details
    are never included."""
    locale = request_locale(request)
    media_type, chunks = exports.export(
        session,
        filters=params,
        file_format=params.format,
        locale=locale,
        keys=params.header == "keys",
        base_url=request.app.state.settings.public_base_url,
    )
    filename = exports.file_name(params, params.format, date.today())
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/{project_id}",
    name="get_project",
    summary="Get a published project",
    response_model=ProjectPublic,
    responses=responses(404, 422),
)
def get_project(session: SessionDep, project_id: ProjectId) -> Response:
    """The full public record of one published project."""
    entry = projects.get_public_entry(session, project_id)
    return Response(entry.json, media_type="application/json")


@router.post(
    "",
    name="create_project",
    summary="Start a draft",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 422),
)
def create_project(
    session: SessionDep, user: ContributingUser, draft: ProjectDraft
) -> ProjectRecord:
    """A new draft owned by the caller; only `original_language` and `title` are
    needed now, the rest before submission."""
    return projects.create_draft(session, owner=user, data=draft)


@router.get(
    "/{project_id}/record",
    name="get_project_record",
    summary="Get the working record of an entry",
    responses=responses(401, 403, 404, 422),
)
def get_project_record(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> ProjectRecord:
    """Status, version and contact included: for the entry's submitters and
    moderators only."""
    return projects.get_record(session, public_id=project_id, user=user)


@router.patch(
    "/{project_id}",
    name="update_project",
    summary="Edit an entry",
    responses=responses(401, 403, 404, 409, 422),
)
def update_project(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    update: ProjectUpdate,
) -> ProjectRecord:
    """Replace the given fields. `version` must be the entry's current version
    (409 otherwise). A published entry is not changed: the edit becomes a
    revision that moderators review."""
    return revisions.edit_project(
        session, public_id=project_id, editor=user, update=update, settings=settings
    )


@router.delete(
    "/{project_id}",
    name="delete_project",
    summary="Delete a draft",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 409, 422),
)
def delete_project(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> None:
    projects.delete_draft(session, public_id=project_id, user=user)
