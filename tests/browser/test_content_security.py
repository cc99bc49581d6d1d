"""Pages that run third-party or embedded code still work under their
Content-Security-Policy: the API references and the dashboard's charts.

Every browser test fails if Chromium refuses anything (tests/browser/conftest.py);
these check that what the policy lets through still renders and responds.
"""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ON_ONE_BACKEND, CspViolations

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

API_TITLE = "AICTO Arab AI and Emerging Technology Initiatives Repository"
# ReDoc's sidebar shows Redocly's logo from a CDN; the policy refusing it is
# the point (the app loads nothing from elsewhere), and ReDoc then hides it.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# ReDoc lays the page out, then indexes it for search (in its worker), after
# parsing the whole schema: seconds, not milliseconds.
REDOC_RENDERING_MS = 30_000


class TestSwaggerUi:
    def test_visitor_reads_and_tries_the_api(self, page: Page) -> None:
        page.goto("/docs")

        expect(page.locator(".swagger-ui .info .title")).to_contain_text(API_TITLE)
        page.locator(".opblock-summary", has_text="/healthz").click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        answer = page.locator(".live-responses-table tr.response .response-col_status")
        expect(answer).to_have_text("200")


class TestRedoc:
    def test_visitor_reads_and_searches_the_api(
        self, page: Page, csp_violations: CspViolations
    ) -> None:
        csp_violations.expect(REDOCLY_LOGO)
        page.goto("/redoc")

        expect(page.locator("h1").first).to_contain_text(
            API_TITLE, timeout=REDOC_RENDERING_MS
        )
        # The search index runs in ReDoc's worker (worker-src blob:).
        page.get_by_placeholder("Search...").fill("healthz")
        expect(page.locator("[data-role='search:results']")).to_contain_text(
            "Health check", timeout=REDOC_RENDERING_MS
        )


class TestCharts:
    def test_visitor_sees_the_charts_and_opens_a_bar_in_the_catalog(
        self, page: Page
    ) -> None:
        page.goto("/dashboard?lang=en")
        bar = page.locator("#chart-action-lines svg a").first

        expect(bar).to_be_visible()
        bar.click()

        expect(page).to_have_url(re.compile(r"/projects\?action_line=C1&lang=en$"))
        expect(page.locator("h1")).to_be_visible()
