"""The contact pages pass axe-core with no serious or critical violation in
Arabic, English and French, and nothing on them is refused by the CSP (the
`open_context` fixture fails on any refusal)."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from app.config import Settings
from app.models import Role
from app.services import contact, contact_measures
from tests.browser.axe import audit, blocking, report
from tests.browser.conftest import ON_ONE_BACKEND, LiveSite, OpenContext
from tests.factories import make_project
from tests.factories_exchange_contact import team_access, team_token, write

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

LANGUAGES = ["ar", "en", "fr"]


@pytest.fixture(scope="module")
def conversation(live_site: LiveSite) -> tuple[str, int, str]:
    """A Tunisian entry owned by the site's focal point (who reads it signed
    in as its owner) that the site's contributor wrote to, answered and
    reported: (entry, thread id, the team's link)."""
    settings = Settings(environment="test")
    with Session(live_site.engine) as session:
        owner = live_site.people[Role.FOCAL_POINT]
        entry = make_project(session, owner=owner)
        access = write(session, entry, live_site.people[Role.CONTRIBUTOR])
        team = team_access(session)
        contact.reply(session, access=team, body="شكرًا على رسالتك", settings=settings)
        contact_measures.report_thread(
            session, access=team, reason="Spam", settings=settings
        )
        assert access.thread.id is not None
        return entry.public_id, access.thread.id, team_token(session)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contact_pages_have_no_serious_or_critical_violation(
    open_context: OpenContext, conversation: tuple[str, int, str], lang: str
) -> None:
    public_id, thread_id, token = conversation
    pages = [
        (Role.CONTRIBUTOR, f"/projects/{public_id}", 200),
        (Role.CONTRIBUTOR, "/me/messages", 200),
        (Role.CONTRIBUTOR, f"/me/messages/{thread_id}", 200),
        (Role.FOCAL_POINT, f"/me/messages/{thread_id}", 200),
        (None, f"/messages/reply/{token}", 200),
        (None, f"/projects/{public_id}", 200),
        (Role.MODERATOR, "/moderation/messages", 200),
    ]
    for role, path, status in pages:
        page = open_context(role).new_page()
        response = page.goto(f"{path}?lang={lang}")
        assert response is not None
        assert response.status == status, path
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")

        found = blocking(audit(page))

        assert not found, f"{path} as {role} in {lang}:\n{report(found)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_writing_form_with_its_errors_has_no_serious_or_critical_violation(
    open_context: OpenContext, conversation: tuple[str, int, str], lang: str
) -> None:
    public_id, _thread_id, _token = conversation
    page = open_context(Role.CONTRIBUTOR).new_page()
    page.goto(f"/projects/{public_id}/contact?lang={lang}")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click(".contact-form button[type=submit]")  # nothing filled in: 422
    assert posted.value.status == 422
    expect(page.locator("#contact-e-subject")).to_be_visible()

    found = blocking(audit(page))

    assert not found, f"the contact form with errors in {lang}:\n{report(found)}"
