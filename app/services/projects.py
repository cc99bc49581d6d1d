"""Creating projects and reading the public record.

The link registry `LINKS` is the one description of how a project's
many-to-many taxonomy fields map to tables: creation, validation and the
batch loader of public records all read it.
"""

import base64
import binascii
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.db import utcnow
from app.errors import ErrorCode, InvalidInput, Loc, NotFound
from app.models import (
    ActionLine,
    ActivityType,
    BudgetRange,
    Country,
    EntityType,
    FundingSource,
    GdcObjective,
    Project,
    ProjectActionLine,
    ProjectCountry,
    ProjectGdcObjective,
    ProjectPartner,
    ProjectSdg,
    ProjectStatus,
    ProjectTargetGroup,
    ProjectTechnology,
    ProjectWsisTarget,
    Sdg,
    TargetGroup,
    Technology,
    WsisTarget,
)
from app.models.project import ProjectLink
from app.models.taxonomy import TermBase
from app.schemas.common import LocalizedText
from app.schemas.project import (
    OrganizationPublic,
    ProjectCreate,
    ProjectPage,
    ProjectPublic,
    ResponsibleAI,
)
from app.schemas.search import ProjectFilters
from app.services import taxonomy

# Crockford's base32 without I, L, O, U: ids are read aloud and typed by hand.
PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_ID_LENGTH = 10
TRANSLATED_FIELDS = ("title", "summary", "description", "impact", "challenges")
MAX_ID = 2**63  # ids are BIGINT-safe on every backend; larger ones are not ours


@dataclass(frozen=True)
class Link:
    """A many-to-many field of a project: its link table and taxonomy."""

    field: str
    table: type[ProjectLink]
    column: str
    term: type[TermBase]
    term_key: str


LINKS = (
    Link("action_lines", ProjectActionLine, "action_line_code", ActionLine, "code"),
    Link("countries", ProjectCountry, "country_iso2", Country, "iso2"),
    Link("sdgs", ProjectSdg, "sdg_number", Sdg, "number"),
    Link("wsis_targets", ProjectWsisTarget, "wsis_target_code", WsisTarget, "code"),
    Link(
        "gdc_objectives",
        ProjectGdcObjective,
        "gdc_objective_number",
        GdcObjective,
        "number",
    ),
    Link("technologies", ProjectTechnology, "technology_code", Technology, "code"),
    Link("target_groups", ProjectTargetGroup, "target_group_code", TargetGroup, "code"),
)


