"""Fixtures for the browser tests: a live server per backend, one Chromium.

The server is the real app served by uvicorn on loopback, on its own copy of
the demo database (the templates stay untouched for the other tests). The
browser is Debian's `chromium` driven by Playwright; each test gets fresh
contexts (no cookies shared), anonymous or signed in as a role. A test fails
(at teardown) if Chromium refused anything under the Content-Security-Policy.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.deps import SESSION_COOKIE
from app.models import Role, TokenPurpose, User
from app.services import accounts
from tests.factories import make_user
from tests.support.databases import clone_database, drop_postgres_database
from tests.support.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: scripts/install-browser.sh
# Headless, as root (no sandbox), and nothing that would reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

# Who the signed-in contexts are: (role, country, name).
PEOPLE = {
    Role.CONTRIBUTOR: ("TN", "Amal (Tunisia)"),
    Role.FOCAL_POINT: ("TN", "Salma (Tunisia)"),
    Role.MODERATOR: (None, "Mona (AICTO)"),
    Role.ADMIN: (None, "Adel (AICTO)"),
}


@dataclass
class LiveSite:
    """The served app: its base URL, its database and one account per role."""

    url: str
    engine: Engine
    people: dict[Role, User] = field(default_factory=dict)

    def session_cookie(self, role: Role) -> str:
        """A new sign-in secret for the `role` account (as the /login form gives)."""
        with Session(self.engine) as session:
            secret, _token = accounts.sign_in(
                session,
                user=self.people[role],
                purpose=TokenPurpose.SESSION,
                settings=Settings(environment="test"),
            )
        return secret


# What a page shows, how it reads and what the browser refuses do not depend on
# the database: the pages' database code runs on both backends in tests/web.
# These audits, the slowest tests, run on SQLite alone; the journeys in
# test_workflow.py run on both.
ON_ONE_BACKEND = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def live_site(
    backend: str,
    demo_template: str,
    server_url: str | None,
    postgres_engines: dict[str, Engine],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveSite]:
    """The app on a private copy of the demo database, served on loopback."""
    if demo_template in postgres_engines:
        # The tests' pooled connections to the template would block the copy.
        postgres_engines[demo_template].dispose()
    database_url = clone_database(
        demo_template, tmp_path_factory.mktemp(f"live-{backend}"), server_url
    )
    engine = make_engine(database_url)
    site_people: dict[Role, User] = {}
    with Session(engine, expire_on_commit=False) as session:
        for role, (country, name) in PEOPLE.items():
            site_people[role] = make_user(
                session, role=role, country=country, full_name=name
            )
    with live_server(database_url) as url:
        yield LiveSite(url, engine, site_people)
    engine.dispose()
    if server_url is not None:
        drop_postgres_database(server_url, str(make_url(database_url).database))


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the browser tests (starting one takes ~1 s).

    Not for the whole session: while Playwright's sync API runs, the main
    thread counts as inside an event loop, and `asyncio.run()` would fail in
    the tests that come after.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


OpenContext = Callable[[Role | None], BrowserContext]

# Every frame (the charts in <object> too) reports what the policy refused.
# Init scripts are not subject to the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI} on ${document.URL}`
  );
}, true);
"""


@dataclass
class CspViolations:
    """What Chromium refused under the Content-Security-Policy during a test,
    from the console ("... violates the following Content Security Policy
    directive ...") and from `securitypolicyviolation` events."""

    seen: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect(self, blocked: str) -> None:
        """Accept refusals that mention `blocked` (a known, wanted refusal)."""
        self.expected.append(blocked)

    def watch(self, context: BrowserContext) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                self.seen.append(message.text)

        def on_report(refusal: str) -> None:
            self.seen.append(refusal)

        context.on("console", on_console)
        context.expose_function("reportCspViolation", on_report)
        context.add_init_script(REPORT_CSP_VIOLATIONS)

    def unexpected(self) -> list[str]:
        return [
            refusal
            for refusal in dict.fromkeys(self.seen)
            if not any(blocked in refusal for blocked in self.expected)
        ]


@pytest.fixture
def csp_violations() -> CspViolations:
    return CspViolations()


@pytest.fixture
def open_context(
    browser: Browser, live_site: LiveSite, csp_violations: CspViolations
) -> Iterator[OpenContext]:
    """`open_context(role)`: a fresh browser context on the live site, signed in
    as the `role` account (a Tunisian contributor or focal point, a moderator,
    an admin), or anonymous for None. Relative URLs go to the live site.

    At teardown, fails if any of its pages had something refused by the CSP.
    """
    contexts: list[BrowserContext] = []

    def open_as(role: Role | None) -> BrowserContext:
        context = browser.new_context(base_url=live_site.url, viewport=VIEWPORT)
        csp_violations.watch(context)
        if role is not None:
            cookie = live_site.session_cookie(role)
            context.add_cookies(
                [{"name": SESSION_COOKIE, "value": cookie, "url": live_site.url}]
            )
        contexts.append(context)
        return context

    yield open_as
    for context in contexts:
        context.close()  # after the pending console events are delivered
    refused = csp_violations.unexpected()
    assert not refused, "refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture
def page(open_context: OpenContext) -> Page:
    """An anonymous visitor's page."""
    return open_context(None).new_page()
