"""A bounded HTTP load generator, and a memory-watching download.

`run_load` sends at most `requests` requests and starts none after `duration`
seconds, whichever comes first, from `concurrency` threads. Each thread has its
own `httpx.Client`, so its connection is kept alive between requests, as a
browser's or an API client's would be. Every request's latency and status are
recorded; an error is a status outside 2xx or an exception (timeout, refused
connection, ...).

`measure_download` streams one large response (the CSV export) while a second
thread samples the server process's resident memory every 50 ms.
"""

import math
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]  # psutil ships no type information

MEBIBYTE = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, interpolating linearly between
    the two nearest ranks (numpy's default, spreadsheet PERCENTILE.INC)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


@dataclass(frozen=True)
class Outcome:
    """One request: how long it took, its status (None if it raised), and the
    exception's description if it did."""

    seconds: float
    status: int | None
    exception: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class LoadResult:
    """The measured requests of one scenario (warm-up excluded)."""

    outcomes: list[Outcome]
    # From the moment every thread was ready to the end of the last request.
    elapsed: float
    concurrency: int
    warmup_errors: int = 0
    statuses: Counter[int | None] = field(init=False)

    def __post_init__(self) -> None:
        self.statuses = Counter(outcome.status for outcome in self.outcomes)

    @property
    def requests(self) -> int:
        return len(self.outcomes)

    @property
    def errors(self) -> int:
        return sum(not outcome.ok for outcome in self.outcomes)

    @property
    def throughput(self) -> float:
        """Completed requests per second (errors included: they took time too)."""
        return self.requests / self.elapsed if self.elapsed > 0 else 0.0

    def latency_ms(self, q: float) -> float:
        return percentile([o.seconds for o in self.outcomes], q) * 1000

    def first_exception(self) -> str | None:
        return next((o.exception for o in self.outcomes if o.exception), None)


def _get(client: httpx.Client, path: str) -> Outcome:
    started = time.perf_counter()
    try:
        response = client.get(path)  # reads the whole body
    except httpx.HTTPError as error:
        return Outcome(time.perf_counter() - started, None, repr(error))
    return Outcome(time.perf_counter() - started, response.status_code)


def run_load(
    base_url: str,
    paths: Sequence[str],
    *,
    requests: int,
    duration: float,
    concurrency: int = 1,
    warmup: int = 0,
    timeout: float = 120.0,
    before: Callable[[], None] | None = None,
) -> LoadResult:
    """GET `paths` in turn (request i asks for paths[i % len(paths)]) until
    `requests` have been sent or `duration` seconds have passed; `before`, if
    given, runs before each request (its time is not the request's).

    Before the clock starts, the threads send `warmup` requests between them
    (rounded up to the same number each, so each thread's connection is open
    when the clock starts); these are not measured, only their errors counted.
    A request running when the duration ends is waited for and counted.
    """
    if not paths:
        raise ValueError("no paths to request")
    if requests < 1 or concurrency < 1 or duration <= 0:
        raise ValueError("requests, concurrency and duration must be positive")
    tickets = count()
    tickets_lock = threading.Lock()
    clock: dict[str, float] = {}

    def start_clock() -> None:
        clock["start"] = time.perf_counter()

    ready = threading.Barrier(concurrency, action=start_clock)
    warmup_each = math.ceil(warmup / concurrency) if warmup else 0

    def worker(index: int) -> tuple[list[Outcome], int, float]:
        try:
            return measure(index)
        except BaseException:
            ready.abort()  # the other threads stop waiting for this one
            raise

    def measure(index: int) -> tuple[list[Outcome], int, float]:
        outcomes: list[Outcome] = []
        warmup_errors = 0
        with httpx.Client(base_url=base_url, timeout=timeout) as client:
            for number in range(warmup_each):
                if before is not None:
                    before()
                warm = _get(client, paths[(index * warmup_each + number) % len(paths)])
                warmup_errors += not warm.ok
            ready.wait()
            deadline = clock["start"] + duration
            finished = clock["start"]
            while time.perf_counter() < deadline:
                with tickets_lock:
                    ticket = next(tickets)
                if ticket >= requests:
                    break
                if before is not None:
                    before()
                outcomes.append(_get(client, paths[ticket % len(paths)]))
                finished = time.perf_counter()
        return outcomes, warmup_errors, finished

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        done = [
            f.result() for f in [pool.submit(worker, i) for i in range(concurrency)]
        ]
    outcomes = [outcome for part, _errors, _end in done for outcome in part]
    elapsed = max(end for _part, _errors, end in done) - clock["start"]
    return LoadResult(
        outcomes=outcomes,
        elapsed=elapsed,
        concurrency=concurrency,
        warmup_errors=sum(errors for _part, errors, _end in done),
    )


@dataclass(frozen=True)
class DownloadResult:
    """One streamed response and the server's memory while it was sent."""

    status: int | None
    seconds: float
    size_bytes: int
    rss_before_bytes: int
    rss_peak_bytes: int
    samples: int
    exception: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def rss_growth_bytes(self) -> int:
        return max(0, self.rss_peak_bytes - self.rss_before_bytes)


def measure_download(
    base_url: str,
    path: str,
    *,
    server_pid: int,
    interval: float = 0.05,
    timeout: float = 600.0,
) -> DownloadResult:
    """GET `path`, reading the body as it streams in (and discarding it), while
    sampling the resident set size of process `server_pid` every `interval`
    seconds. The growth is the peak minus the size just before the request."""
    server = psutil.Process(server_pid)
    before = int(server.memory_info().rss)
    peak = before
    samples = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, samples
        while not stop.is_set():
            peak = max(peak, int(server.memory_info().rss))
            samples += 1
            stop.wait(interval)

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    size = 0
    status: int | None = None
    exception: str | None = None
    started = time.perf_counter()
    try:
        with (
            httpx.Client(base_url=base_url, timeout=timeout) as client,
            client.stream("GET", path) as response,
        ):
            status = response.status_code
            for chunk in response.iter_raw():
                size += len(chunk)
    except httpx.HTTPError as error:
        exception = repr(error)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak = max(peak, int(server.memory_info().rss))
    return DownloadResult(
        status=status,
        seconds=seconds,
        size_bytes=size,
        rss_before_bytes=before,
        rss_peak_bytes=peak,
        samples=samples,
        exception=exception,
    )


def wait_until_up(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    *,
    name: str,
    seconds: float,
    ready: Callable[[httpx.Response], bool] = lambda _response: True,
) -> None:
    """Poll `url` until it answers 200 and the answer is `ready`; fail with the
    end of `log` if `process` (the server `name`) stops first, or after
    `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} stopped while starting; see {log}:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200 and ready(response):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer {url} in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server: politely, then by force after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