def new_public_id() -> str:
    """A random, stable, URL-safe public identifier."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


# --- visibility -------------------------------------------------------------


def visible_projects() -> SelectOfScalar[Project]:
    """The one visibility rule for public reads: approved entries only."""
    return select(Project).where(Project.status == ProjectStatus.APPROVED)


# --- creation ---------------------------------------------------------------


def _code_errors(
    session: Session, data: ProjectCreate
) -> list[tuple[Loc, str, ErrorCode]]:
    """Every taxonomy code in `data` that names no current term, with its location."""
    checks: list[tuple[Loc, type[TermBase], str, Any]] = [
        (
            ("body", "lead_organization", "entity_type"),
            EntityType,
            "code",
            data.lead_organization.entity_type,
        ),
        (
            ("body", "lead_organization", "country"),
            Country,
            "iso2",
            data.lead_organization.country,
        ),
        (("body", "activity_type"), ActivityType, "code", data.activity_type),
        (("body", "funding_source"), FundingSource, "code", data.funding_source),
        (("body", "budget_range"), BudgetRange, "code", data.budget_range),
    ]
    for index, partner in enumerate(data.partners):
        loc: Loc = ("body", "partners", index)
        checks.append(((*loc, "entity_type"), EntityType, "code", partner.entity_type))
        checks.append(((*loc, "country"), Country, "iso2", partner.country))
    for link in LINKS:
        for index, code in enumerate(getattr(data, link.field)):
            checks.append((("body", link.field, index), link.term, link.term_key, code))

    # One query per taxonomy, however many codes the record carries.
    codes: dict[tuple[type[TermBase], str], set[Any]] = defaultdict(set)
    for _loc, model, key, code in checks:
        if code is not None:
            codes[(model, key)].add(code)
    unknown = {
        (model, key): set(
            taxonomy.unknown_codes(session, model, key, values, allow_retired=False)
        )
        for (model, key), values in codes.items()
    }
    return [
        (loc, f"unknown code: {code}", ErrorCode.UNKNOWN_CODE)
        for loc, model, key, code in checks
        if code is not None and code in unknown[(model, key)]
    ]


def _columns_from(data: ProjectCreate) -> dict[str, Any]:
    columns: dict[str, Any] = {
        f"{field}_{lang}": getattr(getattr(data, field), lang)
        for field in TRANSLATED_FIELDS
        for lang in ("ar", "en", "fr")
    }
    org = data.lead_organization
    rai = data.responsible_ai
    columns |= {
        "original_language": data.original_language,
        "keywords": list(data.keywords),
        "lead_org_name": org.name,
        "lead_org_entity_type_code": org.entity_type,
        "lead_org_country_iso2": org.country,
        "lead_org_website": str(org.website) if org.website else None,
        "scope": data.scope,
        "activity_type_code": data.activity_type,
        "implementation_status": data.implementation_status,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "website": str(data.website) if data.website else None,
        "contact_name": data.contact.name,
        "contact_email": str(data.contact.email),
        "primary_action_line_code": data.primary_action_line,
        "funding_source_code": data.funding_source,
        "budget_range_code": data.budget_range,
        "rai_data_sources": rai.data_sources,
        "rai_human_oversight": rai.human_oversight,
        "rai_risk_assessment_done": rai.risk_assessment_done,
        "rai_affected_groups": rai.affected_groups,
        "rai_unesco_alignment": rai.unesco_alignment,
    }
    return columns


def create_project(
    session: Session,
    *,
    data: ProjectCreate,
    status: ProjectStatus = ProjectStatus.DRAFT,
    is_sample: bool = False,
    public_id: str | None = None,
) -> Project:
    """Store a complete record with its links, in one transaction.

    Unknown or retired taxonomy codes are refused with a 422 naming each field.
    """
    errors = _code_errors(session, data)
    if errors:
        raise InvalidInput.collect(errors)
    now = utcnow()
    project = Project(
        public_id=public_id or new_public_id(),
        status=status,
        is_sample=is_sample,
        created_at=now,
        updated_at=now,
        published_at=now if status == ProjectStatus.APPROVED else None,
        **_columns_from(data),
    )
    session.add(project)
    session.flush()
    assert project.id is not None
    for position, partner in enumerate(data.partners):
        session.add(
            ProjectPartner(
                project_id=project.id,
                position=position,
                name=partner.name,
                entity_type_code=partner.entity_type,
                country_iso2=partner.country,
                website=str(partner.website) if partner.website else None,
            )
        )
    for link in LINKS:
        for code in getattr(data, link.field):
            session.add(link.table(**{"project_id": project.id, link.column: code}))
    session.commit()
    session.refresh(project)
    return project


# --- public reads -----------------------------------------------------------


def _localized(project: Project, field: str) -> LocalizedText:
    return LocalizedText(
        ar=getattr(project, f"{field}_ar"),
        en=getattr(project, f"{field}_en"),
        fr=getattr(project, f"{field}_fr"),
    )


def _load_links(session: Session, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
    """For each link field, project id -> codes in the taxonomy's display order."""
    loaded: dict[str, dict[int, list[Any]]] = {}
    for link in LINKS:
        project_id = col(link.table.project_id)
        code = getattr(link.table, link.column)
        rows = session.exec(
            select(project_id, code)
            .join(link.term, getattr(link.term, link.term_key) == code)
            .where(project_id.in_(ids))
            .order_by(col(link.term.sort_order))
        ).all()
        by_project: dict[int, list[Any]] = defaultdict(list)
        for pid, value in rows:
            by_project[pid].append(value)
        loaded[link.field] = by_project
    return loaded


