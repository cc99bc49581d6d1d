"""Search relevance on the judged query set, on SQLite and PostgreSQL.

    python -m bench.relevance [--backends sqlite,postgresql] [--output PATH]

Loads the taxonomies and the demo entries into a fresh database per backend
(PostgreSQL: a throwaway cluster, as the tests start one), asks the catalog
search each query of `tests/relevance/judged_queries.json` (20 results, in the
query's language) and prints, per backend, language and kind of query:

- recall@20: the relevant entries among the first 20 results, out of all
  the relevant ones (out of 20 when more than 20 are relevant);
- precision@10: the share of relevant entries among the first 10 results
  returned (a query answered with nothing scores 0 when something was
  relevant);
- nDCG@10: binary gains, the ideal being the relevant entries first.

Queries judged to have no relevant entry are left out of the means and
counted apart (how many were answered with nothing). The last section lists
the queries the backends match differently (another total, or other entries
when all fit in 20). Then the same for a
generated set (`--generated N` entries of `bench.generate`, default 2000)
with queries on the words the generator plants, judged by construction: an
entry is relevant when its text holds the planted word, in any of the forms
the generator writes. Written to `bench/RELEVANCE.md` too.
"""

import argparse
import json
import math
import platform
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import fmean

from sqlmodel import Session, select

from app import analysis, migrate
from app.db import make_engine
from app.errors import InvalidInput
from app.models import Project
from app.schemas.search import SearchParams
from app.services import search
from bench import corpus, generate
from seeds.demo import load_demo, read_samples, sample_public_id
from seeds.taxonomy_loader import load_taxonomies

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "relevance" / "judged_queries.json"
DEPTH = 20
LOOKED_AT = 100  # how deep an answer is read, to say where a missed entry ranks


@dataclass(frozen=True)
class Judged:
    id: str
    query: str
    lang: str
    kind: str
    relevant: frozenset[str]


def read_judged(path: Path = JUDGED) -> list[Judged]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Judged(q["id"], q["query"], q["lang"], q["kind"], frozenset(q["relevant"]))
        for q in data["queries"]
    ]


@dataclass(frozen=True)
class Scores:
    recall: float  # @20
    precision: float  # @10
    ndcg: float  # @10


def score(ranked: list[str], relevant: frozenset[str]) -> Scores:
    """The three measures of one answer (`ranked`, best first) to a query
    whose relevant entries are `relevant` (not empty)."""
    assert relevant
    top10 = ranked[:10]
    recall = len(relevant.intersection(ranked[:DEPTH])) / min(len(relevant), DEPTH)
    precision = (
        sum(1 for key in top10 if key in relevant) / len(top10) if top10 else 0.0
    )
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(top10) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return Scores(recall, precision, dcg / ideal)


Search = Callable[[Judged], tuple[list[str], int]]  # the first 100, the total


def catalog_search(session: Session) -> Search:
    """The catalog's answer to a judged query, as demo keys."""
    keys = {sample_public_id(s["key"]): s["key"] for s in read_samples()}

    def answer(judged: Judged) -> tuple[list[str], int]:
        locale = judged.lang if judged.lang in ("ar", "en", "fr") else "ar"
        try:
            params = SearchParams(q=judged.query, limit=LOOKED_AT)
            page = search.search_projects(session, params=params, locale=locale)
        except (InvalidInput, ValueError):
            return [], 0
        return [keys.get(item.id, item.id) for item in page.items], page.total

    return answer


@dataclass
class Run:
    backend: str
    answers: dict[str, list[str]]  # judged id -> keys, best first
    totals: dict[str, int] = field(default_factory=dict)  # judged id -> matches

    def same_as(self, other: "Run", query: str) -> bool:
        """The same entries matched: the same total, and the same first 100
        when that is all of them (beyond, equally good entries may come in
        another order: the two databases rank differently)."""
        mine, theirs = self.answers[query], other.answers[query]
        total = self.totals.get(query, len(mine))
        if total != other.totals.get(query, len(theirs)):
            return False
        return total > LOOKED_AT or set(mine) == set(theirs)


def evaluate(backend: str, answer: Search, judged: list[Judged]) -> Run:
    run = Run(backend, {})
    for query in judged:
        run.answers[query.id], run.totals[query.id] = answer(query)
    return run


def _means(rows: list[Scores]) -> tuple[float, float, float]:
    return (
        fmean(r.recall for r in rows),
        fmean(r.precision for r in rows),
        fmean(r.ndcg for r in rows),
    )


