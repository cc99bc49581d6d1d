"""The public catalog: filtered, keyset-paginated listings of published entries."""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from app.errors import ErrorCode, InvalidInput
from app.models import (
    ActionLine,
    Country,
    Project,
    ProjectActionLine,
    ProjectCountry,
    ProjectSdg,
    Sdg,
)
from app.models.project import ProjectLink
from app.schemas.project import ProjectPage
from app.schemas.search import ProjectFilters
from app.services import projects, records, taxonomy

MAX_ID = 2**63  # ids are BIGINT-safe on every backend; larger ones are not ours


def _encode_cursor(project: Project) -> str:
    assert project.published_at is not None
    raw = json.dumps([project.published_at.isoformat(), project.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        published, pid = json.loads(base64.urlsafe_b64decode(padded))
        at = datetime.fromisoformat(published)
        if not isinstance(pid, int) or not 0 < pid < MAX_ID or at.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise InvalidInput(ErrorCode.INVALID_CURSOR, loc=("query", "cursor")) from exc
    return at, pid


def _check_filter_codes(session: Session, filters: ProjectFilters) -> None:
    problems: list[records.Problem] = []
    for param, model, key in (
        ("action_line", ActionLine, "code"),
        ("sdg", Sdg, "number"),
        ("country", Country, "iso2"),
    ):
        for code in taxonomy.unknown_codes(
            session, model, key, getattr(filters, param), allow_retired=True
        ):
            problems.append((("query", param), ErrorCode.UNKNOWN_CODE, {"code": code}))
    if problems:
        raise InvalidInput.collect(problems)


def _linked_to(link_table: type[ProjectLink], column: str, values: set[Any]) -> Any:
    return col(Project.id).in_(
        select(link_table.project_id).where(getattr(link_table, column).in_(values))
    )


def _filter_conditions(session: Session, filters: ProjectFilters) -> list[Any]:
    conditions: list[Any] = []
    if filters.action_line:
        codes = taxonomy.with_sub_lines(session, filters.action_line)
        conditions.append(_linked_to(ProjectActionLine, "action_line_code", codes))
    if filters.sdg:
        conditions.append(_linked_to(ProjectSdg, "sdg_number", set(filters.sdg)))
    if filters.country:
        conditions.append(
            _linked_to(ProjectCountry, "country_iso2", set(filters.country))
        )
    return conditions


def _after(cursor: tuple[datetime, int]) -> ColumnElement[bool]:
    published, pid = cursor
    return or_(
        col(Project.published_at) < published,
        and_(col(Project.published_at) == published, col(Project.id) < pid),
    )


def list_public_projects(
    session: Session, *, filters: ProjectFilters, limit: int, cursor: str | None
) -> ProjectPage:
    """Newest published first, keyset-paginated so pages stay stable under inserts."""
    _check_filter_codes(session, filters)
    query = projects.visible_projects(None).where(*_filter_conditions(session, filters))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    if cursor:  # an empty cursor (`?cursor=`) means the first page
        query = query.where(_after(_decode_cursor(cursor)))
    query = query.order_by(
        col(Project.published_at).desc(), col(Project.id).desc()
    ).limit(limit + 1)
    page = list(session.exec(query).all())
    has_more = len(page) > limit
    page = page[:limit]
    return ProjectPage(
        items=records.to_public(session, page),
        total=total,
        next_cursor=_encode_cursor(page[-1]) if has_more else None,
    )
