"""The app served by uvicorn on a loopback port, for a real browser.

The server runs in a thread of the test process, so coverage counts the code
the browser reaches. Its socket is bound before the thread starts: no race for
the port.
"""

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from app.config import Settings
from app.main import create_app

STARTUP_SECONDS = 30


def _wait_until_healthy(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the live server stopped while starting")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the live server did not answer {url}/healthz in time")


@contextmanager
def live_server(database_url: str) -> Iterator[str]:
    """Serve `create_app` on `database_url`; yield its base URL, then stop it."""
    app = create_app(Settings(database_url=database_url, environment="test"))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server"
    )
    thread.start()
    try:
        _wait_until_healthy(url, thread)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()
