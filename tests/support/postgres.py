"""A throwaway PostgreSQL cluster for the test session.

Debian's `postgresql` package provides the binaries; the cluster lives in a
temporary directory on a free loopback port and is removed afterwards.
PostgreSQL refuses to run as root, so as root the server runs as `postgres`.
Set STOCKTAKING_TEST_POSTGRES_URL to use an existing server instead.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Throwaway data: durability settings off make the suite several times faster.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=200"
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
