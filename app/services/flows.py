"""Knowledge flows: per pair of countries, how many contacts and accepted
relations joined entries of one to entries of the other.

Counts only, and small counts never show: a small count of contacts could
name the person who wrote. Relations between published entries are public,
so a pair's total less its relations would tell its contacts: a pair's
contacts therefore count only when they alone reach
`settings.knowledge_flow_threshold` (else they count 0), and a pair shows
only when its total reaches it too. Nothing is read but the countries of
each contact (the sender's, the published entry's) and of each relation's
two published entries.
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
    """Contact threads with published entries, by (the sender's country, the
    entry's home country)."""
    entry_country = col(Project.home_country_iso2)
    rows = session.exec(
        select(ContactThread.sender_country_iso2, entry_country, func.count())
        .join(Project, col(Project.id) == ContactThread.project_id)
        .where(col(Project.status) == ProjectStatus.APPROVED)
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


def shown_totals(
    contacts: Counter[Pair], relations: Counter[Pair], threshold: int
) -> list[tuple[Pair, int]]:
    """The pairs to show and their totals, most first: a pair's contacts count
    only if they alone reach `threshold`, and its total must reach it too."""
    totals = []
    for pair in contacts.keys() | relations.keys():
        counted = contacts[pair] if contacts[pair] >= threshold else 0
        total = relations[pair] + counted
        if total >= threshold:
            totals.append((pair, total))
    return sorted(totals, key=lambda item: (-item[1], item[0]))


def knowledge_flows(
    session: Session, *, settings: Settings, locale: str
) -> KnowledgeFlows:
    """The pairs shown (`shown_totals`), most first, and their countries (only
    those of a shown pair, by code) named in `locale`."""
    threshold = settings.knowledge_flow_threshold
    shown = shown_totals(_contacts(session), _relations(session), threshold)
    names = catalog_index.snapshot(session).terms.names(locale)["country"]
    codes = sorted({code for pair, _total in shown for code in pair})
    return KnowledgeFlows(
        threshold=threshold,
        countries=[
            FlowCountry(iso2=code, name=names.get(code, code)) for code in codes
        ],
        pairs=[KnowledgeFlow(countries=pair, total=total) for pair, total in shown],
    )
