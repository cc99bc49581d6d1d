"""Knowledge exchange in a real browser, in Arabic: a Jordanian focal point
finds a Moroccan good practice, writes to its team through the relay, the team
answers from the relayed mail's link (no account needed, no address shown),
the Moroccan team proposes that its entry was replicated in a new Jordanian
entry, a moderator accepts, and both entries' pages show the relation.

On SQLite alone (ON_ONE_BACKEND): every step's database code runs on both
backends in the route tests (tests/web/test_contact.py, test_relations.py,
test_good_practices.py)."""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, col, select

from app.config import Settings
from app.deps import SESSION_COOKIE
from app.models import OutboxMessage, Role, TokenPurpose, User
from app.schemas.good_practices import DesignationIn
from app.services import accounts, designations
from tests.browser.conftest import (
    ON_ONE_BACKEND,
    VIEWPORT,
    CspViolations,
    LiveSite,
    OpenContext,
)
from tests.factories import make_project, make_user

pytestmark = ON_ONE_BACKEND

MOROCCAN_TITLE = "منصة الاستشارات الطبية عن بعد في المناطق الجبلية"
JORDANIAN_TITLE = "عيادات عن بعد في البادية الأردنية"
SUBJECT = "نود تكرار منصتكم في الأردن"
QUESTION = "كيف درّبتم الأطباء على المنصة؟"
ANSWER = "درّبناهم في ورشات شهرية، ويسعدنا مشاركة الدليل."


@dataclass
class Exchange:
    moroccan_id: str
    jordanian_id: str
    moroccan_owner: User
    jordanian_focal_point: User


@pytest.fixture
def exchange(live_site: LiveSite) -> Exchange:
    """A Moroccan entry designated a good practice, with its owner; a new
    Jordanian entry; a Jordanian focal point."""
    settings = Settings(environment="test")
    with Session(live_site.engine, expire_on_commit=False) as session:
        owner = make_user(
            session, role=Role.CONTRIBUTOR, country="MA", full_name="Yassine (Maroc)"
        )
        focal_point = make_user(
            session, role=Role.FOCAL_POINT, country="JO", full_name="Rania (Jordan)"
        )
        jordanian_owner = make_user(session, role=Role.CONTRIBUTOR, country="JO")
        moroccan = make_project(
            session,
            owner=owner,
            title={"ar": MOROCCAN_TITLE},
            countries=["MA"],
            lead_organization={
                "name": "Télémédecine Atlas (fictive)",
                "entity_type": "government",
                "country": "MA",
            },
        )
        jordanian = make_project(
            session,
            owner=jordanian_owner,
            title={"ar": JORDANIAN_TITLE},
            countries=["JO"],
            lead_organization={
                "name": "عيادات البادية (خيالية)",
                "entity_type": "government",
                "country": "JO",
            },
        )
        designations.designate(
            session,
            public_id=moroccan.public_id,
            moderator=live_site.people[Role.MODERATOR],
            data=DesignationIn(
                citation_ar="تصل الاستشارات إلى قرى لا طبيب فيها.", year=2025
            ),
            settings=settings,
        )
    return Exchange(moroccan.public_id, jordanian.public_id, owner, focal_point)


def signed_in(
    browser: Browser, site: LiveSite, csp: CspViolations, user: User
) -> BrowserContext:
    """A browser context signed in as `user` (not one of the site's people)."""
    with Session(site.engine) as session:
        secret, _token = accounts.sign_in(
            session,
            user=user,
            purpose=TokenPurpose.SESSION,
            settings=Settings(environment="test"),
        )
    context = browser.new_context(base_url=site.url, viewport=VIEWPORT)
    csp.watch(context)
    context.add_cookies([{"name": SESSION_COOKIE, "value": secret, "url": site.url}])
    return context


