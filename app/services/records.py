"""A project's record: writing it to the tables and reading it back.

`LINKS`, made from the taxonomies' registry (app/taxonomies.py), says how a
project's many-to-many taxonomy fields map to tables: writing, validation and
the batch loader of records all read it. The offers (`project_offer`) are a
list field too, of fixed choices (an enum) rather than a taxonomy's terms:
written and loaded beside the links, in the same statements.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import String, bindparam, case, cast, literal, union_all
from sqlmodel import Session, col, delete, select

from app import analysis
from app.errors import ErrorCode, Loc
from app.languages import LANGUAGES
from app.models import (
    GoodPractice,
    Project,
    ProjectPartner,
)
from app.models.exchange import Offer, ProjectOffer
from app.models.project import ProjectLink
from app.models.revision import RevisionStatus
from app.models.taxonomy import TermBase
from app.schemas.common import LocalizedText
from app.schemas.moderation import FieldChange
from app.schemas.project import (
    ContactPublic,
    GoodPracticeSummary,
    OrganizationPublic,
    ProjectDraft,
    ProjectPublic,
    ProjectRecord,
    ResponsibleAI,
)
from app.services import taxonomy
from app.taxonomies import BY_NAME, LINKED, TAXONOMIES

TRANSLATED_FIELDS = (
    "title",
    "summary",
    "description",
    "impact",
    "challenges",
    "offer_note",
)
Problem = tuple[Loc, ErrorCode, dict[str, Any]]


@dataclass(frozen=True)
class Link:
    """A many-to-many field of a project: its link table and taxonomy."""

    field: str
    table: type[ProjectLink]
    column: str
    term: type[TermBase]
    term_key: str


LINKS = tuple(
    Link(t.field, t.link, t.link_column, t.model, t.key)
    for t in LINKED
    if t.field is not None and t.link is not None
)
# The offers' field, and each offer's place in the order they are listed.
OFFERS = "offers"
OFFER_ORDER = {offer.value: position for position, offer in enumerate(Offer)}
# The one-code taxonomy fields of a record ("activity_type", ...).
SINGLE_CODES = tuple(t for t in TAXONOMIES if t.field and t.link is None)

# The fields of a record (ProjectDraft), in the order a diff lists them.
RECORD_FIELDS = tuple(ProjectDraft.model_fields)


# --- validation against the taxonomies ---------------------------------------


def _code_checks(
    data: ProjectDraft, prefix: Loc
) -> list[tuple[Loc, type[TermBase], str, Any]]:
    checks: list[tuple[Loc, type[TermBase], str, Any]] = [
        ((*prefix, t.field), t.model, t.key, getattr(data, t.field))
        for t in SINGLE_CODES
        if t.field is not None
    ]
    entity, country = BY_NAME["entity_type"], BY_NAME["country"]
    organisations: list[tuple[Loc, Any]] = []
    if data.lead_organization is not None:
        organisations.append(((*prefix, "lead_organization"), data.lead_organization))
    organisations += [
        ((*prefix, "partners", index), partner)
        for index, partner in enumerate(data.partners)
    ]
    for loc, organisation in organisations:
        checks.append(
            ((*loc, "entity_type"), entity.model, entity.key, organisation.entity_type)
        )
        checks.append(
            ((*loc, "country"), country.model, country.key, organisation.country)
        )
    for link in LINKS:
        for index, code in enumerate(getattr(data, link.field)):
            checks.append(
                ((*prefix, link.field, index), link.term, link.term_key, code)
            )
    return checks


def code_problems(
    session: Session, data: ProjectDraft, *, prefix: Loc = ("body",)
) -> list[Problem]:
    """Every taxonomy code in `data` that names no current term, with its location."""
    checks = _code_checks(data, prefix)
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
        (loc, ErrorCode.UNKNOWN_CODE, {"code": code})
        for loc, model, key, code in checks
        if code is not None and code in unknown[(model, key)]
    ]


# --- writing ------------------------------------------------------------------


def _url(value: object) -> str | None:
    return str(value) if value else None


def _columns(data: ProjectDraft) -> dict[str, Any]:
    columns: dict[str, Any] = {
        f"{field}_{lang}": getattr(getattr(data, field), lang)
        for field in TRANSLATED_FIELDS
        for lang in LANGUAGES
    }
    org, rai, contact = data.lead_organization, data.responsible_ai, data.contact
    columns |= {
        "original_language": data.original_language,
        "keywords": list(data.keywords),
        "lead_org_name": org.name if org else None,
        "lead_org_entity_type_code": org.entity_type if org else None,
        "lead_org_country_iso2": org.country if org else None,
        "lead_org_website": _url(org.website) if org else None,
        "scope": data.scope,
        "activity_type_code": data.activity_type,
        "implementation_status": data.implementation_status,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "website": _url(data.website),
        "contact_name": contact.name if contact else None,
        "contact_email": str(contact.email) if contact else None,
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


def search_document(data: ProjectDraft) -> str:
    """What full-text search indexes (app.analysis.entry_document): titles,
    summaries and descriptions in every language, the keywords, the
    organisations' names."""
    texts = {
        f"{field}_{lang}": getattr(getattr(data, field), lang)
        for field in analysis.SEARCHED_FIELDS
        for lang in LANGUAGES
    }
    names = [data.lead_organization.name if data.lead_organization else None]
    names += [partner.name for partner in data.partners]
    return analysis.entry_document(texts, data.keywords, names)


