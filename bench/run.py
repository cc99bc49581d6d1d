"""The benchmark: `python -m bench.run` (see bench/README.md).

One command sets up what it needs and measures the service as it runs in
production: generated data (bench.generate, cached under data/bench/), a
throwaway PostgreSQL cluster, uvicorn in a subprocess on a free loopback port,
Datasette in its own virtual environment on the same SQLite data. Each scenario
is warmed up, then driven by the bounded load generator (bench/load.py); the
table goes to stdout and to bench/RESULTS.md.

Only one server runs at a time, so the load generator shares the machine with
the server it measures and nothing else.
"""

import argparse
import hashlib
import json
import os
import platform
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]  # psutil ships no type information
from sqlalchemy import create_engine, text

from app import migrate
from bench import datasette, load
from bench.load import MEBIBYTE, DownloadResult, LoadResult, measure_download, run_load
from bench.scenarios import (
    CEILING_SHARE_TARGET,
    DATASETTE_FACTOR_TARGET,
    EXPORT_PATH,
    EXPORT_RSS_TARGET_MB,
    Probe,
    Scenario,
    discover,
    export_warmup_path,
    scenarios,
)
from tests.support.postgres import postgres_server

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "data" / "bench"  # data/ is git-ignored
BACKENDS = ("sqlite", "postgresql")
# bench/ modules that decide what the generated data holds.
GENERATOR_MODULES = ("generate", "corpus", "exchange")
FEW_SAMPLES = 10  # fewer measured requests than this: said in the notes
# The service may build in-memory structures before it answers.
STARTUP_SECONDS = 600
# Ours -> Datasette's equivalent, for the ratio table.
EQUIVALENTS = (
    ("closest", "listing_filtered", "datasette_closest"),
    ("native", "listing_status", "datasette_native"),
)
EQUIVALENT_OF = {theirs: ours for _label, ours, theirs in EQUIVALENTS}


def log(message: str) -> None:
    """Progress, on stderr (stdout gets the table)."""
    sys.stderr.write(f"[bench {datetime.now():%H:%M:%S}] {message}\n")
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- results ---------------------------------------------------------------------


@dataclass
class Measured:
    """One scenario on one backend ("sqlite", "postgresql" or "datasette")."""

    scenario: Scenario
    backend: str
    result: LoadResult
    matched: int | None = None  # entries the query selects, where it says


@dataclass
class Export:
    backend: str
    result: DownloadResult
    entries: int


@dataclass
class Report:
    meta: dict[str, str] = field(default_factory=dict)
    rows: list[Measured] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def find(self, backend: str, name: str) -> Measured | None:
        return next(
            (
                row
                for row in self.rows
                if row.backend == backend and row.scenario.name == name
            ),
            None,
        )


def _number(value: float) -> str:
    """Three significant digits or so: 0.42, 8.31, 27.5, 1204."""
    if value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def ceiling_share(report: Report, row: Measured) -> float | None:
    """The row's requests per second as % of its backend's ceiling."""
    ceiling = report.find(row.backend, "ceiling")
    if ceiling is None or ceiling.result.throughput <= 0:
        return None
    return 100 * row.result.throughput / ceiling.result.throughput


def verdict(report: Report, row: Measured) -> tuple[str, str]:
    """(target, met?) of a row: its p95 target and its share of the ceiling;
    any error fails it."""
    targets: list[str] = []
    missed: list[str] = []
    if row.scenario.target_p95_ms is not None:
        targets.append(f"p95 ≤ {row.scenario.target_p95_ms:g} ms")
        if row.result.latency_ms(95) > row.scenario.target_p95_ms:
            missed.append("p95")
    share = ceiling_share(report, row)
    if row.scenario.ceiling_target and share is not None:
        targets.append(f"≥ {CEILING_SHARE_TARGET:g} % of ceiling")
        if share < CEILING_SHARE_TARGET:
            missed.append("ceiling")
    if row.result.errors:
        missed.append("errors")
    if not targets:
        return "—", "no (errors)" if missed else "—"
    return ", ".join(targets), f"no ({', '.join(missed)})" if missed else "yes"


def _table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |"]
    out.append("|" + "|".join("---" for _ in header) + "|")
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return out


