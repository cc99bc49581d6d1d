"""The benchmark generator: its bulk rows are the service's rows, its output is
fixed by the seed, and its distributions are the documented ones."""

from collections import Counter
from functools import cache
from typing import Any

import pytest
from sqlalchemy import Table, inspect, select, text
from sqlmodel import Session

from app import analysis, folding
from app.models import ProjectStatus
from app.schemas.project import ProjectCreate, ProjectDraft
from app.schemas.search import SearchParams
from app.services import filters, projects, records, search
from bench import corpus, generate
from tests.support.databases import Database

SEED = 7
SAMPLE = 20
# What the workflow stamps, which the two paths set differently by design.
STAMPS = {
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "published_at",
    "submitted_at",
    "decided_at",
}


def entries(session: Session, count: int, *, seed: int = SEED) -> list[generate.Entry]:
    pools = generate.Pools(generate.read_vocabulary(session))
    return [generate.draw_entry(seed, number, pools) for number in range(count)]


_drawn: dict[int, list[generate.Entry]] = {}


def drawn(session: Session, count: int) -> list[generate.Entry]:
    """`count` entries of SEED, drawn once: both backends hold the same
    taxonomies, so they draw the same entries."""
    if count not in _drawn:
        _drawn[count] = entries(session, count)
    return _drawn[count]


@cache
def _shares(count: int) -> dict[str, float]:
    documents = [
        analysis.surface_words(records.search_document(e.draft)) for e in _drawn[count]
    ]
    words = (generate.FREQUENT_WORD, generate.RARE_WORD, generate.ENGLISH_WORD)
    return {w: sum(w in d for d in documents) / len(documents) for w in words}


def planted_shares(session: Session, count: int = 800) -> dict[str, float]:
    """The share of drawn search documents holding each query word (folded once)."""
    drawn(session, count)
    return _shares(count)


def rows_by_project(session: Session, table: Table, ids: list[int]) -> list[Any]:
    """Per project id, the table's rows without ids, in a stable order."""
    found = session.execute(select(table).where(table.c.project_id.in_(ids)))
    rows: dict[int, list[dict[str, Any]]] = {pid: [] for pid in ids}
    for row in found.mappings():
        rows[row["project_id"]].append(
            {k: v for k, v in row.items() if k not in ("id", "project_id")}
        )
    return [sorted(rows[pid], key=repr) for pid in ids]


def stored(session: Session, public_ids: list[str]) -> dict[str, Any]:
    """The rows of the entries with `public_ids` (in that order), minus stamps."""
    table = generate.PROJECT_TABLE
    found = session.execute(select(table).where(table.c.public_id.in_(public_ids)))
    by_public_id = {row["public_id"]: dict(row) for row in found.mappings()}
    ids = [by_public_id[pid]["id"] for pid in public_ids]
    return {
        "projects": [
            {k: v for k, v in by_public_id[pid].items() if k not in STAMPS}
            for pid in public_ids
        ],
        "partners": rows_by_project(session, generate.PARTNER_TABLE, ids),
        **{
            name: rows_by_project(session, table, ids)
            for name, table in generate.LINK_TABLES.items()
        },
    }