@dataclass(frozen=True)
class RecordRows:
    """The rows `data` is stored as, without the project's id: the project's
    content columns (search document included), its partners in order, for
    each link field (LINKS) its link table's rows, and its offers' rows."""

    columns: dict[str, Any]
    partners: list[dict[str, Any]]
    links: dict[str, list[dict[str, Any]]]
    offers: list[dict[str, Any]]


def rows_of(data: ProjectDraft) -> RecordRows:
    """What storing `data` writes: the one source of truth of `write_record` and
    of the benchmark's bulk inserts (bench/generate.py)."""
    return RecordRows(
        columns=_columns(data) | {"search_document": search_document(data)},
        partners=[
            {
                "position": position,
                "name": partner.name,
                "entity_type_code": partner.entity_type,
                "country_iso2": partner.country,
                "website": _url(partner.website),
            }
            for position, partner in enumerate(data.partners)
        ],
        links={
            link.field: [{link.column: code} for code in getattr(data, link.field)]
            for link in LINKS
        },
        offers=[{"offer": offer} for offer in data.offers],
    )


def write_record(session: Session, project: Project, data: ProjectDraft) -> None:
    """Store `data` as `project`'s content: columns, partners and links replaced.

    Set any other column of an existing `project` before calling: its row is
    written once (one version step) when the links are replaced.
    """
    rows = rows_of(data)
    project.sqlmodel_update(rows.columns)
    session.add(project)
    if project.id is None:
        session.flush()
    assert project.id is not None
    session.exec(
        delete(ProjectPartner).where(col(ProjectPartner.project_id) == project.id)
    )
    for link in LINKS:
        session.exec(delete(link.table).where(col(link.table.project_id) == project.id))
    session.exec(delete(ProjectOffer).where(col(ProjectOffer.project_id) == project.id))
    for partner in rows.partners:
        session.add(ProjectPartner(project_id=project.id, **partner))
    for link in LINKS:
        for row in rows.links[link.field]:
            session.add(link.table(project_id=project.id, **row))
    for row in rows.offers:
        session.add(ProjectOffer(project_id=project.id, **row))


# --- reading ------------------------------------------------------------------


def localized(project: Project, field: str) -> LocalizedText:
    """A translated field of a stored entry (`title`, ...) in every language."""
    return LocalizedText(
        ar=getattr(project, f"{field}_ar"),
        en=getattr(project, f"{field}_en"),
        fr=getattr(project, f"{field}_fr"),
    )


@lru_cache(maxsize=1)
def _links_statement() -> Any:
    """Every link table's rows of the projects `:ids`, with the term's display
    order, and their offers (`link` past the last of LINKS, in the enum's
    order), as one statement (built once: building it costs more than running it)."""
    ids: Any = bindparam("ids", expanding=True)
    offer = cast(col(ProjectOffer.offer), String)
    parts: list[Any] = [
        select(
            literal(len(LINKS)).label("link"),
            col(ProjectOffer.project_id).label("project_id"),
            offer.label("code"),
            case(OFFER_ORDER, value=offer, else_=len(OFFER_ORDER)).label("sort_order"),
        ).where(col(ProjectOffer.project_id).in_(ids))
    ]
    for position, link in enumerate(LINKS):
        code = getattr(link.table, link.column)
        parts.append(
            select(
                literal(position).label("link"),
                col(link.table.project_id).label("project_id"),
                cast(code, String).label("code"),
                col(link.term.sort_order).label("sort_order"),
            )
            .join(link.term, getattr(link.term, link.term_key) == code)
            .where(col(link.table.project_id).in_(ids))
        )
    return union_all(*parts).order_by("link", "sort_order")


