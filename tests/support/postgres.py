"""A throwaway PostgreSQL cluster for the test session.

Debian's `postgresql` package provides the binaries; the cluster lives in a
temporary directory on a free loopback port and is removed afterwards.
PostgreSQL refuses to run as root, so as root the server runs as `postgres`.
Set STOCKTAKING_TEST_POSTGRES_URL to use an existing server instead.

`postgres_replica()` adds a streaming replica of such a cluster (a base backup
started as a hot standby), for the read-replica tests.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Throwaway data: durability settings off make the suite several times faster.
# Replicas need wal_level=replica and WAL senders (PostgreSQL's defaults, made
# explicit here); initdb's pg_hba.conf already trusts replication on 127.0.0.1.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=200 "
    "-c wal_level=replica -c max_wal_senders=4"
)


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is not installed: run the README's test command "
            "(it installs Debian's postgresql package)"
        )
    return candidates[-1].parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run_as_owner(args: list[str]) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + args, check=True, capture_output=True, text=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a cluster; yield a SQLAlchemy URL to its `postgres` database."""
    existing = os.environ.get("STOCKTAKING_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="stocktaking-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, log, port = root / "data", root / "server.log", _free_port()
    try:
        _run_as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        )
        _run_as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-p {port} -k {root} {SERVER_OPTIONS}",
                "start",
            ]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            _run_as_owner(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            )
        shutil.rmtree(root, ignore_errors=True)


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {seconds} s for {what}")
        time.sleep(0.02)


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@dataclass
class Replica:
    """A running hot standby of a test cluster; `url` names its `postgres` database."""

    url: str
    primary_url: str
    data: Path
    log: Path
    root: Path
    port: int
    bindir: Path

    def start(self) -> None:
        """Start it and wait until it accepts read-only queries in recovery."""
        _run_as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                f"-p {self.port} -k {self.root} {SERVER_OPTIONS}",
                "start",
            ]
        )
        wait_until(
            lambda: _scalar(self.url, "SELECT pg_is_in_recovery()") is True,
            seconds=30,
            what="the replica to be in recovery",
        )

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def stop(self) -> None:
        if self.running:
            _run_as_owner(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "stop",
                ]
            )

    def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written.

        With synchronous_commit=off the last records may sit unflushed (so
        unsent) for seconds: a synchronous commit after them flushes them.
        """
        engine = create_engine(self.primary_url)
        try:
            with engine.begin() as connection:
                target = connection.execute(
                    text("SELECT pg_current_wal_insert_lsn()::text")
                ).scalar()
                connection.execute(text("SET LOCAL synchronous_commit = on"))
                connection.execute(text("SELECT pg_current_xact_id()"))  # a commit
        finally:
            engine.dispose()
        wait_until(
            lambda: (
                _scalar(
                    self.url, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
                )
                is True
            ),
            seconds=30,
            what=f"the replica to replay the primary's WAL up to {target}",
        )

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Replay paused: the replica keeps answering, with what it had."""
        _scalar(self.url, "SELECT pg_wal_replay_pause()")
        wait_until(
            lambda: (
                _scalar(self.url, "SELECT pg_get_wal_replay_pause_state()") == "paused"
            ),
            seconds=30,
            what="replay to pause on the replica",
        )
        try:
            yield
        finally:
            if self.running:
                _scalar(self.url, "SELECT pg_wal_replay_resume()")


def _drop_slot(primary_url: str, slot: str) -> None:
    """Drop the replica's slot once its WAL sender has gone (after a stop)."""
    active = (
        "SELECT count(*) FROM pg_replication_slots"
        f" WHERE slot_name = '{slot}' AND active"
    )
    wait_until(
        lambda: _scalar(primary_url, active) == 0,
        seconds=30,
        what=f"replication slot {slot} to be released",
    )
    _scalar(
        primary_url,
        "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
        f" WHERE slot_name = '{slot}'",
    )


@contextmanager
def postgres_replica(primary_url: str) -> Iterator[Replica]:
    """Start a streaming replica of the cluster `postgres_server()` started at
    `primary_url`; yield it running, stop and remove it afterwards.

    A replication slot keeps the WAL the replica has not received yet, so it
    catches up even after being stopped for a while; it is dropped afterwards.
    """
    primary = make_url(primary_url)
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="stocktaking-pg-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    slot = f"replica_{uuid.uuid4().hex[:12]}"
    replica = Replica(
        url=primary.set(port=port).render_as_string(hide_password=False),
        primary_url=primary_url,
        data=root / "data",
        log=root / "server.log",
        root=root,
        port=port,
        bindir=bindir,
    )
    try:
        _run_as_owner(
            [
                str(bindir / "pg_basebackup"),
                "-D",
                str(replica.data),
                "-h",
                str(primary.host),
                "-p",
                str(primary.port),
                "-U",
                str(primary.username or "postgres"),
                "-R",  # standby.signal + primary_conninfo: start as a standby
                "-X",
                "stream",
                "-C",
                "-S",
                slot,
                "--checkpoint=fast",  # do not wait for a spread checkpoint
                "--no-sync",  # throwaway data, like the primary's fsync=off
            ]
        )
        replica.start()
        yield replica
    finally:
        replica.stop()
        shutil.rmtree(root, ignore_errors=True)
        _drop_slot(primary_url, slot)
