"""The benchmark runner, fast: its arithmetic, its load generator against a tiny
local server, its table, Datasette's flat table (no Datasette needed), and every
scenario of `python -m bench.run` against the app on a tiny SQLite database."""

import json
import os
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.models import ProjectStatus
from bench import datasette, run
from bench.ceiling import CEILING_BODY, CEILING_PATH, create_app
from bench.load import (
    MEBIBYTE,
    DownloadResult,
    LoadResult,
    Outcome,
    percentile,
    run_load,
)
from bench.scenarios import Probe, Scenario, scenarios, search_words
from tests.factories import make_project
from tests.support.databases import build_template


class TestPercentile:
    def test_interpolates_between_the_nearest_ranks(self) -> None:
        values = [float(v) for v in range(1, 101)]  # 1 .. 100, shuffled below
        values.reverse()
        assert percentile(values, 0) == 1
        assert percentile(values, 50) == pytest.approx(50.5)
        assert percentile(values, 95) == pytest.approx(95.05)
        assert percentile(values, 99) == pytest.approx(99.01)
        assert percentile(values, 100) == 100

    def test_one_value_is_every_percentile(self) -> None:
        assert percentile([7.0], 50) == percentile([7.0], 99) == 7.0

    def test_no_values_or_a_bad_rank_is_refused(self) -> None:
        with pytest.raises(ValueError, match="no values"):
            percentile([], 50)
        with pytest.raises(ValueError, match="outside"):
            percentile([1.0], 101)


# --- the load generator against a tiny HTTP/1.1 server ---------------------------


class _Server(ThreadingHTTPServer):
    """Answers /ok (200), /fail (500) and /slow (200 after 50 ms) over HTTP/1.1,
    counting connections and requests."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.connections = 0
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(self.path)
        if self.path == "/slow":
            time.sleep(0.05)
        status = 500 if self.path == "/fail" else 200
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def tiny_server() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class TestLoadGenerator:
    def test_sends_exactly_the_requests_asked_for_in_turn(
        self, tiny_server: _Server
    ) -> None:
        result = run_load(
            tiny_server.url,
            ["/ok", "/fail"],
            requests=20,
            duration=30,
            concurrency=2,
            warmup=4,
        )
        assert result.requests == 20
        assert result.statuses == {200: 10, 500: 10}
        assert result.errors == 10  # non-2xx is an error
        assert result.warmup_errors == 2  # each thread warmed /ok and /fail
        served = tiny_server.requests
        assert len(served) == 24  # the warm-up is sent but not measured
        assert sorted(set(served)) == ["/fail", "/ok"]
        # Keep-alive: one connection per thread for warm-up and measurement.
        assert tiny_server.connections == 2
        assert result.elapsed > 0
        assert result.throughput == pytest.approx(20 / result.elapsed)
        assert 0 < result.latency_ms(50) <= result.latency_ms(95)
        assert result.latency_ms(95) <= result.latency_ms(99)

    def test_runs_the_before_hook_before_every_request(
        self, tiny_server: _Server
    ) -> None:
        calls: list[int] = []

        def before() -> None:
            calls.append(len(tiny_server.requests))

        result = run_load(
            tiny_server.url, ["/ok"], requests=5, duration=30, warmup=2, before=before
        )

        assert result.requests == 5
        assert calls == list(range(7))  # before each of the 2 + 5, none after

    def test_stops_at_the_duration_before_the_request_count(
        self, tiny_server: _Server
    ) -> None:
        result = run_load(
            tiny_server.url, ["/slow"], requests=10_000, duration=0.3, concurrency=2
        )
        # ~50 ms each on 2 threads for 0.3 s: about a dozen, far from 10 000.
        assert 2 <= result.requests <= 20
        assert result.elapsed < 1.5
        assert result.errors == 0
        assert result.latency_ms(50) >= 50

    def test_a_refused_connection_is_an_error_not_a_crash(self) -> None:
        result = run_load(
            f"http://127.0.0.1:{run.free_port()}", ["/"], requests=3, duration=5
        )
        assert result.requests == 3
        assert result.errors == 3
        assert result.statuses == {None: 3}
        assert "ConnectError" in (result.first_exception() or "")


class TestCeiling:
    def test_constant_route_on_the_same_stack(self, tmp_path: Path) -> None:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'empty.db'}", environment="test"
        )
        with TestClient(create_app(settings)) as client:
            ceiling = client.get(CEILING_PATH)
            health = client.get("/healthz")
        assert ceiling.status_code == 200
        assert ceiling.json() == CEILING_BODY
        # The app's own middleware answers it: the same security headers.
        assert health.status_code == 200
        assert set(ceiling.headers) == set(health.headers)
        assert ceiling.headers["x-frame-options"] == "DENY"


# --- the table ------------------------------------------------------------------


def _result(
    milliseconds: list[float], *, elapsed: float, failed: int = 0
) -> LoadResult:
    outcomes = [Outcome(ms / 1000, 200) for ms in milliseconds]
    outcomes += [Outcome(0.001, 503)] * failed
    return LoadResult(outcomes=outcomes, elapsed=elapsed, concurrency=1)


def _cells(markdown: str, first: str) -> list[list[str]]:
    """The rows of the markdown tables whose first cell is `first`."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in markdown.splitlines()
        if line.startswith("| ")
    ]
    return [row for row in rows if row[0] == first]


