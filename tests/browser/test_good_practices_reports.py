"""The good-practice and problem-report pages pass axe-core with no serious or
critical violation in Arabic, English and French (their forms with their
errors too), and the browser refuses nothing on them under the
Content-Security-Policy (the `open_context` fixture fails on any refusal)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete
from sqlmodel import Session, col

from app.config import Settings
from app.models import Project, Role, User
from app.models.exchange import ProblemKind
from app.schemas.good_practices import DesignationIn
from app.schemas.reports import ReportIn
from app.services import designations, moderation, reports
from tests.browser.axe import audit, blocking, report
from tests.browser.conftest import ON_ONE_BACKEND, LiveSite, OpenContext
from tests.factories import make_user
from tests.factories_exchange import make_entry_of

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

LANGUAGES = ["ar", "en", "fr"]
SETTINGS = Settings(environment="test")
SCREENSHOTS = Path(__file__).parent / "screenshots"


@dataclass(frozen=True)
class Made:
    plain: str  # a published Moroccan entry, not designated, reported once
    designated: str  # a published Moroccan entry, a good practice
    report_id: int


@pytest.fixture(scope="module")
def made(live_site: LiveSite) -> Iterator[Made]:
    """Two published entries (one a good practice) and a report on the other,
    filed by the site's contributor; afterwards the designation is withdrawn
    and both entries leave the public lists (the live site is shared by the
    browser tests)."""
    with Session(live_site.engine) as session:
        moderator = session.get(User, live_site.people[Role.MODERATOR].id)
        reader = session.get(User, live_site.people[Role.CONTRIBUTOR].id)
        assert moderator is not None
        assert reader is not None
        owner = make_user(session, country="MA", full_name="Youssef (Morocco)")
        plain = make_entry_of(session, "MA", owner=owner)
        designated = make_entry_of(
            session,
            "MA",
            owner=owner,
            title={"ar": "الطب عن بعد في المغرب", "en": "Moroccan telehealth"},
        )
        designations.designate(
            session,
            public_id=designated.public_id,
            moderator=moderator,
            data=DesignationIn(
                citation_ar="خفّض أوقات الانتظار في العيادات الريفية إلى النصف.",
                citation_en="Cut waiting times in rural clinics by half.",
                year=2025,
                framework="WSIS Prize 2025",
            ),
            settings=SETTINGS,
        )
        filed = reports.report_problem(
            session,
            public_id=plain.public_id,
            reporter=reader,
            data=ReportIn(kind=ProblemKind.BROKEN_LINK, details="The site is down."),
            settings=SETTINGS,
        )
        plain_id = plain.id
        found = Made(plain.public_id, designated.public_id, filed.id)
    yield found
    with Session(live_site.engine) as session:
        moderator = session.get(User, live_site.people[Role.MODERATOR].id)
        assert moderator is not None
        # A designated entry has a history, which nothing deletes: it loses
        # its designation and leaves the public lists, archived.
        designations.withdraw(
            session,
            public_id=found.designated,
            moderator=moderator,
            reason="The audit is over.",
        )
        moderation.decide(
            session,
            public_id=found.designated,
            moderator=moderator,
            action="archive",
            reason=None,
            settings=SETTINGS,
        )
        # The other goes, and its report with it.
        session.execute(delete(Project).where(col(Project.id) == plain_id))
        session.commit()


def _audited(page: Page, name: str, lang: str) -> None:
    found = blocking(audit(page))
    assert not found, f"{name} in {lang}:\n{report(found)}"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{lang}.png", full_page=True)


# (screenshot name, who, path, what must be on the page)
PAGES = [
    ("good-practices", None, "/good-practices", ".good-practice-card"),
    (
        "review-designate",
        Role.MODERATOR,
        "/moderation/{plain}",
        "#f-citation_en",
    ),
    (
        "review-withdraw",
        Role.MODERATOR,
        "/moderation/{designated}",
        "#f-withdrawal-reason",
    ),
    ("report-form", Role.CONTRIBUTOR, "/projects/{plain}/report", "#f-report-kind"),
    (
        "reports-desk",
        Role.MODERATOR,
        "/moderation/reports",
        "a[href^='/moderation/reports/{report_id}?']",
    ),
    ("report-page", Role.MODERATOR, "/moderation/reports/{report_id}", "#f-resolution"),
]


class TestAccessibility:
    @pytest.mark.parametrize("lang", LANGUAGES)
    @pytest.mark.parametrize(
        ("name", "role", "path", "shown"), PAGES, ids=[row[0] for row in PAGES]
    )
    def test_page_has_no_serious_or_critical_violation(
        self,
        open_context: OpenContext,
        made: Made,
        name: str,
        role: Role | None,
        path: str,
        shown: str,
        lang: str,
    ) -> None:
        fields = {
            "plain": made.plain,
            "designated": made.designated,
            "report_id": made.report_id,
        }
        page = open_context(role).new_page()
        response = page.goto(f"{path.format(**fields)}?lang={lang}")
        assert response is not None
        assert response.status == 200
        expect(page.locator(shown.format(**fields)).first).to_be_attached()

        _audited(page, name, lang)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_designation_form_with_its_errors(
        self, open_context: OpenContext, made: Made, lang: str
    ) -> None:
        page = open_context(Role.MODERATOR).new_page()
        page.goto(f"/moderation/{made.plain}?lang={lang}")
        page.fill("#f-year", "2025")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("form[action*='/good-practice?'] button[type=submit]")
        assert posted.value.status == 422  # no citation in any language
        expect(page.locator("#e-citation")).to_be_visible()

        _audited(page, "review-designate-errors", lang)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_report_form_with_its_errors(
        self, open_context: OpenContext, made: Made, lang: str
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto(f"/projects/{made.plain}/report?lang={lang}")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(".report-form button[type=submit]")  # no kind chosen
        assert posted.value.status == 422
        expect(page.locator("#e-f-report-kind")).to_be_visible()

        _audited(page, "report-form-errors", lang)