def _load_links(session: Session, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
    """For each link field (and the offers), project id -> codes in the
    taxonomy's display order (one statement for every link table: a page costs
    one round trip here)."""
    loaded: dict[str, dict[int, list[Any]]] = {link.field: {} for link in LINKS}
    loaded[OFFERS] = {}
    if not ids:
        return loaded
    for position, pid, value, _order in session.execute(
        _links_statement(), {"ids": ids}
    ):
        if position == len(LINKS):
            loaded[OFFERS].setdefault(pid, []).append(value)
            continue
        link = LINKS[position]
        number = link.term_key == "number"
        loaded[link.field].setdefault(pid, []).append(int(value) if number else value)
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


def good_practice_summary(designation: GoodPractice) -> GoodPracticeSummary:
    """A designation as the entry's record shows it (the one builder: the
    record, the good-practices list and the desk's record start from it)."""
    return GoodPracticeSummary(
        citation=LocalizedText(
            ar=designation.citation_ar,
            en=designation.citation_en,
            fr=designation.citation_fr,
        ),
        year=designation.year,
        framework=designation.framework,
        designated_at=designation.designated_at,
    )


def _load_good_practices(
    session: Session, projects: list[Project]
) -> dict[int, GoodPracticeSummary]:
    """The designations in force of the designated `projects` (one query, none
    when no entry is designated: app/services/designations.py writes both)."""
    ids = [p.id for p in projects if p.good_practice and p.id is not None]
    if not ids:
        return {}
    query = select(GoodPractice).where(
        col(GoodPractice.project_id).in_(ids), col(GoodPractice.withdrawn_at).is_(None)
    )
    return {
        found.project_id: good_practice_summary(found) for found in session.exec(query)
    }


def _organization(project: Project) -> OrganizationPublic | None:
    if project.lead_org_name is None:
        return None
    return OrganizationPublic(
        name=project.lead_org_name,
        entity_type=project.lead_org_entity_type_code,
        country=project.lead_org_country_iso2,
        website=project.lead_org_website,
    )


def _public_fields(
    project: Project,
    links: dict[str, list[Any]],
    partners: list[ProjectPartner],
    good_practice: GoodPracticeSummary | None = None,
) -> dict[str, Any]:
    return {
        "id": project.public_id,
        "is_sample": project.is_sample,
        "original_language": project.original_language,
        **{field: localized(project, field) for field in TRANSLATED_FIELDS},
        "keywords": project.keywords,
        "lead_organization": _organization(project),
        "partners": [
            OrganizationPublic(
                name=p.name,
                entity_type=p.entity_type_code,
                country=p.country_iso2,
                website=p.website,
            )
            for p in partners
        ],
        **links,
        "scope": project.scope,
        "activity_type": project.activity_type_code,
        "implementation_status": project.implementation_status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "website": project.website,
        "primary_action_line": project.primary_action_line_code,
        "funding_source": project.funding_source_code,
        "budget_range": project.budget_range_code,
        "responsible_ai": ResponsibleAI(
            data_sources=project.rai_data_sources,
            human_oversight=project.rai_human_oversight,
            risk_assessment_done=project.rai_risk_assessment_done,
            affected_groups=project.rai_affected_groups,
            unesco_alignment=project.rai_unesco_alignment,
        ),
        "created_at": project.created_at,
        "updated_at": project.updated_at,
        "published_at": project.published_at,
        "last_verified_at": project.last_verified_at,
        "good_practice": good_practice,
    }


def _fields_of(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    """Public fields of `projects`, loading links in one query per link table."""
    ids = [p.id for p in projects if p.id is not None]
    links = _load_links(session, ids)
    partners = _load_partners(session, ids)
    designations = _load_good_practices(session, projects)
    return [
        _public_fields(
            project,
            {field: found.get(project.id or 0, []) for field, found in links.items()},
            partners[project.id or 0],
            designations.get(project.id or 0),
        )
        for project in projects
    ]


def to_public(session: Session, projects: list[Project]) -> list[ProjectPublic]:
    """Public records of `projects` (no private field)."""
    return [ProjectPublic(**fields) for fields in _fields_of(session, projects)]


PUBLIC_JSON = TypeAdapter(ProjectPublic)


@dataclass(frozen=True, slots=True)
class PublicEntry:
    """A public record and its JSON exactly as the API sends it, serialised
    once: the catalog snapshot keeps both, pages read the record and the API
    splices the JSON into its answers."""

    record: ProjectPublic
    json: bytes

    @classmethod
    def of(cls, record: ProjectPublic) -> "PublicEntry":
        return cls(record, PUBLIC_JSON.dump_json(record, by_alias=True))


def to_records(
    session: Session,
    projects: list[Project],
    *,
    open_revisions: dict[int, RevisionStatus] | None = None,
) -> list[ProjectRecord]:
    """Working records: the public fields plus status, version and contact."""
    open_revisions = open_revisions or {}
    return [
        ProjectRecord(
            **fields,
            status=project.status,
            version=project.version,
            contact=ContactPublic(
                name=project.contact_name, email=project.contact_email
            ),
            home_country=project.home_country_iso2,
            submitted_at=project.submitted_at,
            decided_at=project.decided_at,
            endorsed_at=project.endorsed_at,
            open_revision=open_revisions.get(project.id or 0),
        )
        for project, fields in zip(projects, _fields_of(session, projects), strict=True)
    ]


def record_data(session: Session, project: Project) -> dict[str, Any]:
    """The stored content as the JSON a client would send (ProjectDraft's shape)."""
    (record,) = to_records(session, [project])
    data = record.model_dump(mode="json", include=set(RECORD_FIELDS))
    data["contact"] = (
        {"name": record.contact.name, "email": record.contact.email}
        if record.contact.email
        else None
    )
    data["partners"] = [
        {k: v for k, v in partner.items() if v is not None}
        for partner in data["partners"]
    ]
    return data


def without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """`data` minus its empty fields, so a complete-record check reports them as
    missing rather than as being of the wrong type."""
    return {field: value for field, value in data.items() if value is not None}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields whose value differs, in record order."""
    return [
        FieldChange(field=field, before=before.get(field), after=after.get(field))
        for field in RECORD_FIELDS
        if before.get(field) != after.get(field)
    ]