class TestReport:
    def test_rows_targets_ratios_and_export(self) -> None:
        fast = Scenario("listing", "Listing", ("/a",), 30)
        slow = Scenario("listing_filtered", "Filtered", ("/b",), 30)
        ceiling = Scenario("ceiling", "Ceiling", ("/c",), ceiling_target=False)
        theirs = Scenario("datasette_closest", "DS closest", ("/d",))
        report = run.Report(meta={"Machine": "a test"})
        report.rows = [
            # 100 requests in 1 s: 100 req/s = 25 % of the ceiling's 400.
            run.Measured(fast, "sqlite", _result([10.0] * 100, elapsed=1.0), 42),
            run.Measured(
                slow, "sqlite", _result([40.0] * 99, elapsed=1.0, failed=1), 7
            ),
            run.Measured(ceiling, "sqlite", _result([2.0] * 400, elapsed=1.0)),
            run.Measured(theirs, "datasette", _result([50.0] * 20, elapsed=1.0), 7),
        ]
        report.exports = [
            run.Export(
                "sqlite",
                DownloadResult(
                    status=200,
                    seconds=3.0,
                    size_bytes=80 * MEBIBYTE,
                    rss_before_bytes=100 * MEBIBYTE,
                    rss_peak_bytes=130 * MEBIBYTE,
                    samples=60,
                ),
                entries=1000,
            )
        ]
        markdown = run.format_report(report)

        assert "- **Machine**: a test" in markdown
        (listing,) = _cells(markdown, "Listing")
        assert listing == [
            "Listing",
            "sqlite",
            "10.0",
            "10.0",
            "10.0",
            "100",
            "0/100",
            "42",
            "25.0",
            "p95 ≤ 30 ms, ≥ 25 % of ceiling",
            "yes",
        ]
        (filtered,) = _cells(markdown, "Filtered")
        assert filtered[6] == "1/100"
        assert filtered[-1] == "no (p95, errors)"  # 100 req/s: 25 % of 400
        (ceiling_row,) = _cells(markdown, "Ceiling")
        assert ceiling_row[8] == "100.0"
        assert ceiling_row[-2:] == ["—", "—"]
        # Ours 100 req/s vs Datasette's 20: 5x, just meets the target.
        (closest,) = _cells(markdown, "(a) closest")
        assert closest[1] == "Filtered (sqlite)"
        assert closest[2:] == ["100", "DS closest", "20.0", "5.00×", "≥ 5×", "yes"]
        (export,) = _cells(markdown, "sqlite")
        assert export[2:8] == ["200", "3.0", "80.0", "100", "130", "30.0"]
        assert export[-1] == "yes"


# --- a tiny database: Datasette's flat table, and one whole run ------------------

ENTRIES = 6  # approved; one more is submitted (never public)


@pytest.fixture(scope="module")
def tiny_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "tiny.db"
    url = f"sqlite:///{path}"
    build_template(url, demo=False)
    frequent = search_words()["FREQUENT_WORD"]
    engine = make_engine(url)
    with Session(engine) as session:
        for number in range(ENTRIES):
            in_egypt = number < 3
            make_project(
                session,
                title={"ar": f"مشروع {number}", "en": f"Project {number}"},
                summary={"ar": f"{frequent} {number}" if number % 2 else "نص"},
                action_lines=["C7.4", "C4"] if in_egypt else ["C7.1"],
                primary_action_line="C7.4" if in_egypt else "C7.1",
                countries=["EG"] if in_egypt else ["TN", "MA"],
                sdgs=[3],
                start_date="2022-03-01",
                end_date="2024-06-30" if number == 0 else None,
            )
        make_project(session, status=ProjectStatus.SUBMITTED, countries=["EG"])
    engine.dispose()
    return path


