"""Datasette on the same SQLite data, set up the way a Datasette user would.

Datasette gets its own virtual environment (`datasette-venv` in the cache
folder, made with `python -m venv` and `pip install datasette`, reused when
present) so it never touches the project's. It serves a copy of the generated
SQLite file to which `build_flat_copy` adds `project_flat`: one row per
published entry, its plain columns, and JSON arrays for the many-to-many fields
(`action_lines`, `sdgs`, `countries`, `technologies`, ..., and `years`, the
years an entry runs), with indexes on the plain columns a user would facet on.

The two equivalents of our filtered listing (see `scenarios`):

- "closest": the same question, C7.4 in one country with eight facets, using
  Datasette's array filters and array facets on the JSON columns;
- "native": what Datasette does best, one filter on a plain column and four
  plain-column facets.

Datasette's own limits would answer slow queries with a time-out instead of a
result, so the SQL and facet time limits are raised (`SETTINGS`).
"""

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench import load
from bench.scenarios import ACTION_LINE, STATUS, Probe, Scenario

DATABASE_NAME = "bench"  # the file is bench.db, so its URLs are /bench/...
TABLE = "project_flat"
PAGE_SIZE = 20  # our API's default page
STARTUP_SECONDS = 60
# name -> value, passed as --setting NAME VALUE.
SETTINGS = {
    "sql_time_limit_ms": "60000",  # default 1000: slow queries would fail
    "facet_time_limit_ms": "60000",  # default 200: slow facets would be dropped
    # Datasette would otherwise also look for facets to suggest on every page.
    "suggest_facets": "off",
    "num_sql_threads": "3",  # the default, written down
}

# (JSON array column, link table, its code column)
ARRAY_COLUMNS = (
    ("action_lines", "project_action_line", "action_line_code"),
    ("sdgs", "project_sdg", "sdg_number"),
    ("countries", "project_country", "country_iso2"),
    ("technologies", "project_technology", "technology_code"),
    ("target_groups", "project_target_group", "target_group_code"),
    ("wsis_targets", "project_wsis_target", "wsis_target_code"),
    ("gdc_objectives", "project_gdc_objective", "gdc_objective_number"),
)
PLAIN_COLUMNS = (
    "p.id",
    "p.public_id",
    "p.title_ar",
    "p.title_en",
    "p.title_fr",
    "p.summary_ar",
    "p.summary_en",
    "p.summary_fr",
    "p.lead_org_name",
    "p.lead_org_entity_type_code AS entity_type",
    "p.lead_org_country_iso2",
    "p.activity_type_code AS activity_type",
    "p.implementation_status",
    "p.scope",
    "p.start_date",
    "p.end_date",
    "CAST(strftime('%Y', p.start_date) AS INTEGER) AS start_year",
    "p.published_at",
)
INDEXED = (
    "entity_type",
    "activity_type",
    "implementation_status",
    "scope",
    "start_year",
    "lead_org_country_iso2",
)


# Years an entry runs: from its start to its end or, without an end, to the
# last year any entry starts or ends in (what our year facet counts).
RUNNING_YEARS_SQL = """
CREATE TEMP TABLE running_year AS
WITH RECURSIVE
  dated AS (
    SELECT id,
      CAST(strftime('%Y', start_date) AS INTEGER) AS first,
      CAST(strftime('%Y', end_date) AS INTEGER) AS last
    FROM project WHERE status = 'approved' AND start_date IS NOT NULL
  ),
  horizon AS (SELECT max(max(first), coalesce(max(last), 0)) AS year FROM dated),
  running(id, year, last) AS (
    SELECT id, first, coalesce(last, (SELECT year FROM horizon)) FROM dated
    UNION ALL
    SELECT id, year + 1, last FROM running WHERE year < last AND year < 2200
  )
SELECT id, year FROM running
"""


def _array(table: str, code: str, name: str) -> str:
    return (
        f"(SELECT json_group_array({code}) FROM "
        f"(SELECT {code} FROM {table} WHERE project_id = p.id ORDER BY {code})) "
        f"AS {name}"
    )


def _flat_table_sql() -> str:
    arrays = [_array(table, code, name) for name, table, code in ARRAY_COLUMNS]
    arrays.append(
        _array("temp.running_year", "year", "years").replace("project_id", "id")
    )
    columns = ",\n  ".join([*PLAIN_COLUMNS, *arrays])
    return (
        f"CREATE TABLE {TABLE} AS SELECT\n  {columns}\n"
        "FROM project AS p WHERE p.status = 'approved'\n"
        "ORDER BY p.published_at DESC, p.id DESC"
    )