def format_report(report: Report) -> str:
    """The results as markdown: the set-up, one row per scenario and backend,
    the comparison with Datasette, and the export."""
    out = ["# Benchmark results", ""]
    out += [f"- **{key}**: {value}" for key, value in report.meta.items()]
    out += ["", "## Scenarios", ""]
    lines = []
    for row in report.rows:
        result = row.result
        share = ceiling_share(report, row)
        target, met = verdict(report, row)
        lines.append(
            [
                row.scenario.title,
                row.backend,
                _number(result.latency_ms(50)),
                _number(result.latency_ms(95)),
                _number(result.latency_ms(99)),
                _number(result.throughput),
                f"{result.errors}/{result.requests}",
                "—" if row.matched is None else str(row.matched),
                "—" if share is None or row.backend == "datasette" else f"{share:.1f}",
                target,
                met,
            ]
        )
    out += _table(
        [
            "scenario",
            "backend",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "req/s",
            "errors",
            "matched",
            "% of ceiling",
            "target",
            "met?",
        ],
        lines,
    )
    comparisons = []
    for label, ours_name, theirs_name in EQUIVALENTS:
        theirs = report.find("datasette", theirs_name)
        if theirs is None:
            continue
        for backend in BACKENDS:
            ours = report.find(backend, ours_name)
            if ours is None:
                continue
            factor = (
                ours.result.throughput / theirs.result.throughput
                if theirs.result.throughput > 0
                else float("inf")
            )
            comparisons.append(
                [
                    f"({'a' if label == 'closest' else 'b'}) {label}",
                    f"{ours.scenario.title} ({backend})",
                    _number(ours.result.throughput),
                    theirs.scenario.title,
                    _number(theirs.result.throughput),
                    f"{factor:.2f}×",
                    f"≥ {DATASETTE_FACTOR_TARGET:g}×",
                    "yes" if factor >= DATASETTE_FACTOR_TARGET else "no",
                ]
            )
    if comparisons:
        out += ["", "## Ours vs Datasette (requests per second)", ""]
        out += _table(
            [
                "equivalent",
                "ours",
                "req/s",
                "Datasette",
                "req/s",
                "ours ÷ Datasette",
                "target",
                "met?",
            ],
            comparisons,
        )
    if report.exports:
        out += ["", "## CSV export of every entry", ""]
        lines = []
        for export in report.exports:
            download = export.result
            growth = download.rss_growth_bytes / MEBIBYTE
            export_met = download.ok and growth < EXPORT_RSS_TARGET_MB
            lines.append(
                [
                    export.backend,
                    str(export.entries),
                    str(download.status),
                    f"{download.seconds:.1f}",
                    f"{download.size_bytes / MEBIBYTE:.1f}",
                    f"{download.rss_before_bytes / MEBIBYTE:.0f}",
                    f"{download.rss_peak_bytes / MEBIBYTE:.0f}",
                    f"{growth:.1f}",
                    str(download.samples),
                    f"streamed, growth < {EXPORT_RSS_TARGET_MB:g} MB",
                    "yes" if export_met else "no",
                ]
            )
        out += _table(
            [
                "backend",
                "entries",
                "status",
                "seconds",
                "MB sent",
                "RSS before MB",
                "RSS peak MB",
                "RSS growth MB",
                "samples",
                "target",
                "met?",
            ],
            lines,
        )
    if report.notes:
        out += ["", "## Notes", ""]
        out += [f"- {note}" for note in report.notes]
    return "\n".join(out) + "\n"


# --- the machine -------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    memory = int(psutil.virtual_memory().total) / 1024**3
    return (
        f"{cpu_model()}, {os.cpu_count()} logical cores, {memory:.1f} GiB RAM "
        f"({platform.system()} {platform.release()})"
    )


# --- databases ----------------------------------------------------------------------


