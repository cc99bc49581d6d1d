"""Public read access to approved projects."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from app.deps import SessionDep
from app.errors import ERROR_RESPONSES
from app.schemas.common import Code, Iso2
from app.schemas.project import ProjectPage, ProjectPublic
from app.schemas.search import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ProjectFilters
from app.services import projects

router = APIRouter(prefix="/projects", tags=["projects"])

# A sanity bound only: which numbers are SDGs is data, checked by the service.
SdgNumber = Annotated[int, Field(ge=1, le=999)]


@router.get(
    "",
    name="list_projects",
    summary="List published projects",
    responses={422: ERROR_RESPONSES[422]},
)
def list_projects(
    session: SessionDep,
    action_line: Annotated[
        list[Code],
        Query(description="Action line code, repeatable; C7 also matches C7.1-C7.8."),
    ] = [],  # noqa: B006 - FastAPI copies defaults per request
    sdg: Annotated[
        list[SdgNumber], Query(description="SDG number (1-17), repeatable.")
    ] = [],  # noqa: B006
    country: Annotated[
        list[Iso2], Query(description="ISO 3166 alpha-2 code, repeatable.")
    ] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=r"^[A-Za-z0-9_=-]*$",
            description="`next_cursor` of the previous page.",
        ),
    ] = None,
) -> ProjectPage:
    """Published projects, newest first. OR within a filter, AND across filters."""
    filters = ProjectFilters(action_line=action_line, sdg=sdg, country=country)
    return projects.list_public_projects(
        session, filters=filters, limit=limit, cursor=cursor
    )


@router.get(
    "/{project_id}",
    name="get_project",
    summary="Get a published project",
    responses={404: ERROR_RESPONSES[404]},
)
def get_project(
    session: SessionDep,
    project_id: Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z]+$")],
) -> ProjectPublic:
    """The full public record of one published project."""
    return projects.get_public_project(session, project_id)
