"""Benchmark data: N approved entries, written fast and exactly as the service would.

    python -m bench.generate --projects 100000 [--seed N] [--database-url URL]
                             [--batch N] [--workers N]

The database is migrated to head (and given the taxonomies if it has none);
entries are appended after any already there. Each entry is a `ProjectDraft`
drawn from its own seeded random stream (`random.Random(f"{seed}:{number}")`,
`number` counting every entry of the database), so a seed always yields the
same entries, whatever the batch size or the number of workers. Its rows come
from `records.rows_of`, the function `records.write_record` stores, and are
inserted with SQLAlchemy Core executemany (COPY on PostgreSQL), one transaction
per batch. Worker processes draw and fold the entries (the costly part: most of
it is `app.folding`) while this process inserts. The `catalog_change` log then
holds one "everything changed" row instead of one row per inserted row.

Distributions are skewed like a real catalog: a few countries, action lines
and SDGs carry most entries (Zipf weights over bench.corpus's orders, then the
taxonomies' own order), most entries are in Arabic, start dates lean recent.
`FREQUENT_WORD`, `RARE_WORD` and `ENGLISH_WORD` are planted in a known share.
"""

import random
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from os import cpu_count
from typing import Annotated, Any, TypeVar

import typer
from pydantic import HttpUrl
from sqlalchemy import Table, func, insert, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, select
from tqdm import tqdm

from app import migrate
from app.db import make_engine
from app.models import (
    ActivityType,
    BudgetRange,
    Country,
    EntityType,
    FundingSource,
    GeographicScope,
    ImplementationStatus,
    Language,
    Project,
    ProjectStatus,
    UnescoAlignment,
)
from app.schemas.project import (
    ContactIn,
    DescriptionIn,
    LongTextIn,
    OrganizationIn,
    PartnerIn,
    ProjectDraft,
    ResponsibleAIIn,
    SummaryIn,
    TitleIn,
)
from app.services import projects as project_service
from app.services import records, taxonomy
from bench import corpus, exchange
from bench.corpus import ENGLISH_WORD, FREQUENT_WORD, RARE_WORD, Texts, Zipf
from seeds.taxonomy_loader import load_taxonomies

__all__ = ["ENGLISH_WORD", "FREQUENT_WORD", "RARE_WORD", "generate"]

DEFAULT_DATABASE_URL = "sqlite:///./data/bench.db"
DEFAULT_BATCH = 2_000
# The generated history ends here (not "now": a seed gives the same rows forever).
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)

T = TypeVar("T")


def _count(rng: random.Random, weights: Sequence[int], first: int = 0) -> int:
    """A count: `first` + i with probability proportional to weights[i]."""
    return first + rng.choices(range(len(weights)), weights=weights)[0]


def _ranked(codes: Sequence[T], popular: Sequence[T] = ()) -> list[T]:
    """`codes` with the `popular` ones first, in that order; the rest keep theirs."""
    known = set(codes)
    return [code for code in popular if code in known] + [
        code for code in codes if code not in set(popular)
    ]


@dataclass(frozen=True)
class Vocabulary:
    """The current taxonomy codes an entry may be filed under, most filed first."""

    countries: list[str]
    country_names: dict[str, dict[str, str]]
    action_lines: list[str]
    sdgs: list[int]
    wsis_targets: list[str]
    gdc_objectives: list[int]
    technologies: list[str]
    target_groups: list[str]
    entity_types: list[str]
    activity_types: list[str]
    funding_sources: list[str]
    budget_ranges: list[str]


def read_vocabulary(session: Session) -> Vocabulary:
    """The taxonomies as loaded (retired terms left out), ranked for drawing."""

    def codes(model: Any, key: str = "code") -> list[Any]:
        return [
            getattr(t, key)
            for t in taxonomy.terms(session, model, include_retired=False)
        ]

    links = {link.field: codes(link.term, link.term_key) for link in records.LINKS}
    countries = taxonomy.terms(session, Country, include_retired=False)
    return Vocabulary(
        countries=_ranked(links["countries"], corpus.COUNTRY_POPULARITY),
        country_names={
            c.iso2: {"ar": c.name_ar, "en": c.name_en, "fr": c.name_fr}
            for c in countries
        },
        action_lines=_ranked(links["action_lines"], corpus.ACTION_LINE_POPULARITY),
        sdgs=_ranked(links["sdgs"], corpus.SDG_POPULARITY),
        wsis_targets=links["wsis_targets"],
        gdc_objectives=links["gdc_objectives"],
        technologies=links["technologies"],
        target_groups=links["target_groups"],
        entity_types=codes(EntityType),
        activity_types=codes(ActivityType),
        funding_sources=codes(FundingSource),
        budget_ranges=codes(BudgetRange),
    )


