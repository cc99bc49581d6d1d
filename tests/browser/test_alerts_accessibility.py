"""The alerts' pages pass axe-core with no serious or critical violation in
Arabic, English and French, and the browser refuses nothing on them under the
Content-Security-Policy (the `open_context` fixture fails on any refusal)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete
from sqlmodel import Session, col

from app.config import Settings
from app.models import Project, Role, User
from app.models.exchange import SavedSearch
from app.services import alert_links, subscriptions
from tests.browser.axe import audit, blocking, report
from tests.browser.conftest import ON_ONE_BACKEND, LiveSite, OpenContext
from tests.factories import make_project
from tests.fixtures.alerts import make_saved_search

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

LANGUAGES = ["ar", "en", "fr"]
SETTINGS = Settings(environment="test")  # the live site's secret key
SCREENSHOTS = Path(__file__).parent / "screenshots"


@dataclass(frozen=True)
class Alerts:
    followed: str  # an entry the site's contributor follows
    not_followed: str  # one they do not: its page shows the Follow button
    stop_search: str  # the unsubscribe links' paths
    stop_follow: str


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def alerts(live_site: LiveSite) -> Iterator[Alerts]:
    """The contributor's saved search and followed entry, and an entry they do
    not follow; all removed afterwards (the live site is shared by the
    browser tests)."""
    with Session(live_site.engine) as session:
        contributor = session.get(User, live_site.people[Role.CONTRIBUTOR].id)
        assert contributor is not None
        assert contributor.id is not None
        search = make_saved_search(session, contributor, "action_line=C7.3&sdg=4")
        followed = make_project(
            session, title={"ar": "منصة للتعليم عن بعد", "en": "Distance learning"}
        )
        not_followed = make_project(
            session, title={"ar": "عيادات متنقلة", "en": "Mobile clinics"}
        )
        subscriptions.follow(session, user=contributor, public_id=followed.public_id)
        assert followed.id is not None
        found = Alerts(
            followed=followed.public_id,
            not_followed=not_followed.public_id,
            stop_search=_path(
                alert_links.unsubscribe_url(
                    SETTINGS, alert_links.search_payload(search)
                )
            ),
            stop_follow=_path(
                alert_links.unsubscribe_url(
                    SETTINGS, alert_links.follow_payload(contributor.id, followed.id)
                )
            ),
        )
        entry_ids = [followed.id, not_followed.id]
        search_id = search.id
    yield found
    with Session(live_site.engine) as session:  # the follow goes with its entry
        session.execute(delete(SavedSearch).where(col(SavedSearch.id) == search_id))
        session.execute(delete(Project).where(col(Project.id).in_(entry_ids)))
        session.commit()


def _audited(page_name: str, lang: str, page: Page) -> None:
    found = blocking(audit(page))
    assert not found, f"{page_name} in {lang}:\n{report(found)}"


class TestAccessibility:
    @pytest.mark.usefixtures("alerts")
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_my_alerts_with_a_saved_search_and_a_followed_entry(
        self, open_context: OpenContext, lang: str
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto(f"/me/alerts?lang={lang}")
        expect(page.locator(".alerts-page .feed-url")).to_have_count(1)
        expect(page.locator(".alerts-page .followed li")).to_have_count(1)
        _audited("/me/alerts", lang, page)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"alerts-{lang}.png", full_page=True)

        page.goto(f"/me/alerts?lang={lang}&save=" + quote("sdg=4&q=health"))
        expect(page.locator("#f-name")).to_be_visible()
        _audited("/me/alerts with a search to save", lang, page)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_unsubscribe_pages(
        self, open_context: OpenContext, alerts: Alerts, lang: str
    ) -> None:
        page = open_context(None).new_page()  # the link needs no sign-in
        for path in (alerts.stop_search, alerts.stop_follow):
            response = page.goto(f"{path}?lang={lang}")
            assert response is not None
            assert response.status == 200, path
            expect(page.locator(".unsubscribe form button")).to_be_visible()
            _audited(f"the unsubscribe page {path[:32]}…", lang, page)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_entry_page_with_its_follow_button(
        self, open_context: OpenContext, alerts: Alerts, lang: str
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto(f"/projects/{alerts.not_followed}?lang={lang}")
        expect(page.locator("section.follow form button")).to_be_visible()
        _audited("the entry page with Follow", lang, page)

        page.goto(f"/projects/{alerts.followed}?lang={lang}")
        expect(page.locator("section.follow a[href^='/me/alerts']")).to_be_visible()
        _audited("the entry page of a followed entry", lang, page)