class TestBulkPath:
    def test_bulk_rows_are_what_the_service_writes(self, db: Database) -> None:
        with db.make_session() as session:
            sample = entries(session, SAMPLE)
            generate.generate(session, projects=SAMPLE, seed=SEED, batch_size=8)
            through_service = []
            for entry in sample:
                typed = entry.draft.model_dump(mode="json")
                # The constructed draft is the validated one, and complete.
                assert ProjectDraft.model_validate(typed) == entry.draft
                project = projects.create_project(
                    session,
                    data=ProjectCreate.model_validate(typed),
                    status=ProjectStatus.APPROVED,
                )
                through_service.append(project.public_id)
            bulk = stored(session, [entry.public_id for entry in sample])
            assert bulk == stored(session, through_service)
        assert all(p["status"] == ProjectStatus.APPROVED for p in bulk["projects"])
        assert all(p["search_document"] for p in bulk["projects"])
        assert sum(map(len, bulk["partners"])) > 0
        assert all(bulk[name] for name in generate.LINK_TABLES)

    def test_a_larger_catalog_has_good_practices_relations_and_contacts(
        self, db: Database
    ) -> None:
        with db.make_session() as session:
            generate.generate(session, projects=1_000, seed=SEED)
            counts = {
                table: session.execute(
                    text(f"SELECT count(*) FROM {table}")
                ).scalar_one()
                for table in (
                    "good_practice",
                    "project_relation",
                    "contact_thread",
                    "project_offer",
                )
            }
            found = search.search_projects(
                session, params=SearchParams(good_practice=[True]), locale="en"
            )
        assert counts["good_practice"] == found.total == 10  # 1 %
        assert counts["project_offer"] > 100  # one entry in four has some
        assert counts["contact_thread"] == 2  # 0.2 %
        assert 0 < counts["project_relation"] <= 3  # 0.3 %, between countries

    def test_workflow_columns_are_plausible(self, db: Database) -> None:
        with db.make_session() as session:
            generate.generate(session, projects=10, seed=SEED)
            table = generate.PROJECT_TABLE
            rows = session.execute(select(table)).mappings().all()
        assert len({row["public_id"] for row in rows}) == 10
        for row in rows:
            assert len(row["public_id"]) == projects.PUBLIC_ID_LENGTH
            assert set(row["public_id"]) <= set(projects.PUBLIC_ID_ALPHABET)
            assert row["created_at"] <= row["submitted_at"] <= row["decided_at"]
            assert row["published_at"] == row["decided_at"] <= generate.AS_OF
            assert row["home_country_iso2"] == row["lead_org_country_iso2"]

    def test_full_text_finds_the_planted_word(self, db: Database) -> None:
        with db.make_session() as session:
            generate.generate(session, projects=SAMPLE, seed=SEED)
            table = generate.PROJECT_TABLE
            documents: dict[str, str] = dict(
                session.execute(
                    select(table.c.public_id, table.c.search_document)
                ).all()
            )
            condition = filters.text_match(session, generate.FREQUENT_WORD)
            found = set(
                session.execute(select(table.c.public_id).where(condition)).scalars()
            )
        (unit,) = analysis.parse_query(generate.FREQUENT_WORD)
        stems = {
            f"{c + analysis.STEMMED}{s}"
            for c in analysis.FIELD_CLASSES
            for s in unit.stems
        }

        def holds(document: str) -> bool:  # the word (or a longer one), or its stem
            terms = document.split()
            return any(
                t[:1] in "123" and t[1:].startswith(generate.FREQUENT_WORD)
                for t in terms
            ) or not stems.isdisjoint(terms)

        planted = {pid for pid, document in documents.items() if holds(document)}
        assert found == planted
        assert 0 < len(found) < SAMPLE

    def test_entries_are_appended_after_existing_ones(self, db: Database) -> None:
        with db.make_session() as session:
            generate.generate(session, projects=4, seed=SEED)
            generate.generate(session, projects=3, seed=SEED, batch_size=2)
            table = generate.PROJECT_TABLE
            rows = session.execute(select(table.c.id, table.c.public_id)).all()
        assert sorted(pid for _id, pid in rows) == sorted(
            generate.public_id(SEED, number) for number in range(7)
        )
        assert len({row_id for row_id, _pid in rows}) == 7

    def test_change_log_says_everything_changed(self, db: Database) -> None:
        with db.make_session() as session:
            if not inspect(session.connection()).has_table("catalog_change"):
                pytest.skip("no catalog_change table at this migration")
            generate.generate(session, projects=5, seed=SEED)
            changes = session.execute(
                text("SELECT project_id FROM catalog_change")
            ).all()
        assert changes == [(None,)]

    def test_the_change_log_triggers_survive_a_run_and_a_failed_batch(
        self, db: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """SQLite's batches set the triggers aside while they insert."""
        with db.make_session() as session:
            before = _triggers(session)
            generate.generate(session, projects=3, seed=SEED)
            assert _triggers(session) == before

            def broken(*_args: Any) -> None:
                raise RuntimeError("interrupted")

            monkeypatch.setattr(generate, "_insert", broken)
            monkeypatch.setattr(generate, "_copy", broken)
            with pytest.raises(RuntimeError):
                generate.generate(session, projects=2, seed=SEED + 1)
            session.rollback()
            assert _triggers(session) == before
            assert len(before) > 10


def _triggers(session: Session) -> list[tuple[str, str]]:
    """The change-log triggers and their definitions."""
    if session.get_bind().dialect.name == "sqlite":
        sql = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'catalog_change_%' ORDER BY name"
        )
    else:
        sql = (
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgname LIKE 'catalog_change_%' ORDER BY tgname, tgrelid"
        )
    return [(name, definition) for name, definition in session.execute(text(sql))]


