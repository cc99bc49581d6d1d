"""Load the taxonomies from `seeds/taxonomy/*.json`, idempotently.

Terms are upserted by their natural code, in file order (which becomes the
display order). A term that is in the database but no longer in its file is
retired (`retired_at` set), never deleted: entries filed under it stay valid.
Running the loader twice leaves the same rows.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.db import utcnow
from app.models import ActionLine, ActionLineSdg, AictoMembership
from app.taxonomies import TAXONOMIES, Taxonomy

TAXONOMY_DIR = Path(__file__).parent / "taxonomy"


def _country(term: dict[str, Any]) -> dict[str, Any]:
    return {
        "sub_region_code": term["sub_region"],
        "aicto_membership": AictoMembership(term["aicto_membership"]),
    }


def _action_line(term: dict[str, Any]) -> dict[str, Any]:
    return {"parent_code": term["parent"], "lead_facilitator": term["lead_facilitator"]}


def _no_extra(_term: dict[str, Any]) -> dict[str, Any]:
    return {}


# The columns of a taxonomy's table beyond code, names and order, from its
# seed file's terms (by the taxonomy's name in app/taxonomies.py).
EXTRA_COLUMNS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "country": _country,
    "sdg": lambda term: {"color": term["color"]},
    "action_line": _action_line,
}


@dataclass
class SeedReport:
    """What a load changed, per table: counts of added, updated and retired terms."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired: dict[str, int] = field(default_factory=dict)

    def changed(self) -> bool:
        return any(
            sum(counts.values()) for counts in (self.added, self.updated, self.retired)
        )


def read_terms(file: str, directory: Path = TAXONOMY_DIR) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = json.loads((directory / file).read_text("utf-8"))[
        "terms"
    ]
    return terms


def _upsert(
    session: Session,
    taxonomy: Taxonomy,
    terms: list[dict[str, Any]],
    report: SeedReport,
) -> None:
    table = str(taxonomy.model.__tablename__)
    existing = {
        getattr(row, taxonomy.key): row for row in session.exec(select(taxonomy.model))
    }
    added = updated = retired = 0
    for position, term in enumerate(terms):
        values: dict[str, Any] = {
            "name_ar": term["name"]["ar"],
            "name_en": term["name"]["en"],
            "name_fr": term["name"]["fr"],
            "sort_order": position,
            "retired_at": None,
            **EXTRA_COLUMNS.get(taxonomy.name, _no_extra)(term),
        }
        row = existing.pop(term[taxonomy.key], None)
        if row is None:
            session.add(taxonomy.model(**{taxonomy.key: term[taxonomy.key]}, **values))
            added += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            row.sqlmodel_update(values)
            session.add(row)
            updated += 1
    for row in existing.values():
        if row.retired_at is None:
            row.retired_at = utcnow()
            session.add(row)
            retired += 1
    session.flush()
    report.added[table], report.updated[table], report.retired[table] = (
        added,
        updated,
        retired,
    )


def _sync_action_line_sdgs(
    session: Session, terms: list[dict[str, Any]], report: SeedReport
) -> None:
    """Make the WSIS-SDG matrix in the database equal the seed file's."""
    wanted = {(t["code"], n) for t in terms for n in t["sdgs"]}
    links = {
        (link.action_line_code, link.sdg_number): link
        for link in session.exec(
            select(ActionLineSdg).where(
                col(ActionLineSdg.action_line_code).in_([t["code"] for t in terms])
            )
        )
    }
    for pair in wanted - links.keys():
        session.add(ActionLineSdg(action_line_code=pair[0], sdg_number=pair[1]))
    for pair in links.keys() - wanted:
        session.delete(links[pair])
    report.added["action_line_sdg"] = len(wanted - links.keys())
    report.retired["action_line_sdg"] = len(links.keys() - wanted)
    session.flush()


def load_taxonomies(session: Session, directory: Path = TAXONOMY_DIR) -> SeedReport:
    """Upsert every taxonomy from `directory`, in one transaction."""
    report = SeedReport()
    for taxonomy in TAXONOMIES:
        terms = read_terms(taxonomy.seed_file, directory)
        _upsert(session, taxonomy, terms, report)
        if taxonomy.model is ActionLine:
            _sync_action_line_sdgs(session, terms, report)
    session.commit()
    return report