def generate(database_url: str, projects: int, seed: int | None) -> float:
    """Fill `database_url` with `projects` generated entries (bench.generate);
    return the seconds it took."""
    command = [
        sys.executable,
        "-m",
        "bench.generate",
        "--projects",
        str(projects),
        "--database-url",
        database_url,
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - started


def _shown(path: Path) -> str:
    """`path` relative to the repository where it is inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def source_digests() -> dict[str, str]:
    """File -> digest of the service's code and templates: compared at the end,
    it says whether what was measured changed during the run."""
    return {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((ROOT / "app").rglob("*"))
        if path.suffix in (".py", ".html") and path.is_file()
    }


def generator_fingerprint() -> str:
    """A digest of the generator's source: data made by another version of it
    is not reused."""
    digest = hashlib.sha256()
    for source in sorted((ROOT / "bench").glob("*.py")):
        if source.stem in GENERATOR_MODULES:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cached_sqlite(cache: Path, projects: int, seed: int | None, report: Report) -> Path:
    """The generated SQLite file for `projects` entries, made on first use and
    reused afterwards (migrated to the newest schema first) while the generator
    is unchanged."""
    name = f"sqlite-{projects}" + ("" if seed is None else f"-seed{seed}")
    path = cache / f"{name}.db"
    marker = cache / f"{name}.json"
    fingerprint = generator_fingerprint()
    made = json.loads(marker.read_text()) if marker.exists() else {}
    if path.exists() and made.get("generator") == fingerprint:
        migrate.upgrade(sqlite_url(path))
        report.notes.append(
            f"SQLite data reused from {_shown(path)} "
            f"(generated {made['generated_at']} in {made['seconds']:.0f} s)."
        )
        return path
    for stale in (path, marker, *cache.glob(f"{name}.db-*")):
        stale.unlink(missing_ok=True)
    log(f"sqlite: generating {projects} entries into {_shown(path)}")
    seconds = generate(sqlite_url(path), projects, seed)
    made = {
        "projects": projects,
        "seed": seed,
        "generator": fingerprint,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": seconds,
    }
    marker.write_text(json.dumps(made))
    report.notes.append(f"SQLite data generated in {seconds:.0f} s.")
    return path


def postgres_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


def vacuum_analyze(url: str) -> None:
    """What autovacuum would have done after the bulk load, done now, so the
    planner's statistics do not depend on how long ago the load finished."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


# --- the service ----------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    startup: float  # seconds from the start of the process to its first 200
    rss_bytes: int  # its memory then
    warm_up: float  # seconds from then to the end of its search warm-up
    warm_rss_bytes: int  # its memory then


def service_environment(database_url: str, url: str) -> dict[str, str]:
    """The process environment of the served app: production settings (a real
    secret key), our database, no mail worker; other STOCKTAKING_ variables of
    the caller are dropped so they cannot change what is measured."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STOCKTAKING_")
    }
    environment |= {
        "STOCKTAKING_ENVIRONMENT": "production",
        "STOCKTAKING_SECRET_KEY": secrets.token_urlsafe(32),
        "STOCKTAKING_DATABASE_URL": database_url,
        "STOCKTAKING_PUBLIC_BASE_URL": url,
        "STOCKTAKING_MAIL_WORKER_ENABLED": "false",
    }
    return environment


@contextmanager
def serve(database_url: str, *, log_file: Path) -> Iterator[Server]:
    """uvicorn serving bench.ceiling:create_app (the app plus the ceiling route)
    on a free loopback port, one worker process, no access log."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.ceiling:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=service_environment(database_url, url),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            started = time.perf_counter()
            load.wait_until_up(
                f"{url}/healthz",
                process,
                log_file,
                name="the service",
                seconds=STARTUP_SECONDS,
            )
            startup = time.perf_counter() - started
            rss = int(psutil.Process(process.pid).memory_info().rss)
            load.wait_until_up(  # measured once the common words are read
                f"{url}/healthz",
                process,
                log_file,
                name="the service's search warm-up",
                seconds=STARTUP_SECONDS,
                ready=lambda response: response.json().get("search") == "ready",
            )
            warm_up = time.perf_counter() - started - startup
            warm_rss = int(psutil.Process(process.pid).memory_info().rss)
            yield Server(url, process.pid, startup, rss, warm_up, warm_rss)
        finally:
            load.stop(process)


# --- measuring ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How hard and how long each scenario is driven, and where the cached data,
    Datasette's environment and the servers' logs live."""

    requests: int
    duration: float
    concurrency: int
    warmup: int
    cache: Path
    export: bool = True


def _matched(url: str, scenario: Scenario) -> int | None:
    """`total` of a JSON listing's answer: how many entries the query selects."""
    path = scenario.paths[0]
    if not path.startswith("/api/v1/projects?") and path != "/api/v1/projects":
        return None
    answer = httpx.get(url + path, timeout=600)
    if answer.status_code != 200:
        return None
    return int(answer.json()["total"])


def entry_changer(database_url: str) -> Callable[[], None]:
    """Touch one published entry's row (a different one each time): the
    change-log trigger records it, as it records an edit, and the service's
    worker reads that entry again at its next request."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        ids = (
            connection.execute(
                text(
                    "SELECT id FROM project WHERE status = 'approved' "
                    "ORDER BY id LIMIT 1000"
                )
            )
            .scalars()
            .all()
        )
    turn = iter(range(10**9))

    def change() -> None:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE project SET status = status WHERE id = :id"),
                {"id": ids[next(turn) % len(ids)]},
            )

    return change


def measure(
    url: str,
    backend: str,
    scenario: Scenario,
    plan: Plan,
    report: Report,
    database_url: str | None = None,
) -> Measured:
    """Warm `scenario` up and drive it; log and note what went wrong."""
    before = None
    if scenario.change_before_each:
        assert database_url is not None
        before = entry_changer(database_url)
    result = run_load(
        url,
        scenario.paths,
        requests=plan.requests,
        duration=plan.duration,
        concurrency=plan.concurrency,
        warmup=plan.warmup,
        before=before,
    )
    statuses = ", ".join(f"{status}: {n}" for status, n in result.statuses.items())
    log(
        f"{backend:<10} {scenario.name:<18} p50 {_number(result.latency_ms(50))} ms, "
        f"p95 {_number(result.latency_ms(95))} ms, {_number(result.throughput)} req/s, "
        f"{result.requests} requests in {result.elapsed:.1f} s ({statuses})"
    )
    if result.errors:
        exception = result.first_exception()
        report.notes.append(
            f"{backend} {scenario.name}: {result.errors} errors (statuses {statuses})"
            + (f"; first exception {exception}" if exception else "")
        )
    if result.requests < FEW_SAMPLES:
        report.notes.append(
            f"{backend} {scenario.name}: {result.requests} measured requests "
            "(the duration cap): its percentiles are those of so few samples"
        )
    if result.warmup_errors:
        report.notes.append(
            f"{backend} {scenario.name}: {result.warmup_errors} warm-up errors"
        )
    return Measured(scenario, backend, result)


def bench_service(backend: str, database_url: str, plan: Plan, report: Report) -> Probe:
    """Serve `database_url` and measure it (`bench_server`)."""
    log(f"{backend}: starting the service")
    with serve(database_url, log_file=plan.cache / f"server-{backend}.log") as server:
        report.notes.append(
            f"{backend}: the service answered /healthz {server.startup:.1f} s "
            f"after it was started, with {server.rss_bytes / MEBIBYTE:.0f} MB RSS; "
            f"its search warm-up (the snapshot, the vocabulary and the common "
            f"words' places, read in the background) ended {server.warm_up:.1f} s "
            f"later, with {server.warm_rss_bytes / MEBIBYTE:.0f} MB RSS. The "
            "scenarios are measured after it."
        )
        return bench_server(backend, server, plan, report, database_url)


def bench_server(
    backend: str, server: Server, plan: Plan, report: Report, database_url: str
) -> Probe:
    """Every scenario against the running `server`, then the export."""
    with httpx.Client(base_url=server.url, timeout=600) as client:
        probe = discover(client)
    log(
        f"{backend}: {probe.entries} entries; country {probe.country}, "
        f"SDG {probe.sdg}, technology {probe.technology}"
    )
    ordered = scenarios(probe)
    rows: dict[str, Measured] = {}
    # The ceiling first: the server's first requests should not favour it.
    for scenario in [ordered[-1], *ordered[:-1]]:
        rows[scenario.name] = measure(
            server.url, backend, scenario, plan, report, database_url
        )
        rows[scenario.name].matched = _matched(server.url, scenario)
    report.rows += [rows[scenario.name] for scenario in ordered]
    rss = int(psutil.Process(server.pid).memory_info().rss)
    report.notes.append(
        f"{backend}: {rss / MEBIBYTE:.0f} MB RSS after the scenarios (the worker's "
        "catalog index built, its text cache filled)."
    )
    if not plan.export:
        return probe
    warm = measure_download(
        server.url, export_warmup_path(probe), server_pid=server.pid
    )
    if not warm.ok:
        report.notes.append(f"{backend}: the warm-up export answered {warm.status}")
    log(f"{backend}: exporting all {probe.entries} entries as CSV")
    export = measure_download(server.url, EXPORT_PATH, server_pid=server.pid)
    report.exports.append(Export(backend, export, probe.entries))
    log(
        f"{backend}: export {export.status} in {export.seconds:.1f} s, "
        f"{export.size_bytes / MEBIBYTE:.1f} MB, RSS growth "
        f"{export.rss_growth_bytes / MEBIBYTE:.1f} MB"
    )
    if export.exception:
        report.notes.append(f"{backend}: the export failed: {export.exception}")
    return probe


def bench_datasette(
    sqlite_file: Path, made_from: str | None, probe: Probe, plan: Plan, report: Report
) -> None:
    """Datasette's two equivalents on a copy of `sqlite_file` with project_flat.
    The copy is reused while `made_from` (the generation's marker; None: never
    reuse) is what it was made from."""
    venv = plan.cache / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        log(f"Datasette: installing it into {_shown(venv)}")
    program = datasette.ensure_installed(venv)
    report.meta["Datasette"] = datasette.version(program)
    folder = plan.cache / f"datasette-{sqlite_file.stem}"
    flat = folder / f"{datasette.DATABASE_NAME}.db"
    flat_marker = folder / "source.json"
    if not (
        made_from is not None
        and flat.exists()
        and flat_marker.exists()
        and flat_marker.read_text() == made_from
    ):
        log(f"Datasette: building its copy with {datasette.TABLE}")
        started = time.perf_counter()
        rows = datasette.build_flat_copy(sqlite_file, flat)
        flat_marker.write_text(made_from or "")
        report.notes.append(
            f"Datasette's copy built in {time.perf_counter() - started:.0f} s "
            f"({rows} rows in {datasette.TABLE})."
        )
    log_file = plan.cache / "datasette.log"
    with datasette.serve(program, flat, port=free_port(), log=log_file) as url:
        report.meta["Datasette"] += f" (SQLite {datasette.sqlite_version(url)})"
        for scenario in datasette.scenarios(probe):
            answer = datasette.check_answer(url, scenario)
            if answer["facets_timed_out"]:
                report.notes.append(
                    f"Datasette {scenario.name}: facets timed out: "
                    f"{answer['facets_timed_out']}"
                )
            row = measure(url, "datasette", scenario, plan, report)
            row.matched = answer["count"]
            report.rows.append(row)
            ours = report.find("sqlite", EQUIVALENT_OF[scenario.name])
            if ours is not None and ours.matched != row.matched:
                report.notes.append(
                    f"{scenario.name} selects {row.matched} entries, ours "
                    f"({ours.scenario.name}) {ours.matched}: not the same question"
                )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Benchmark the service (and Datasette) on generated data; "
        "see bench/README.md.",
    )
    parser.add_argument(
        "--projects", type=int, default=100_000, help="entries to generate"
    )
    parser.add_argument("--seed", type=int, default=None, help="the generator's seed")
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help="comma-separated"
    )
    parser.add_argument(
        "--concurrency", type=int, default=1, help="client threads per scenario"
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="at most, per scenario"
    )
    parser.add_argument(
        "--duration", type=float, default=20, help="seconds at most, per scenario"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="unmeasured requests per scenario"
    )
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--no-export", action="store_true", help="skip the CSV export of every entry"
    )
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        default=None,
        help="benchmark this SQLite database (migrated to head first) instead of "
        "generated data",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=CACHE,
        help="generated data, Datasette's environment, logs (default data/bench)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    arguments = parser.parse_args(argv)
    arguments.backends = [b.strip() for b in arguments.backends.split(",") if b.strip()]
    unknown = set(arguments.backends) - set(BACKENDS)
    if unknown or not arguments.backends:
        parser.error(f"--backends: choose among {', '.join(BACKENDS)}")
    if min(arguments.requests, arguments.concurrency, arguments.projects) < 1:
        parser.error("--projects, --requests and --concurrency must be positive")
    if arguments.duration <= 0:
        parser.error("--duration must be positive")
    return arguments


def _load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    plan = Plan(
        requests=arguments.requests,
        duration=arguments.duration,
        concurrency=arguments.concurrency,
        warmup=arguments.warmup,
        cache=arguments.cache_dir.resolve(),
        export=not arguments.no_export,
    )
    plan.cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    started = datetime.now(UTC)
    report.meta |= {
        "Date": started.isoformat(timespec="seconds"),
        "Machine": machine(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": "not run",
        "Datasette": "not run",
    }
    load_before = _load_average()
    sources = source_digests()
    sqlite_file: Path | None = None
    if arguments.sqlite_file is not None:
        sqlite_file = arguments.sqlite_file.resolve()
        migrate.upgrade(sqlite_url(sqlite_file))  # as a deployment would
    elif "sqlite" in arguments.backends or not arguments.no_datasette:
        sqlite_file = cached_sqlite(
            plan.cache, arguments.projects, arguments.seed, report
        )
    probes: dict[str, Probe] = {}
    for backend in arguments.backends:
        if backend == "sqlite":
            assert sqlite_file is not None
            probes[backend] = bench_service(
                backend, sqlite_url(sqlite_file), plan, report
            )
            continue
        log("postgresql: starting a throwaway cluster")
        with postgres_server() as server_url:
            report.meta["PostgreSQL"] = postgres_version(server_url)
            log(f"postgresql: generating {arguments.projects} entries")
            seconds = generate(server_url, arguments.projects, arguments.seed)
            vacuum_analyze(server_url)
            report.notes.append(
                f"PostgreSQL data generated in {seconds:.0f} s (then VACUUM ANALYZE)."
            )
            probes[backend] = bench_service(backend, server_url, plan, report)
    if not arguments.no_datasette:
        assert sqlite_file is not None
        probe = probes.get("sqlite") or next(iter(probes.values()))
        marker = sqlite_file.with_suffix(".json")
        made_from = (
            marker.read_text()
            if marker.exists() and arguments.sqlite_file is None
            else None
        )
        bench_datasette(sqlite_file, made_from, probe, plan, report)
        report.notes.append(
            "Datasette settings: " + datasette.describe_settings() + "; served "
            f"immutable (-i) on a copy with {datasette.TABLE} (JSON arrays "
            f"{datasette.flat_schema_note()}, indexes on "
            f"{', '.join(datasette.INDEXED)}). Its facets count the rows matching "
            "every filter, ours every filter except the facet's own."
        )
    after = source_digests()
    changed = sorted(
        name
        for name in sources.keys() | after.keys()
        if sources.get(name) != after.get(name)
    )
    if changed:
        report.notes.append(
            "The service's code changed while it was measured (the backends may "
            f"have run different code): {', '.join(changed)}"
        )
    words = next(iter(probes.values())).words
    report.meta |= {
        "Entries": ", ".join(f"{b} {p.entries}" for b, p in probes.items()),
        "Load": (
            f"concurrency {plan.concurrency}, at most {plan.requests} requests or "
            f"{plan.duration:g} s per scenario, after {plan.warmup} warm-up requests"
        ),
        "Server": (
            "uvicorn, 1 worker, STOCKTAKING_ENVIRONMENT=production, loopback; "
            "the load generator runs on the same machine"
        ),
        "Search words": ", ".join(f"{k} {v}" for k, v in words.items()),
        "Load average": f"{load_before} before, {_load_average()} after",
        "Duration of the run": f"{(datetime.now(UTC) - started).total_seconds():.0f} s",
    }
    table = format_report(report)
    sys.stdout.write(table)
    arguments.output.write_text(table, encoding="utf-8")
    log(f"written to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
