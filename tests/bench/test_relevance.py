"""The relevance measurement: its arithmetic, its report, the judged query set
itself, and the catalog's answers on the demo data (both backends)."""

import math
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app import analysis
from app.models import Project
from bench import generate, relevance
from bench.relevance import Judged, Run, score
from seeds.demo import load_demo, read_samples


def judged(
    id_: str, relevant: set[str], lang: str = "en", kind: str = "plain"
) -> Judged:
    return Judged(id_, "q", lang, kind, frozenset(relevant))


class TestScores:
    def test_a_perfect_answer(self) -> None:
        assert score(["a", "b"], frozenset({"a", "b"})) == relevance.Scores(1, 1, 1)

    def test_a_relevant_entry_lower_down_counts_less(self) -> None:
        found = score(["x", "a"], frozenset({"a"}))
        assert found.recall == 1
        assert found.precision == 0.5
        assert found.ndcg == pytest.approx(1 / math.log2(3))

    def test_an_empty_answer_scores_nothing(self) -> None:
        assert score([], frozenset({"a"})) == relevance.Scores(0, 0, 0)

    def test_recall_looks_at_twenty_precision_and_ndcg_at_ten(self) -> None:
        ranked = [f"x{i}" for i in range(15)] + ["a"]
        found = score(ranked, frozenset({"a"}))
        assert (found.recall, found.precision, found.ndcg) == (1, 0, 0)


def test_the_report_groups_by_language_and_kind_and_names_disagreements() -> None:
    queries = [
        judged("en-1", {"a"}),
        judged("ar-1", {"b"}, lang="ar", kind="attached_prefix"),
        judged("none", set()),
    ]
    runs = [
        Run("sqlite", {"en-1": ["a"], "ar-1": [], "none": []}),
        Run("postgresql", {"en-1": ["a"], "ar-1": ["b"], "none": ["c"]}),
    ]
    text = relevance.report(runs, queries)
    assert "| en | sqlite | 1 | 1.000 | 1.000 | 1.000 |" in text
    assert "| ar | sqlite | 1 | 0.000 | 0.000 | 0.000 |" in text
    assert "| attached_prefix | postgresql | 1 | 1.000 | 1.000 | 1.000 |" in text
    assert "| all | sqlite | 2 | 0.500 | 0.500 | 0.500 |" in text
    assert "- sqlite: 1 of 1 answered with nothing" in text
    assert "2 queries matched differently: ar-1, none" in text
    # the recorded figures of the search before, beside the first backend's
    assert "## Before (commit 06d8046) and now (sqlite)" in text
    assert "| en | 0.382 → 1.000 | 0.581 → 1.000 | 0.446 → 1.000 |" in text
    # and each query that left a relevant entry out of its first twenty
    assert "| ar-1 | q | attached_prefix | 0.00 | b (-) |" in text


class TestTheJudgedSet:
    """What the issue asks of the query set (tests/relevance/README.md)."""

    def test_every_judged_entry_is_a_demo_entry(self) -> None:
        keys = {sample["key"] for sample in read_samples()}
        for query in relevance.read_judged():
            assert query.relevant <= keys, query.id

    def test_ids_are_unique(self) -> None:
        ids = [query.id for query in relevance.read_judged()]
        assert len(ids) == len(set(ids))

    def test_languages_and_kinds_are_covered(self) -> None:
        queries = relevance.read_judged()
        assert len(queries) >= 150
        languages = Counter(query.lang for query in queries)
        assert languages["ar"] >= 55
        assert languages["en"] >= 45
        assert languages["fr"] >= 40
        assert languages["mixed"] >= 10
        kinds = Counter(query.kind for query in queries)
        assert min(kinds.values()) >= 8, kinds
        assert kinds["attached_prefix"] >= 15
        assert kinds["broken_plural"] >= 10


def test_the_catalog_answers_with_demo_keys(session: Session) -> None:
    load_demo(session)
    queries = [q for q in relevance.read_judged() if q.kind == "plain"][:5]
    run = relevance.evaluate("here", relevance.catalog_search(session), queries)
    keys = {sample["key"] for sample in read_samples()}
    assert run.answers.keys() == {q.id for q in queries}
    assert all(set(answer) <= keys for answer in run.answers.values())
    assert any(run.answers.values())


def test_the_generated_set_is_judged_by_what_the_generator_planted(
    session: Session,
) -> None:
    generate.generate(session, projects=40, seed=relevance.SEED)
    judged = {query.id: query for query in relevance.generated_judged(session)}
    rows = session.exec(select(Project.public_id, Project.search_document)).all()
    documents = dict(rows)

    frequent = judged["gen-ar-plain-01"].relevant
    assert 8 <= len(frequent) <= 32  # planted in about 45 %
    assert all("بيانات" in analysis.surface_words(documents[pid]) for pid in frequent)
    assert judged["gen-ar-prefix-01"].relevant == frequent  # «للبيانات»
    both = judged["gen-ar-multi-01"].relevant
    assert both == frequent & judged["gen-ar-plain-02"].relevant


def test_the_command_writes_both_reports(tmp_path: Path) -> None:
    output = tmp_path / "relevance.md"
    assert (
        relevance.main(
            ["--backends", "sqlite", "--generated", "30", "--output", str(output)]
        )
        == 0
    )
    text = output.read_text()
    assert "# Search relevance on the judged query set" in text
    assert "# Generated set (30 entries of bench.generate, seed 7" in text