class TestDatasetteCopy:
    def test_one_row_per_published_entry_with_json_arrays(
        self, tiny_database: Path, tmp_path: Path
    ) -> None:
        flat = tmp_path / "bench.db"
        assert datasette.build_flat_copy(tiny_database, flat) == ENTRIES
        connection = sqlite3.connect(flat)
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT title_en, action_lines, countries, sdgs, years, start_year "
            "FROM project_flat"
        ).fetchall()
        indexes = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'project_flat'"
            )
        }
        connection.close()
        by_title = {row["title_en"]: row for row in rows}
        first = by_title["Project 0"]
        assert json.loads(first["action_lines"]) == ["C4", "C7.4"]
        assert json.loads(first["countries"]) == ["EG"]
        assert json.loads(first["sdgs"]) == [3]
        assert json.loads(first["years"]) == [2022, 2023, 2024]
        assert first["start_year"] == 2022
        # No end: running to the last year any entry starts or ends in (2024).
        assert json.loads(by_title["Project 5"]["years"]) == [2022, 2023, 2024]
        assert json.loads(by_title["Project 5"]["countries"]) == ["MA", "TN"]
        assert {f"ix_project_flat_{c}" for c in datasette.INDEXED} <= indexes

    def test_equivalents_ask_for_eight_and_four_facets(self) -> None:
        probe = Probe("EG", 3, "machine_learning", ("x",), ENTRIES, search_words())
        closest, native = datasette.scenarios(probe)
        assert closest.paths[0].startswith("/bench/project_flat.json?")
        assert "action_lines__arraycontains=C7.4" in closest.paths[0]
        assert "countries__arraycontains=EG" in closest.paths[0]
        facets = closest.paths[0].count("_facet_array=") + closest.paths[0].count(
            "_facet="
        )
        assert facets == 8
        assert "implementation_status=ongoing" in native.paths[0]
        assert native.paths[0].count("_facet=") == 4


@contextmanager
def served(database: Path) -> Iterator[run.Server]:
    """bench.ceiling's app on `database`, by uvicorn in a thread of this process
    (bench.run starts it as a subprocess; importing the app again there would
    cost this smoke test seconds)."""
    settings = Settings(database_url=f"sqlite:///{database}", environment="test")
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        yield run.Server(
            url, os.getpid(), startup=0.0, rss_bytes=0, warm_up=0.0, warm_rss_bytes=0
        )
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


class TestRun:
    def test_every_scenario_is_measured_without_errors(
        self, tiny_database: Path, tmp_path: Path
    ) -> None:
        database = tmp_path / "copy.db"
        database.write_bytes(tiny_database.read_bytes())
        plan = run.Plan(requests=2, duration=2, concurrency=1, warmup=1, cache=tmp_path)
        report = run.Report()
        with served(database) as server:
            probe = run.bench_server(
                "sqlite", server, plan, report, run.sqlite_url(database)
            )
        markdown = run.format_report(report)

        # The filter values were found in the data: e-health is Egyptian here.
        assert (probe.country, probe.sdg, probe.entries) == ("EG", 3, ENTRIES)
        assert len(probe.project_ids) == 5
        measured = {}
        for scenario in scenarios(probe):
            (row,) = _cells(markdown, scenario.title)
            measured[scenario.name] = row
        assert {row[1] for row in measured.values()} == {"sqlite"}
        assert {row[6] for row in measured.values()} == {"0/2"}, measured
        # No error and no warm-up error; only the warning that 2 requests
        # make poor percentiles, once per scenario, and the worker's memory.
        *warnings, memory = report.notes
        assert len(warnings) == len(measured)
        assert all("2 measured requests" in note for note in warnings)
        assert re.fullmatch(r"sqlite: \d+ MB RSS after the scenarios .*", memory)
        # Entries matched: all; the 3 Egyptian e-health ones; the frequent
        # word's 3 (entries 1, 3, 5); pages and details say nothing.
        assert measured["listing"][7] == str(ENTRIES)
        assert measured["listing_filtered"][7] == "3"
        assert measured["text_ar_frequent"][7] == "3"
        assert measured["detail_page"][7] == "—"
        assert measured["ceiling"][8] == "100.0"
        (export,) = _cells(markdown, "sqlite")
        assert export[1:3] == [str(ENTRIES), "200"]
        download = report.exports[0].result
        assert download.size_bytes > 1000  # a header and six rows, at least
        assert download.samples >= 1  # the server's memory was sampled

    def test_arguments(self) -> None:
        arguments = run.parse_arguments(
            ["--backends", "sqlite", "--requests", "5", "--no-datasette"]
        )
        assert arguments.backends == ["sqlite"]
        assert (arguments.requests, arguments.duration) == (5, 20)
        assert arguments.projects == 100_000
        assert arguments.no_datasette
        assert arguments.output == run.ROOT / "bench" / "RESULTS.md"
        with pytest.raises(SystemExit):
            run.parse_arguments(["--backends", "mysql"])