def relay_link(site: LiveSite, to: User) -> str:
    """The path of the answer link in the newest relayed mail to `to`."""
    with Session(site.engine) as session:
        message = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_email == to.email)
            .where(OutboxMessage.kind == "contact_relay")
            .order_by(col(OutboxMessage.id).desc())
        ).first()
    assert message is not None
    found = re.search(r"/messages/reply/[A-Za-z0-9_-]+", message.body)
    assert found is not None
    return found.group(0)


class TestKnowledgeExchange:
    def test_from_a_good_practice_to_a_replication_shown_on_both_entries(
        self,
        browser: Browser,
        live_site: LiveSite,
        open_context: OpenContext,
        csp_violations: CspViolations,
        exchange: Exchange,
    ) -> None:
        contexts = [
            signed_in(
                browser, live_site, csp_violations, exchange.jordanian_focal_point
            ),
            signed_in(browser, live_site, csp_violations, exchange.moroccan_owner),
        ]
        jordan, morocco = (context.new_page() for context in contexts)
        try:
            self._write_to_the_team(jordan, exchange)
            self._answer_through_the_relay(
                open_context(None).new_page(), live_site, exchange
            )
            jordan.goto("/me/messages?lang=ar")
            jordan.get_by_role("link", name=SUBJECT).click()
            expect(jordan.locator("main")).to_contain_text(ANSWER)
            self._propose_the_replication(morocco, exchange)
            self._moderator_accepts(open_context(Role.MODERATOR).new_page())
            self._both_pages_show_it(open_context(None).new_page(), exchange)
        finally:
            for context in contexts:
                context.close()

    def _write_to_the_team(self, page: Page, exchange: Exchange) -> None:
        page.goto("/good-practices?lang=ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.get_by_role("link", name=MOROCCAN_TITLE).click()
        expect(page).to_have_url(re.compile(f"/projects/{exchange.moroccan_id}"))
        expect(page.locator("main")).to_contain_text("ممارسة جيدة")
        page.check('input[name="purpose"][value="replicate"]')
        page.fill("#contact-subject", SUBJECT)
        page.fill("#contact-body", QUESTION)
        page.get_by_role("button", name="أرسل إلى الفريق").click()
        expect(page.locator("main")).to_contain_text(SUBJECT)
        assert exchange.moroccan_owner.email not in page.content()

    def _answer_through_the_relay(
        self, page: Page, site: LiveSite, exchange: Exchange
    ) -> None:
        page.goto(relay_link(site, exchange.moroccan_owner) + "?lang=ar")
        expect(page.locator("main")).to_contain_text(QUESTION)
        assert exchange.jordanian_focal_point.email not in page.content()
        page.fill("#f-body", ANSWER)
        page.get_by_role("button", name="أرسل الرد").click()
        expect(page.locator("main")).to_contain_text(ANSWER)

    def _propose_the_replication(self, page: Page, exchange: Exchange) -> None:
        page.goto(f"/projects/{exchange.moroccan_id}?lang=ar")
        page.locator("details.relation-form summary").click()
        page.select_option("#relation-kind-entry", "replicated_in")
        page.fill("#relation-other-entry", exchange.jordanian_id)
        page.get_by_role("button", name="اقتراح العلاقة").click()
        expect(page.locator("main")).to_contain_text("بانتظار")

    def _moderator_accepts(self, page: Page) -> None:
        page.goto("/moderation/relations?lang=ar")
        row = page.locator("li, tr").filter(has_text=JORDANIAN_TITLE).last
        row.get_by_role("button", name="قبول").click()
        expect(page.locator("main")).not_to_contain_text(JORDANIAN_TITLE)

    def _both_pages_show_it(self, page: Page, exchange: Exchange) -> None:
        page.goto(f"/projects/{exchange.moroccan_id}?lang=ar")
        expect(page.get_by_role("link", name=JORDANIAN_TITLE)).to_be_visible()
        expect(page.locator("main")).to_contain_text("بلد واحد")
        page.goto(f"/projects/{exchange.jordanian_id}?lang=ar")
        expect(page.get_by_role("link", name=MOROCCAN_TITLE)).to_be_visible()