# --- one entry -----------------------------------------------------------------------


class Pools:
    """The weighted draws over a vocabulary, built once per batch."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.countries = Zipf(vocabulary.countries)
        self.action_lines = Zipf(vocabulary.action_lines)
        self.sdgs = Zipf(vocabulary.sdgs, 0.8)
        self.wsis_targets = Zipf(vocabulary.wsis_targets, 0.7)
        self.gdc_objectives = Zipf(vocabulary.gdc_objectives, 0.5)
        self.technologies = Zipf(vocabulary.technologies, 0.9)
        self.target_groups = Zipf(vocabulary.target_groups, 0.7)
        self.entity_types = Zipf(vocabulary.entity_types, 0.8)
        self.activity_types = Zipf(vocabulary.activity_types)
        self.funding_sources = Zipf(vocabulary.funding_sources, 0.7)
        self.budget_ranges = Zipf(vocabulary.budget_ranges, 0.5)


def _years() -> tuple[list[int], list[float]]:
    """Start years 2010-2026, later ones more likely (the field grows)."""
    years = list(range(2010, AS_OF.year + 1))
    return years, [(year - 2009) ** 1.5 for year in years]


START_YEARS, START_YEAR_WEIGHTS = _years()


def draw_timeline(
    rng: random.Random,
) -> tuple[date, date | None, ImplementationStatus]:
    """Start and end dates and the status they imply: the older an entry, the
    likelier it is completed; ongoing ones are open-ended half of the time."""
    today = AS_OF.date()
    year = rng.choices(START_YEARS, weights=START_YEAR_WEIGHTS)[0]
    start = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    if start > today:
        end = start + timedelta(days=rng.randint(365, 1100))
        return start, end if rng.random() < 0.5 else None, ImplementationStatus.PLANNED
    age = (today - start).days / 365
    if rng.random() < min(0.8, age * 0.1):
        end = start + timedelta(days=rng.randint(180, 1800))
        end = max(start, min(end, today - timedelta(days=1)))
        return start, end, ImplementationStatus.COMPLETED
    end = today + timedelta(days=rng.randint(60, 1500))
    return start, end if rng.random() < 0.5 else None, ImplementationStatus.ONGOING


def _website(rng: random.Random) -> HttpUrl:
    """A fictional address, in the form validation gives it (a trailing slash)."""
    name = rng.choice(corpus.LAST_NAMES)
    return HttpUrl(f"https://{name}-{rng.randrange(10_000)}.example.org/")


def draw_organization(
    rng: random.Random, pools: Pools, lang: str, country: str
) -> tuple[str, str]:
    """An organisation's name in `lang` and its entity type."""
    entity_type = pools.entity_types.one(rng)
    kinds = corpus.ORGANIZATION_KINDS[lang]
    kind = rng.choice(kinds.get(entity_type, kinds["other"]))
    name = f"{kind} {rng.choice(corpus.ORGANIZATION_FIELDS[lang])}"
    return f"{name} ({pools.vocabulary.country_names[country][lang]})", entity_type


def draw_partners(rng: random.Random, pools: Pools, lang: str) -> list[PartnerIn]:
    """0-3 partners, named in English or the entry's language; some details missing."""
    partners = []
    for _ in range(_count(rng, (35, 30, 20, 15))):
        country = pools.countries.one(rng)
        name, entity_type = draw_organization(
            rng, pools, "en" if rng.random() < 0.6 else lang, country
        )
        partners.append(
            PartnerIn.model_construct(
                name=name,
                entity_type=entity_type if rng.random() < 0.8 else None,
                country=country if rng.random() < 0.7 else None,
                website=_website(rng) if rng.random() < 0.3 else None,
            )
        )
    return partners


def draw_contact(rng: random.Random) -> ContactIn:
    """A fictional person; the address is lower-case, as validation leaves it."""
    first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
    domain = rng.choice(corpus.EMAIL_DOMAINS)
    return ContactIn.model_construct(
        name=f"{first.capitalize()} {last.capitalize()}",
        email=f"{first}.{last}{rng.randrange(100)}@{domain}",
    )