class TestDeterminism:
    def test_a_seed_always_gives_the_same_entries(self, db: Database) -> None:
        with db.make_session() as session:
            first, again = entries(session, 20), entries(session, 20)
            other = entries(session, 20, seed=SEED + 1)
        assert first == again
        assert [e.draft for e in first] != [e.draft for e in other]

    def test_batches_do_not_change_the_rows(self, db: Database) -> None:
        with db.make_session() as session:
            vocabulary = generate.read_vocabulary(session)
        ids = list(range(100, 120))
        whole = generate.build_batch(SEED, vocabulary, 0, ids)
        parts = [
            generate.build_batch(SEED, vocabulary, start, ids[start : start + 7])
            for start in range(0, 20, 7)
        ]
        assert whole.projects == [row for part in parts for row in part.projects]
        assert whole.partners == [row for part in parts for row in part.partners]
        for name in generate.LINK_TABLES:
            assert whole.links[name] == [r for p in parts for r in p.links[name]]


class TestQueryWords:
    @pytest.mark.parametrize(
        "word", [generate.FREQUENT_WORD, generate.RARE_WORD, generate.ENGLISH_WORD]
    )
    def test_word_is_one_token_unchanged_by_folding(self, word: str) -> None:
        assert folding.tokens(word) == [word]

    def test_no_listed_word_folds_into_a_query_word(self) -> None:
        words = {generate.FREQUENT_WORD, generate.RARE_WORD, generate.ENGLISH_WORD}
        texts = [
            *(w for ws in corpus.PROSE_WORDS.values() for w in ws),
            *(p for parts in corpus.TITLE_PARTS.values() for ps in parts for p in ps),
            *(
                k
                for ks in corpus.ORGANIZATION_KINDS.values()
                for v in ks.values()
                for k in v
            ),
            *(f for fs in corpus.ORGANIZATION_FIELDS.values() for f in fs),
            *(k for ks in corpus.KEYWORDS.values() for k in ks),
        ]
        assert not [t for t in texts if words & set(folding.tokens(t))]
        folded = {form: folding.tokens(form) for form in corpus.FREQUENT_FORMS}
        assert set(map(tuple, folded.values())) == {(generate.FREQUENT_WORD,)}
        folded = {form: folding.tokens(form) for form in corpus.RARE_FORMS}
        assert set(map(tuple, folded.values())) == {(generate.RARE_WORD,)}


class TestDistributions:
    def test_entries_are_skewed_as_documented(self, db: Database) -> None:
        with db.make_session() as session:
            drafts = [entry.draft for entry in drawn(session, 800)]
        countries = Counter(c for d in drafts for c in d.countries)
        top = [code for code, _n in countries.most_common(3)]
        assert top[0] == "EG"
        assert sum(countries[c] for c in top) > 0.4 * sum(countries.values())
        assert len(countries) >= 18
        assert all(1 <= len(d.action_lines) <= 4 for d in drafts)
        assert all(d.primary_action_line == d.action_lines[0] for d in drafts)
        sub_lines = sum(
            any(a.startswith("C7.") for a in d.action_lines) for d in drafts
        )
        assert sub_lines > 0.5 * len(drafts)
        assert all(1 <= len(d.sdgs) <= 5 for d in drafts)
        assert all(len(d.technologies) <= 3 for d in drafts)
        assert all(len(d.partners) <= 3 for d in drafts)
        languages = Counter(d.original_language.value for d in drafts)
        assert 0.6 < languages["ar"] / len(drafts) < 0.8
        assert languages["en"] > languages["fr"] > 0
        assert {d.start_date.year for d in drafts if d.start_date} <= set(
            range(2010, 2027)
        )
        open_ended = sum(d.end_date is None for d in drafts)
        assert 0.1 * len(drafts) < open_ended < 0.6 * len(drafts)
        descriptions = [
            len(getattr(d.description, d.original_language.value).split())
            for d in drafts
        ]
        assert min(descriptions) >= 100
        assert max(descriptions) <= 310

    def test_query_words_hit_their_share(self, db: Database) -> None:
        with db.make_session() as session:
            shares = planted_shares(session)
        assert 0.40 <= shares[generate.FREQUENT_WORD] <= 0.50
        assert 0.02 <= shares[generate.RARE_WORD] <= 0.06
        assert 0.07 <= shares[generate.ENGLISH_WORD] <= 0.13
