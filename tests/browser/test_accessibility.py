"""Every page passes axe-core with no serious or critical violation, in Arabic
(right to left), English and French; each audited page is photographed.

To audit another page, add a row to PAGES: its name (the screenshot's file
name), its path, who looks at it (None: an anonymous visitor; otherwise the
live site's Tunisian contributor or focal point, moderator or admin) and the
status it answers. tests/browser/test_layout.py checks the same pages' reflow.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from app.config import Settings
from app.models import Role
from app.schemas.project import ProjectUpdate
from app.services import revisions
from seeds.demo import sample_public_id
from tests.browser.axe import audit, blocking, report
from tests.browser.conftest import ON_ONE_BACKEND, LiveSite, OpenContext
from tests.factories import make_project

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

SCREENSHOTS = Path(__file__).parent / "screenshots"
LANGUAGES = ["ar", "en", "fr"]
SAMPLE = sample_public_id("tn-03")  # a Tunisian demo entry, filed under C7.3


@dataclass(frozen=True)
class AuditedPage:
    name: str
    path: str
    role: Role | None = None
    status: int = 200


PAGES = [
    AuditedPage("home", "/"),
    AuditedPage("catalog", "/projects"),
    AuditedPage("catalog-search", "/projects?action_line=C7&country=TN&q=لغة الإشارة"),
    AuditedPage("project", f"/projects/{SAMPLE}"),
    AuditedPage("country-profile", "/countries/TN"),
    AuditedPage("compare", "/compare?country=TN&country=MA&country=EG"),
    AuditedPage("action-line", "/action-lines/C7.3"),
    AuditedPage("dashboard", "/dashboard"),
    AuditedPage("dashboard-filtered", "/dashboard?action_line=C7.4&sub_region=maghreb"),
    AuditedPage("map", "/map"),
    AuditedPage("map-filtered", "/map?action_line=C7"),
    AuditedPage("about", "/about"),
    AuditedPage("methodology", "/methodology"),
    AuditedPage("licence", "/licence"),
    AuditedPage("contact", "/contact"),
    AuditedPage("login", "/login"),
    AuditedPage("register", "/register"),
    AuditedPage("not-found", "/projects/NOSUCHENTRY", status=404),
    AuditedPage("home-admin", "/", role=Role.ADMIN),
    AuditedPage("my-entries", "/me/projects", role=Role.CONTRIBUTOR),
    AuditedPage("moderation", "/moderation", role=Role.MODERATOR),
    AuditedPage("new-entry", "/projects/new", role=Role.CONTRIBUTOR),
    AuditedPage("review", f"/moderation/{SAMPLE}", role=Role.MODERATOR),
    AuditedPage("admin-users", "/admin/users", role=Role.ADMIN),
]


def in_language(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


class TestAccessibility:
    @pytest.mark.parametrize("lang", LANGUAGES)
    @pytest.mark.parametrize("audited", PAGES, ids=lambda audited: audited.name)
    def test_page_has_no_serious_or_critical_violation(
        self, open_context: OpenContext, audited: AuditedPage, lang: str
    ) -> None:
        page = open_context(audited.role).new_page()
        response = page.goto(in_language(audited.path, lang))
        assert response is not None
        assert response.status == audited.status

        found = blocking(audit(page))

        assert not found, f"{audited.path} in {lang}:\n{report(found)}"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{audited.name}-{lang}.png", full_page=True)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_entry_form_with_its_errors_has_no_serious_or_critical_violation(
        self, open_context: OpenContext, lang: str
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto(in_language("/projects/new", lang))
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click('button[value="submit"]')  # nothing filled in: 422
        assert posted.value.status == 422
        expect(page.locator("#error-summary")).to_be_focused()

        found = blocking(audit(page))

        assert not found, f"the entry form with errors in {lang}:\n{report(found)}"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(
            path=SCREENSHOTS / f"new-entry-errors-{lang}.png", full_page=True
        )

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_review_of_a_revision_has_no_serious_or_critical_violation(
        self, open_context: OpenContext, live_site: LiveSite, lang: str
    ) -> None:
        public_id = pending_revision(live_site)
        page = open_context(Role.MODERATOR).new_page()
        page.goto(in_language(f"/moderation/{public_id}", lang))
        expect(page.locator("table.diff ins").first).to_be_visible()

        found = blocking(audit(page))

        assert not found, f"a revision's review in {lang}:\n{report(found)}"
        SCREENSHOTS.mkdir(exist_ok=True)
        shot = SCREENSHOTS / f"review-revision-{lang}.png"
        page.screenshot(path=shot, full_page=True)


def pending_revision(site: LiveSite) -> str:
    """A published entry of the site's contributor with changes awaiting review."""
    contributor = site.people[Role.CONTRIBUTOR]
    with Session(site.engine) as session:
        entry = make_project(session, owner=contributor)
        revisions.edit_project(
            session,
            public_id=entry.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {"version": entry.version, "website": "https://revised.example"}
            ),
            settings=Settings(environment="test"),
        )
        return entry.public_id