def draw_responsible_ai(rng: random.Random, lang: str) -> ResponsibleAIIn:
    """The responsible-AI answers, each given by some of the entries."""

    def note(share: float) -> str | None:
        return (
            corpus.prose(rng, lang, rng.randint(10, 25))
            if rng.random() < share
            else None
        )

    return ResponsibleAIIn.model_construct(
        data_sources=note(0.5),
        human_oversight=note(0.4),
        risk_assessment_done=rng.choices((True, False, None), weights=(45, 20, 35))[0],
        affected_groups=note(0.3),
        unesco_alignment=rng.choices(
            (UnescoAlignment.YES, UnescoAlignment.PARTLY, UnescoAlignment.NO, None),
            weights=(40, 25, 5, 30),
        )[0],
    )


def draw_filing(rng: random.Random, pools: Pools) -> dict[str, Any]:
    """Scope, countries and the taxonomy links, skewed like a real catalog."""
    scope = rng.choices(
        (
            GeographicScope.NATIONAL,
            GeographicScope.REGIONAL,
            GeographicScope.LOCAL,
            GeographicScope.INTERNATIONAL,
        ),
        weights=(55, 20, 15, 10),
    )[0]
    countries = {
        GeographicScope.REGIONAL: _count(rng, (35, 30, 20, 15), 2),
        GeographicScope.INTERNATIONAL: _count(rng, (60, 30, 10), 1),
    }.get(scope, 1)
    action_lines = pools.action_lines.some(rng, _count(rng, (45, 30, 17, 8), 1))
    return {
        "scope": scope,
        "countries": pools.countries.some(rng, countries),
        "action_lines": action_lines,
        "primary_action_line": action_lines[0],
        "sdgs": pools.sdgs.some(rng, _count(rng, (25, 30, 22, 13, 10), 1)),
        "wsis_targets": pools.wsis_targets.some(rng, _count(rng, (40, 40, 20))),
        "gdc_objectives": pools.gdc_objectives.some(rng, _count(rng, (45, 35, 20))),
        "technologies": pools.technologies.some(rng, _count(rng, (15, 40, 30, 15))),
        "target_groups": pools.target_groups.some(rng, _count(rng, (20, 40, 25, 15))),
        "activity_type": pools.activity_types.one(rng),
        "funding_source": (
            pools.funding_sources.one(rng) if rng.random() < 0.7 else None
        ),
        "budget_range": pools.budget_ranges.one(rng) if rng.random() < 0.6 else None,
    }


@dataclass(frozen=True)
class Entry:
    """A generated entry: its content (a draft as validation would give it)
    and what the workflow would have stamped on it."""

    number: int
    public_id: str
    draft: ProjectDraft
    created_at: datetime
    submitted_at: datetime
    decided_at: datetime


def draw_draft(rng: random.Random, pools: Pools) -> ProjectDraft:
    """A complete record (it would pass ProjectCreate), built without
    re-validating each text: every word list obeys the text policy, so the
    constructed draft equals the validated one (tests/bench checks it)."""
    texts = Texts(rng)
    filing = draw_filing(rng, pools)
    start, end, status = draw_timeline(rng)
    lead_country = (
        filing["countries"][0] if rng.random() < 0.9 else pools.countries.one(rng)
    )
    name, entity_type = draw_organization(rng, pools, texts.original, lead_country)
    return ProjectDraft.model_construct(
        original_language=Language(texts.original),
        title=TitleIn.model_construct(**texts.localized("title")),
        summary=SummaryIn.model_construct(**texts.localized("summary")),
        description=DescriptionIn.model_construct(**texts.localized("description")),
        impact=LongTextIn.model_construct(**texts.localized("impact")),
        challenges=LongTextIn.model_construct(**texts.localized("challenges")),
        keywords=texts.keywords,
        lead_organization=OrganizationIn.model_construct(
            name=name,
            entity_type=entity_type,
            country=lead_country,
            website=_website(rng) if rng.random() < 0.6 else None,
        ),
        partners=draw_partners(rng, pools, texts.original),
        implementation_status=status,
        start_date=start,
        end_date=end,
        website=_website(rng) if rng.random() < 0.5 else None,
        contact=draw_contact(rng),
        responsible_ai=draw_responsible_ai(rng, texts.original),
        **filing,
    )