GROUPINGS: list[tuple[str, Callable[[Judged], str]]] = [
    ("language", lambda judged: judged.lang),
    ("kind of query", lambda judged: judged.kind),
]


TITLE = "Search relevance on the judged query set"
BEFORE = ROOT / "bench" / "relevance_before.json"


def _before_and_after(run: Run, judged: list[Judged]) -> list[str]:
    """The recorded figures of the search before issue 12 beside `run`'s."""
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    lines = [
        f"## Before (commit {before['commit']}) and now ({run.backend})",
        "",
        "| language | recall@20 | precision@10 | nDCG@10 |",
        "|---|---|---|---|",
    ]
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        if j.relevant:
            groups[j.lang].append(j)
            groups["all"].append(j)
    for name, was in before["by_language"].items():
        if not groups[name]:
            continue
        now = _means([score(run.answers[j.id], j.relevant) for j in groups[name]])
        old = (was["recall"], was["precision"], was["ndcg"])
        cells = " | ".join(f"{a:.3f} → {b:.3f}" for a, b in zip(old, now, strict=True))
        lines.append(f"| {name} | {cells} |")
    return [*lines, ""]


def report(
    runs: list[Run],
    judged: list[Judged],
    *,
    title: str = TITLE,
) -> str:
    """The markdown report of `runs`."""
    lines = [
        f"# {title}",
        "",
        f"- **Date**: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- **Commit**: {_commit()}",
        f"- **Queries**: {len(judged)} (`tests/relevance/judged_queries.json`), "
        f"{sum(1 for j in judged if not j.relevant)} of them with no relevant entry",
        f"- **Python**: {platform.python_version()}",
        "",
    ]
    for group_name, group_of in GROUPINGS:
        lines += [
            f"## By {group_name}",
            "",
            f"| {group_name} | backend | queries | recall@20 | precision@10 "
            "| nDCG@10 |",
            "|---|---|---|---|---|---|",
        ]
        groups: dict[str, list[Judged]] = defaultdict(list)
        for j in judged:
            if j.relevant:
                groups[group_of(j)].append(j)
                groups["all"].append(j)
        for name in [*sorted(g for g in groups if g != "all"), "all"]:
            for run in runs:
                rows = [score(run.answers[j.id], j.relevant) for j in groups[name]]
                recall, precision, ndcg = _means(rows)
                lines.append(
                    f"| {name} | {run.backend} | {len(rows)} | {recall:.3f} | "
                    f"{precision:.3f} | {ndcg:.3f} |"
                )
        lines.append("")
    if title == TITLE:
        lines += _before_and_after(runs[0], judged)
    empty = [j for j in judged if not j.relevant]
    if empty:
        lines += ["## Queries with no relevant entry", ""]
        for run in runs:
            silent = sum(1 for j in empty if not run.answers[j.id])
            answered = f"{silent} of {len(empty)} answered with nothing"
            lines.append(f"- {run.backend}: {answered}")
        lines.append("")
    lines += _misses(runs[0], judged)
    lines += ["## Where the backends differ", ""]
    if len(runs) > 1:
        first, *others = runs
        differ = [
            j.id for j in judged for other in others if not first.same_as(other, j.id)
        ]
        lines.append(
            f"{len(differ)} queries matched differently: "
            + (", ".join(differ) if differ else "none")
        )
    else:
        lines.append("one backend measured")
    return "\n".join(lines) + "\n"


def _misses(run: Run, judged: list[Judged]) -> list[str]:
    """The queries whose first 20 leave out a relevant entry, with the
    entries left out and where (if at all) the answer ranks them."""
    lines = [
        f"## Relevant entries missed in the first {DEPTH} ({run.backend})",
        "",
        "| query | text | kind | recall@20 | missed (rank, or - if not matched) |",
        "|---|---|---|---|---|",
    ]
    for j in judged:
        if not j.relevant:
            continue
        found = score(run.answers[j.id], j.relevant)
        if found.recall >= 1:
            continue
        ranked = run.answers[j.id]
        first = set(ranked[:DEPTH])
        missed = sorted(j.relevant - first)[: 2 * DEPTH]
        shown = ", ".join(
            f"{key} ({ranked.index(key) + 1 if key in ranked else '-'})"
            for key in missed
        )
        lines.append(
            f"| {j.id} | {j.query} | {j.kind} | {found.recall:.2f} | {shown} |"
        )
    return [*lines, ""]


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


