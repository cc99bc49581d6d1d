"""Knowledge flows: per pair of countries, how many contacts and accepted
relations joined entries of one to entries of the other.

Counts only, and a pair below `settings.knowledge_flow_threshold` is left out
altogether: a small count could name the person who wrote. Nothing is read
but the countries of each contact (the sender's, the entry's) and of each
relation's two published entries.
"""

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import (
    ContactThread,
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationStatus,
)
from app.schemas.relations import FlowCountry, KnowledgeFlow, KnowledgeFlows
from app.services import catalog_index

Pair = tuple[str, str]


def _pair(first: str | None, second: str | None) -> Pair | None:
    """The unordered pair of two different, known countries."""
    if first is None or second is None or first == second:
        return None
    return (first, second) if first < second else (second, first)


def _contacts(session: Session) -> Counter[Pair]:
    """Contact threads, by (the sender's country, the entry's home country)."""
    entry_country = col(Project.home_country_iso2)
    rows = session.exec(
        select(ContactThread.sender_country_iso2, entry_country, func.count())
        .join(Project, col(Project.id) == ContactThread.project_id)
        .where(col(ContactThread.sender_country_iso2).is_not(None))
        .where(entry_country.is_not(None))
        .where(col(ContactThread.sender_country_iso2) != entry_country)
        .group_by(col(ContactThread.sender_country_iso2), entry_country)
    ).all()
    return _by_pair(rows)


def _relations(session: Session) -> Counter[Pair]:
    """Accepted relations between published entries of two countries."""
    source, target = aliased(Project, name="source"), aliased(Project, name="target")
    rows = session.exec(
        select(
            col(source.home_country_iso2), col(target.home_country_iso2), func.count()
        )
        .select_from(ProjectRelation)
        .join(source, col(source.id) == ProjectRelation.source_id)
        .join(target, col(target.id) == ProjectRelation.target_id)
        .where(col(ProjectRelation.status) == RelationStatus.ACCEPTED)
        .where(col(source.status) == ProjectStatus.APPROVED)
        .where(col(target.status) == ProjectStatus.APPROVED)
        .where(col(source.home_country_iso2).is_not(None))
        .where(col(target.home_country_iso2).is_not(None))
        .where(col(source.home_country_iso2) != col(target.home_country_iso2))
        .group_by(col(source.home_country_iso2), col(target.home_country_iso2))
    ).all()
    return _by_pair(rows)


def _by_pair(rows: Sequence[tuple[str | None, str | None, int]]) -> Counter[Pair]:
    counts: Counter[Pair] = Counter()
    for first, second, count in rows:
        pair = _pair(first, second)
        if pair is not None:
            counts[pair] += int(count)
    return counts


def knowledge_flows(
    session: Session, *, settings: Settings, locale: str
) -> KnowledgeFlows:
    """The pairs shown (total at or above the threshold), most first, and
    their countries (only those of a shown pair, by code) named in `locale`."""
    threshold = settings.knowledge_flow_threshold
    totals = _contacts(session) + _relations(session)
    shown = sorted(
        ((pair, total) for pair, total in totals.items() if total >= threshold),
        key=lambda item: (-item[1], item[0]),
    )
    names = catalog_index.snapshot(session).terms.names(locale)["country"]
    codes = sorted({code for pair, _total in shown for code in pair})
    return KnowledgeFlows(
        threshold=threshold,
        countries=[
            FlowCountry(iso2=code, name=names.get(code, code)) for code in codes
        ],
        pairs=[KnowledgeFlow(countries=pair, total=total) for pair, total in shown],
    )