def public_id(seed: int, number: int) -> str:
    """The entry's public id: as `projects.new_public_id` spells them, but a
    bijection of `number` for a seed, so two entries never share one."""
    alphabet, length = (
        project_service.PUBLIC_ID_ALPHABET,
        project_service.PUBLIC_ID_LENGTH,
    )
    bits = 5 * length
    mask = (1 << bits) - 1
    # Each step is invertible modulo 2**bits: add, multiply by an odd number, xorshift.
    value = (number + random.Random(f"public-id:{seed}").getrandbits(bits)) & mask
    for multiplier in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9):
        value = (value * multiplier) & mask
        value ^= value >> (bits // 2)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in range(length))


def draw_entry(seed: int, number: int, pools: Pools) -> Entry:
    """Entry `number` of seed `seed` (the same whatever else is generated)."""
    rng = random.Random(f"{seed}:{number}")
    draft = draw_draft(rng, pools)
    # From a stream of its own: the entries' other draws stay what they were.
    offers = exchange.draw_offers(random.Random(f"{seed}:{number}:offers"))
    draft = draft.model_copy(update={"offers": offers})
    created_at = AS_OF - timedelta(seconds=rng.randrange(2 * 86_400, 540 * 86_400))
    submitted_at = created_at + timedelta(seconds=rng.randrange(20 * 86_400))
    decided_at = min(
        AS_OF, submitted_at + timedelta(seconds=rng.randrange(3_600, 30 * 86_400))
    )
    return Entry(
        number, public_id(seed, number), draft, created_at, submitted_at, decided_at
    )


# --- rows and batches --------------------------------------------------------------

PROJECT_TABLE: Table = SQLModel.metadata.tables["project"]
PARTNER_TABLE: Table = SQLModel.metadata.tables["project_partner"]
OFFER_TABLE: Table = SQLModel.metadata.tables["project_offer"]
LINK_TABLES: dict[str, Table] = {
    link.field: SQLModel.metadata.tables[str(link.table.__tablename__)]
    for link in records.LINKS
}


@dataclass
class Batch:
    """The rows of consecutive entries, ready for executemany."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in LINK_TABLES}
    )
    offers: list[dict[str, Any]] = field(default_factory=list)


def workflow_columns(entry: Entry, project_id: int) -> dict[str, Any]:
    """The project columns besides the content that `projects.create_project`
    and an approval would have set (no owner: the seeding path)."""
    lead = entry.draft.lead_organization
    return {
        "id": project_id,
        "public_id": entry.public_id,
        "status": ProjectStatus.APPROVED,
        "is_sample": False,
        "version": 1,
        "owner_id": None,
        # create_project's rule when no account owns the entry.
        "home_country_iso2": lead.country if lead else None,
        "submitted_at": entry.submitted_at,
        "decided_at": entry.decided_at,
        "endorsed_at": None,
        "endorsed_by_id": None,
        "created_at": entry.created_at,
        "updated_at": entry.decided_at,
        "published_at": entry.decided_at,
        "last_verified_at": None,
    }


def add_entry(batch: Batch, entry: Entry, project_id: int) -> None:
    """Append the entry's rows: its content as `records.write_record` stores it."""
    rows = records.rows_of(entry.draft)
    batch.projects.append(rows.columns | workflow_columns(entry, project_id))
    batch.partners += [{"project_id": project_id, **row} for row in rows.partners]
    for name, link_rows in rows.links.items():
        batch.links[name] += [{"project_id": project_id, **row} for row in link_rows]
    batch.offers += [{"project_id": project_id, **row} for row in rows.offers]


def build_batch(
    seed: int, vocabulary: Vocabulary, first: int, ids: Sequence[int]
) -> Batch:
    """The rows of entries `first`, `first + 1`, ... stored under `ids`
    (run in a worker process)."""
    pools = Pools(vocabulary)
    batch = Batch()
    for offset, project_id in enumerate(ids):
        add_entry(batch, draw_entry(seed, first + offset, pools), project_id)
    return batch


def _copy(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY `rows` into `table` (PostgreSQL): one statement instead of one per
    row. Values go through the columns' own bind processors first, as an
    INSERT would send them."""
    dialect = session.get_bind().dialect
    columns = [table.c[name] for name in rows[0]]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    value if process is None else process(value)
                    for value, process in zip(row.values(), processors, strict=True)
                ]
            )


def insert_batch(session: Session, batch: Batch) -> None:
    """Insert the rows in one transaction: Core executemany on SQLite (no ORM
    objects), COPY on PostgreSQL."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    write = _insert if sqlite else _copy
    tables = [(PROJECT_TABLE, batch.projects), (PARTNER_TABLE, batch.partners)]
    tables += [(LINK_TABLES[name], rows) for name, rows in batch.links.items()]
    tables.append((OFFER_TABLE, batch.offers))
    with _change_log_triggers_off(session) if sqlite else nullcontext():
        for table, rows in tables:
            if rows:
                write(session, table, rows)
    session.commit()


@contextmanager
def _change_log_triggers_off(session: Session) -> Iterator[None]:
    """SQLite: the batch's transaction drops the change-log triggers and
    re-creates them from their own stored SQL after the inserts.

    Per row, they would log about ten rows per entry, which
    `refresh_catalog_index` replaces by one "everything changed" at the end
    anyway (about 15 % of the run). SQLite's DDL is transactional and the
    SAVEPOINT opens the transaction before the DROP (Python's sqlite3 opens
    one only before a DML statement), so a batch that fails or is
    interrupted leaves the triggers as they were."""
    triggers = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'catalog_change_%'"
        )
    ).all()
    session.execute(text("SAVEPOINT bulk_load"))
    for name, _sql in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        session.execute(text(sql))


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    session.execute(insert(table), rows)


