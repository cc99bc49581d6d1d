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

from pyroaring import BitMap
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import ContactThread, Project, ProjectRelation, RelationStatus
from app.schemas.relations import FlowCountry, KnowledgeFlow, KnowledgeFlows
from app.services import catalog_index

Pair = tuple[str, str]


def _pair(first: str | None, second: str | None) -> Pair | None:
    """The unordered pair of two different, known countries."""
    if first is None or second is None or first == second:
        return None
    return (first, second) if first < second else (second, first)


def _contacts(session: Session, published: BitMap) -> Counter[Pair]:
    """Contact threads with published entries, by (the sender's country, the
    entry's home country). Each thread finds its entry by primary key and the
    catalog index says which are published: a status condition in SQL would
    have SQLite read every published entry instead (300 ms at 100,000)."""
    rows = session.exec(
        select(
            ContactThread.project_id,
            ContactThread.sender_country_iso2,
            Project.home_country_iso2,
        )
        .join(Project, col(Project.id) == ContactThread.project_id)
        .where(col(ContactThread.sender_country_iso2).is_not(None))
    ).all()
    return _by_pair(
        [(sender, home, 1) for pid, sender, home in rows if pid in published]
    )


def _relations(session: Session, published: BitMap) -> Counter[Pair]:
    """Accepted relations between published entries of two countries (the
    entries found as in `_contacts`)."""
    source, target = aliased(Project, name="source"), aliased(Project, name="target")
    rows = session.exec(
        select(
            ProjectRelation.source_id,
            ProjectRelation.target_id,
            col(source.home_country_iso2),
            col(target.home_country_iso2),
        )
        .select_from(ProjectRelation)
        .join(source, col(source.id) == ProjectRelation.source_id)
        .join(target, col(target.id) == ProjectRelation.target_id)
        .where(col(ProjectRelation.status) == RelationStatus.ACCEPTED)
    ).all()
    return _by_pair(
        [
            (first, second, 1)
            for source_id, target_id, first, second in rows
            if source_id in published and target_id in published
        ]
    )


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
    snap = catalog_index.snapshot(session)
    contacts, relations = (
        _contacts(session, snap.approved),
        _relations(session, snap.approved),
    )
    shown = shown_totals(contacts, relations, threshold)
    names = snap.terms.names(locale)["country"]
    codes = sorted({code for pair, _total in shown for code in pair})
    return KnowledgeFlows(
        threshold=threshold,
        countries=[
            FlowCountry(iso2=code, name=names.get(code, code)) for code in codes
        ],
        pairs=[KnowledgeFlow(countries=pair, total=total) for pair, total in shown],
    )