def _load_partners(session: Session, ids: list[int]) -> dict[int, list[ProjectPartner]]:
    partners: dict[int, list[ProjectPartner]] = defaultdict(list)
    query = (
        select(ProjectPartner)
        .where(col(ProjectPartner.project_id).in_(ids))
        .order_by(col(ProjectPartner.project_id), col(ProjectPartner.position))
    )
    for partner in session.exec(query):
        partners[partner.project_id].append(partner)
    return partners


def to_public(session: Session, projects: list[Project]) -> list[ProjectPublic]:
    """Public records for `projects`, loading their links in one query per table."""
    ids = [p.id for p in projects if p.id is not None]
    links = _load_links(session, ids)
    partners = _load_partners(session, ids)
    return [
        _public_record(project, links, partners[project.id or 0])
        for project in projects
    ]


def _public_record(
    project: Project,
    links: dict[str, dict[int, list[Any]]],
    partners: list[ProjectPartner],
) -> ProjectPublic:
    pid = project.id or 0
    record: dict[str, Any] = {
        field: _localized(project, field) for field in TRANSLATED_FIELDS
    } | {link.field: links[link.field].get(pid, []) for link in LINKS}
    return ProjectPublic(
        id=project.public_id,
        is_sample=project.is_sample,
        original_language=project.original_language,
        keywords=project.keywords,
        lead_organization=OrganizationPublic(
            name=project.lead_org_name,
            entity_type=project.lead_org_entity_type_code,
            country=project.lead_org_country_iso2,
            website=project.lead_org_website,
        ),
        partners=[
            OrganizationPublic(
                name=p.name,
                entity_type=p.entity_type_code,
                country=p.country_iso2,
                website=p.website,
            )
            for p in partners
        ],
        scope=project.scope,
        activity_type=project.activity_type_code,
        implementation_status=project.implementation_status,
        start_date=project.start_date,
        end_date=project.end_date,
        website=project.website,
        primary_action_line=project.primary_action_line_code,
        funding_source=project.funding_source_code,
        budget_range=project.budget_range_code,
        responsible_ai=ResponsibleAI(
            data_sources=project.rai_data_sources,
            human_oversight=project.rai_human_oversight,
            risk_assessment_done=project.rai_risk_assessment_done,
            affected_groups=project.rai_affected_groups,
            unesco_alignment=project.rai_unesco_alignment,
        ),
        created_at=project.created_at,
        updated_at=project.updated_at,
        published_at=project.published_at,
        last_verified_at=project.last_verified_at,
        **record,
    )


def get_public_project(session: Session, public_id: str) -> ProjectPublic:
    """The public record of an approved project; 404 for anything else."""
    project = session.exec(
        visible_projects().where(Project.public_id == public_id)
    ).first()
    if project is None:
        raise NotFound(
            ErrorCode.PROJECT_NOT_FOUND,
            f"no published project with id {public_id}",
            loc=("path", "project_id"),
        )
    return to_public(session, [project])[0]


# --- listing ----------------------------------------------------------------


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
        raise InvalidInput(
            ErrorCode.INVALID_CURSOR,
            "invalid cursor: pass back the next_cursor of a previous page",
            loc=("query", "cursor"),
        ) from exc
    return at, pid


def _check_filter_codes(session: Session, filters: ProjectFilters) -> None:
    errors: list[tuple[Loc, str, ErrorCode]] = []
    for param, model, key in (
        ("action_line", ActionLine, "code"),
        ("sdg", Sdg, "number"),
        ("country", Country, "iso2"),
    ):
        for code in taxonomy.unknown_codes(
            session, model, key, getattr(filters, param), allow_retired=True
        ):
            errors.append(
                (("query", param), f"unknown code: {code}", ErrorCode.UNKNOWN_CODE)
            )
    if errors:
        raise InvalidInput.collect(errors)


def _linked_to(link_table: type[ProjectLink], column: str, values: set[Any]) -> Any:
    link_project = link_table.project_id
    return col(Project.id).in_(
        select(link_project).where(getattr(link_table, column).in_(values))
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
    query = visible_projects().where(*_filter_conditions(session, filters))
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
        items=to_public(session, page),
        total=total,
        next_cursor=_encode_cursor(page[-1]) if has_more else None,
    )