def build_flat_copy(source: Path, target: Path) -> int:
    """Copy the SQLite database `source` to `target` (with SQLite's backup API,
    so a live file is copied consistently) and add `project_flat` and its
    indexes. Return the number of rows of `project_flat`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(partial) as copy:
        origin.backup(copy)
    connection = sqlite3.connect(partial)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")  # one file, read-only use
        connection.execute(f"DROP TABLE IF EXISTS {TABLE}")
        connection.execute(RUNNING_YEARS_SQL)
        connection.execute("CREATE INDEX temp.ix_running_year ON running_year (id)")
        connection.execute(_flat_table_sql())
        for column in INDEXED:
            connection.execute(
                f"CREATE INDEX ix_{TABLE}_{column} ON {TABLE} ({column})"
            )
        connection.execute(f"ANALYZE {TABLE}")
        connection.commit()
        (rows,) = connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    finally:
        connection.close()
    partial.replace(target)
    return int(rows)


def ensure_installed(venv: Path) -> Path:
    """The `datasette` program of virtual environment `venv`, created and
    installed into on first use."""
    program = venv / "bin" / "datasette"
    if program.exists():
        return program
    if venv.exists():
        shutil.rmtree(venv)  # a half-made one from an interrupted run
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "datasette",
        ],
        check=True,
    )
    return program


def version(program: Path) -> str:
    """Datasette's version, e.g. "0.65.1"."""
    output = subprocess.run(
        [str(program), "--version"], check=True, capture_output=True, text=True
    ).stdout
    return output.strip().rsplit(" ", 1)[-1]


@contextmanager
def serve(program: Path, database: Path, *, port: int, log: Path) -> Iterator[str]:
    """Run Datasette on `database` (immutable: it is only read) on loopback
    `port`; yield its base URL, then stop it."""
    settings = [arg for item in SETTINGS.items() for arg in ("--setting", *item)]
    command = [
        str(program),
        "serve",
        "-i",
        str(database),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *settings,
    ]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            load.wait_until_up(
                f"{url}/-/versions.json",
                process,
                log,
                name="Datasette",
                seconds=STARTUP_SECONDS,
            )
            yield url
        finally:
            load.stop(process)


def sqlite_version(url: str) -> str:
    """The SQLite library Datasette's Python uses."""
    versions = httpx.get(f"{url}/-/versions.json", timeout=10).json()
    return str(versions.get("sqlite", {}).get("version", "?"))


def _table_url(query: list[tuple[str, Any]]) -> str:
    return f"/{DATABASE_NAME}/{TABLE}.json?" + urlencode([*query, ("_size", PAGE_SIZE)])


CLOSEST_ARRAY_FACETS = ("action_lines", "sdgs", "countries", "technologies", "years")
CLOSEST_COLUMN_FACETS = ("entity_type", "activity_type", "implementation_status")
NATIVE_FACETS = ("entity_type", "activity_type", "scope", "start_year")


def scenarios(probe: Probe) -> list[Scenario]:
    """The two equivalents: "closest" (our filtered listing: two array filters,
    eight facets) and "native" (one plain-column filter, four facets)."""
    closest = [
        ("action_lines__arraycontains", ACTION_LINE),
        ("countries__arraycontains", probe.country),
        *[("_facet_array", name) for name in CLOSEST_ARRAY_FACETS],
        *[("_facet", name) for name in CLOSEST_COLUMN_FACETS],
    ]
    native = [
        ("implementation_status", STATUS),
        *[("_facet", name) for name in NATIVE_FACETS],
    ]
    return [
        Scenario(
            "datasette_closest",
            f"Datasette: {ACTION_LINE} + {probe.country} as array filters, 8 facets",
            (_table_url(closest),),
            ceiling_target=False,
        ),
        Scenario(
            "datasette_native",
            f"Datasette: implementation_status={STATUS}, 4 column facets",
            (_table_url(native),),
            ceiling_target=False,
        ),
    ]


def check_answer(url: str, scenario: Scenario) -> dict[str, Any]:
    """One answer of `scenario`: its row count and whether a facet timed out
    (it must not: the limits are raised so that every answer is complete)."""
    answer = httpx.get(url + scenario.paths[0], timeout=120).raise_for_status().json()
    return {
        "count": answer.get("filtered_table_rows_count"),
        "facets": sorted(answer.get("facet_results", {})),
        "facets_timed_out": answer.get("facets_timed_out", []),
    }


def describe_settings() -> str:
    return ", ".join(f"{name}={value}" for name, value in SETTINGS.items())


def flat_schema_note() -> str:
    return json.dumps([name for name, _table, _code in ARRAY_COLUMNS] + ["years"])
