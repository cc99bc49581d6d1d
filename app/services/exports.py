"""Exports of search results as CSV, JSON or XLSX, streamed in constant memory.

Rows are read in batches by id (each batch's links loaded together), so any
number of entries goes out without holding them all; there is no row cap.
"""

import csv
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlmodel import Session, col

from app import encoding
from app.i18n import translate
from app.languages import direction, fallback_order
from app.messages import (
    EXPORT_COLUMNS,
    IMPLEMENTATION_STATUS_LABELS,
    OFFER_LABELS,
    SCOPE_LABELS,
    YES_NO,
)
from app.models import (
    Project,
)
from app.schemas.common import LocalizedText
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectFilters
from app.services import catalog_index, records
from app.services import filters as catalog
from app.taxonomies import labelled

BATCH = 500
SEPARATOR = "; "


def published_batches(
    session: Session, filters: ProjectFilters
) -> Iterator[list[ProjectPublic]]:
    """Every matching published entry, `BATCH` at a time, in id order."""
    after = 0
    while True:
        batch = list(
            session.exec(
                catalog.matching(session, filters)
                .where(col(Project.id) > after)
                .order_by(col(Project.id))
                .limit(BATCH)
            ).all()
        )
        if not batch:
            return
        after = batch[-1].id or after
        yield records.to_public(session, batch)
        session.expunge_all()  # keep memory flat however many batches go out


class Labels:
    """Names of taxonomy terms in one language (as the catalog index read them)."""

    def __init__(self, session: Session, locale: str) -> None:
        self.locale = locale
        terms = catalog_index.snapshot(session).terms  # read once per taxonomy change
        self.names = terms.names(locale)

    def one(self, taxonomy: str, value: Any) -> str:
        """A term's name, after its code where the taxonomy shows codes."""
        if value is None:
            return ""
        name = self.names[taxonomy].get(value, str(value))
        return labelled(taxonomy, value, name)

    def many(self, taxonomy: str, values: list[Any]) -> str:
        return SEPARATOR.join(self.one(taxonomy, v) for v in values)

    def text(self, value: LocalizedText) -> str:
        """The text in the export's language, else in another one it exists in."""
        for lang in fallback_order(self.locale):
            if getattr(value, lang):
                return str(getattr(value, lang))
        return ""

    def label(self, table: dict[str, str], value: str | None) -> str:
        return translate(self.locale, table[value]) if value else ""


def row(project: ProjectPublic, labels: Labels, base_url: str = "") -> dict[str, str]:
    """One entry as export cells (every value a string), keyed as EXPORT_COLUMNS."""
    org = project.lead_organization
    alignment = project.responsible_ai.unesco_alignment
    return {
        "id": project.id,
        "title": labels.text(project.title),
        "url": f"{base_url}/projects/{project.id}?lang={labels.locale}",
        "summary": labels.text(project.summary),
        "description": labels.text(project.description),
        "lead_organization": org.name or "" if org else "",
        "entity_type": labels.one("entity_type", org.entity_type if org else None),
        "lead_country": labels.one("country", org.country if org else None),
        "partners": SEPARATOR.join(p.name or "" for p in project.partners),
        "countries": labels.many("country", project.countries),
        "scope": labels.label(SCOPE_LABELS, project.scope),
        "activity_type": labels.one("activity_type", project.activity_type),
        "implementation_status": labels.label(
            IMPLEMENTATION_STATUS_LABELS, project.implementation_status
        ),
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "website": project.website or "",
        "primary_action_line": labels.one("action_line", project.primary_action_line),
        "action_lines": labels.many("action_line", project.action_lines),
        "sdgs": labels.many("sdg", project.sdgs),
        "wsis_targets": labels.many("wsis_target", project.wsis_targets),
        "gdc_objectives": labels.many("gdc_objective", project.gdc_objectives),
        "technologies": labels.many("technology", project.technologies),
        "target_groups": labels.many("target_group", project.target_groups),
        "funding_source": labels.one("funding_source", project.funding_source),
        "budget_range": labels.one("budget_range", project.budget_range),
        "offers": SEPARATOR.join(
            labels.label(OFFER_LABELS, offer) for offer in project.offers
        ),
        "offer_note": labels.text(project.offer_note),
        "impact": labels.text(project.impact),
        "challenges": labels.text(project.challenges),
        "keywords": SEPARATOR.join(project.keywords),
        "unesco_alignment": labels.label(YES_NO, alignment),
        "is_sample": labels.label(YES_NO, "yes" if project.is_sample else "no"),
        "published_at": project.published_at.isoformat()
        if project.published_at
        else "",
        "updated_at": project.updated_at.isoformat(),
    }