@contextmanager
def demo_database(backend: str, *, generated: int = 0) -> Iterator[Session]:
    """A fresh database of `backend` with the taxonomies and the demo entries,
    or, with `generated`, that many entries of `bench.generate` instead."""
    with _database_url(backend) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                load_taxonomies(session)
                if generated:
                    generate.generate(session, projects=generated, seed=SEED)
                else:
                    load_demo(session)
                yield session
        finally:
            engine.dispose()


# --- the generated set ----------------------------------------------------------

SEED = 7
# What the generator plants (bench.corpus), as the one token each of its forms
# folds to: «بيانات», «البيانات», «للبيانات» are all «بيانات».
PLANTED = {
    "frequent": corpus.FREQUENT_WORD,
    "rare": corpus.RARE_WORD,
    "english": corpus.ENGLISH_WORD,
}
# (id, query, language, kind, the planted words an entry must hold to be
# relevant: all of them). Other forms of the planted words than the
# generator writes test prefixes, singulars, inflections and typos.
GENERATED_QUERIES = [
    ("gen-ar-plain-01", corpus.FREQUENT_WORD, "ar", "plain", ("frequent",)),
    ("gen-ar-prefix-01", "للبيانات", "ar", "attached_prefix", ("frequent",)),
    ("gen-ar-prefix-02", "والبيانات", "ar", "attached_prefix", ("frequent",)),
    ("gen-ar-prefix-03", "بالبيانات", "ar", "attached_prefix", ("frequent",)),
    ("gen-ar-plain-02", corpus.RARE_WORD, "ar", "plain", ("rare",)),
    ("gen-ar-plural-01", "الواحة", "ar", "plural", ("rare",)),
    ("gen-ar-plural-02", "واحة", "ar", "plural", ("rare",)),
    ("gen-ar-prefix-04", "بالواحات", "ar", "attached_prefix", ("rare",)),
    ("gen-ar-typo-01", "الواحاة", "ar", "misspelling", ("rare",)),
    ("gen-ar-multi-01", "بيانات الواحات", "ar", "multi_word", ("frequent", "rare")),
    ("gen-en-plain-01", corpus.ENGLISH_WORD, "en", "plain", ("english",)),
    ("gen-en-plain-02", "Irrigation", "en", "plain", ("english",)),
    ("gen-en-plural-01", "irrigated", "en", "plural", ("english",)),
    ("gen-en-typo-01", "irigation", "en", "misspelling", ("english",)),
    ("gen-en-stop-01", "the irrigation of", "en", "stopword", ("english",)),
    (
        "gen-mix-01",
        "irrigation الواحات",
        "mixed",
        "mixed_language",
        ("english", "rare"),
    ),
]


def generated_judged(session: Session) -> list[Judged]:
    """The generated set's queries, judged by construction: an entry is
    relevant when its searchable text holds every planted word the query is
    about, in any of the forms the generator writes."""
    holding: dict[str, set[str]] = {name: set() for name in PLANTED}
    rows = session.exec(select(Project.public_id, Project.search_document))
    for public_id, document in rows:
        words = analysis.surface_words(document or "")
        for name, word in PLANTED.items():
            if word in words:
                holding[name].add(public_id)
    return [
        Judged(
            id_,
            query,
            lang,
            kind,
            frozenset(set.intersection(*(holding[name] for name in about))),
        )
        for id_, query, lang, kind, about in GENERATED_QUERIES
    ]


@contextmanager
def _database_url(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="relevance-") as folder:
            yield f"sqlite:///{folder}/demo.db"
        return
    from tests.support.postgres import postgres_server

    with postgres_server() as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RELEVANCE.md")
    parser.add_argument(
        "--generated", type=int, default=2000, help="entries of the generated set"
    )
    args = parser.parse_args(argv)
    judged = read_judged()
    runs, generated_runs = [], []
    generated: list[Judged] = []
    for backend in args.backends.split(","):
        with demo_database(backend) as session:
            runs.append(evaluate(backend, catalog_search(session), judged))
        with demo_database(backend, generated=args.generated) as session:
            generated = generated_judged(session)
            generated_runs.append(evaluate(backend, catalog_search(session), generated))
    text = (
        report(runs, judged)
        + "\n"
        + report(
            generated_runs,
            generated,
            title=f"Generated set ({args.generated} entries of bench.generate, "
            f"seed {SEED}, judged by construction)",
        )
    )
    sys.stdout.write(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