# --- the run -------------------------------------------------------------------------


class ProjectIds:
    """Ids for the next entries. SQLite: after the largest (the generator is the
    only writer); PostgreSQL: drawn from the id sequence, so the service's own
    inserts keep working afterwards (and meanwhile)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.from_sequence = session.get_bind().dialect.name == "postgresql"
        self.next = (session.exec(select(func.max(Project.id))).one() or 0) + 1

    def reserve(self, count: int) -> list[int]:
        if self.from_sequence:
            drawn = self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('project', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": count},
            )
            return list(drawn.scalars())
        ids = list(range(self.next, self.next + count))
        self.next += count
        return ids


def _batches(
    seed: int,
    vocabulary: Vocabulary,
    chunks: Iterator[tuple[int, int]],
    ids: ProjectIds,
    workers: int,
) -> Iterator[Batch]:
    """The batches in order, drawn here (`workers=0`) or by worker processes,
    with at most `workers + 1` of them built ahead (memory stays bounded)."""
    if workers == 0:
        for first, count in chunks:
            yield build_batch(seed, vocabulary, first, ids.reserve(count))
        return
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    pending: deque[Future[Batch]] = deque()
    try:
        for first, count in chunks:
            pending.append(
                pool.submit(build_batch, seed, vocabulary, first, ids.reserve(count))
            )
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def refresh_catalog_index(session: Session) -> bool:
    """Replace the change log's row per inserted row by one "everything
    changed"; False when the database keeps no change log."""
    if not inspect(session.connection()).has_table("catalog_change"):
        return False
    # Imported here: the module comes with the catalog_change migration.
    from app.services import catalog_index

    session.execute(text("DELETE FROM catalog_change"))
    catalog_index.mark_all_changed(session)
    session.commit()
    return True


def generate(
    session: Session,
    *,
    projects: int,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 0,
    progress: bool = False,
) -> int:
    """Append `projects` approved entries to a migrated database that holds the
    taxonomies, one transaction per batch; return how many were added."""
    vocabulary = read_vocabulary(session)
    first = session.exec(select(func.count()).select_from(Project)).one()
    ids = ProjectIds(session)
    chunks = (
        (first + start, min(batch_size, projects - start))
        for start in range(0, projects, batch_size)
    )
    with tqdm(
        total=projects, unit=" entries", file=sys.stderr, disable=not progress
    ) as bar:
        for batch in _batches(seed, vocabulary, chunks, ids, workers):
            insert_batch(session, batch)
            bar.update(len(batch.projects))
    exchange.add_exchange(session, seed=seed)
    refresh_catalog_index(session)
    return projects


def prepare_database(session: Session, database_url: str) -> None:
    """Migrate to head; load the taxonomies into a database that has none."""
    migrate.upgrade(database_url)
    if session.exec(select(col(Country.iso2)).limit(1)).first() is None:
        load_taxonomies(session)


def main(
    projects: Annotated[int, typer.Option(min=1, help="Entries to add.")],
    seed: Annotated[int, typer.Option(help="Same seed, same entries.")] = 1,
    database_url: Annotated[
        str, typer.Option(help="SQLAlchemy URL (SQLite or PostgreSQL).")
    ] = DEFAULT_DATABASE_URL,
    batch: Annotated[
        int, typer.Option(min=1, help="Entries per transaction.")
    ] = DEFAULT_BATCH,
    workers: Annotated[
        int, typer.Option(min=0, help="Processes drawing entries (0: this one).")
    ] = cpu_count() or 1,
) -> None:
    """Add generated, approved entries to a database (see the module docstring)."""
    started = time.perf_counter()
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            prepare_database(session, database_url)
            added = generate(
                session,
                projects=projects,
                seed=seed,
                batch_size=batch,
                workers=workers,
                progress=True,
            )
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    where = make_url(database_url).render_as_string(hide_password=True)
    typer.echo(f"{added} approved entries added to {where} in {seconds:.1f} s")


if __name__ == "__main__":
    typer.run(main)