def headers(locale: str, *, keys: bool = False) -> list[str]:
    """The header row: each column's name in `locale`, or its stable key."""
    if keys:
        return list(EXPORT_COLUMNS)
    return [translate(locale, header) for header in EXPORT_COLUMNS.values()]


# Column widths of the XLSX (characters), by key; the others get WIDTH.
WIDTH = 18
WIDTHS = {"id": 12, "title": 48, "url": 40, "summary": 60, "description": 60}
WIDTHS |= {"impact": 48, "challenges": 48, "lead_organization": 32}
WIDTHS |= {"offers": 32, "offer_note": 48}
WIDTHS |= {"start_date": 12, "end_date": 12, "published_at": 22, "updated_at": 22}


@dataclass(frozen=True)
class Table:
    """What a CSV or XLSX export holds: which entries, in which language,
    with which header row, each entry linked from `base_url`."""

    filters: ProjectFilters
    locale: str
    keys: bool = False  # the header row: stable keys, not translated names
    base_url: str = ""


def table_rows(
    session: Session, table: Table, cell: Callable[[str], str]
) -> Iterator[list[str]]:
    """The header row, then one row per entry, every value passed through
    `cell` (the format's own encoding: any stored text must fit the file)."""
    labels = Labels(session, table.locale)
    yield [cell(header) for header in headers(table.locale, keys=table.keys)]
    for batch in published_batches(session, table.filters):
        for project in batch:
            cells = row(project, labels, table.base_url)
            yield [cell(cells[key]) for key in EXPORT_COLUMNS]


def csv_chunks(session: Session, table: Table) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read Arabic."""
    yield encoding.BYTE_ORDER_MARK
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in table_rows(session, table, encoding.csv_text):
        writer.writerow(cells)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(session: Session, filters: ProjectFilters) -> Iterator[str]:
    """A JSON array of public records, written as it is read. json.dumps
    escapes controls and quotes; a lone surrogate it would pass through, and
    the UTF-8 response could not be written."""
    yield "["
    first = True
    for batch in published_batches(session, filters):
        for project in batch:
            record = json.dumps(project.model_dump(mode="json"), ensure_ascii=False)
            yield ("" if first else ",") + encoding.utf8_text(record)
            first = False
    yield "]"


def xlsx_chunks(session: Session, table: Table) -> Iterator[bytes]:
    """An XLSX workbook from openpyxl's write-only mode (rows go to a temporary
    file, not memory): right-to-left for Arabic, the header row frozen and
    filterable, each column as wide as its content usually needs."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="projects")
    sheet.sheet_view.rightToLeft = direction(table.locale) == "rtl"
    sheet.freeze_panes = "A2"
    for index, key in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, WIDTH)
    rows = 0
    for cells in table_rows(session, table, encoding.spreadsheet_text):
        sheet.append(cells)
        rows += 1
    last = get_column_letter(len(EXPORT_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{rows}"
    with tempfile.TemporaryFile() as spooled:
        workbook.save(spooled)
        spooled.seek(0)
        while chunk := spooled.read(64_000):
            yield chunk


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(
    session: Session,
    *,
    filters: ProjectFilters,
    file_format: str,
    locale: str,
    keys: bool = False,
    base_url: str = "",
) -> tuple[str, Iterator[str] | Iterator[bytes]]:
    """(media type, chunks) of the export; bad filters fail here, before any
    byte is sent."""
    catalog.check_codes(session, filters)
    table = Table(filters, locale, keys, base_url)
    if file_format == "csv":
        return MEDIA_TYPES["csv"], csv_chunks(session, table)
    if file_format == "json":
        return MEDIA_TYPES["json"], json_chunks(session, filters)
    return MEDIA_TYPES["xlsx"], xlsx_chunks(session, table)


def file_name(
    filters: ProjectFilters, file_format: str, day: date, *, prefix: str = "projects"
) -> str:
    """The download's name: what it holds and when ("projects-C7.4-EG-20261203.csv"),
    the chosen codes in the filters' order (a text query as "search")."""
    parts = [
        re.sub(r"[^A-Za-z0-9._-]", "", str(value))
        for name in catalog.FILTERS
        for value in getattr(filters, name)
    ]
    if filters.q:
        parts.append("search")
    if filters.year_from or filters.year_to:
        parts.append(f"{filters.year_from or ''}-{filters.year_to or ''}".strip("-"))
    named = "-".join(part for part in parts if part)[:60].strip("-")
    return (
        "-".join(p for p in (prefix, named, f"{day:%Y%m%d}") if p) + f".{file_format}"
    )
