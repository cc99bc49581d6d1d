"""The whole journey of an entry in a real browser, in Arabic: a contributor
writes and submits it, a moderator asks for changes, the contributor fixes and
resubmits, the moderator approves, and an anonymous visitor finds it (by its
action line and by an Arabic search) and downloads it as CSV. Also: the entry
form can be completed with the keyboard alone."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import Project, ProjectStatus, Role
from tests.browser.conftest import LiveSite, OpenContext

TITLE = "مرصد الواحات الذكي للري"
KEYBOARD_TITLE = "منصة النخيل الرقمية بلوحة المفاتيح"


def status_of(site: LiveSite, title: str) -> ProjectStatus:
    with Session(site.engine) as session:
        project = session.exec(select(Project).where(Project.title_ar == title)).one()
        return project.status


def fill_entry(page: Page, title: str) -> None:
    """Fill the required fields of the entry form (in Arabic) with the mouse."""
    page.fill("#f-title-ar", title)
    page.fill("#f-summary-ar", "رصد رطوبة التربة في الواحات بالذكاء الاصطناعي.")
    page.fill("#f-lead_organization-name", "مختبر الواحات (خيالي)")
    page.select_option("#f-lead_organization-entity_type", "academia")
    page.select_option("#f-lead_organization-country", "TN")
    page.select_option("#f-scope", "national")
    page.select_option("#f-activity_type", "project")
    page.select_option("#f-implementation_status", "ongoing")
    page.check("#f-action_lines-C7-7")
    page.select_option("#f-primary_action_line", "C7.7")
    # The WSIS-SDG matrix suggests goals for the chosen line: take them.
    page.locator("#sdg-suggestions button").click()
    page.fill("#f-contact-name", "سلوى")
    page.fill("#f-contact-email", "salwa@example.org")


def decide(page: Page, action: str, reason: str | None = None) -> None:
    page.goto("/moderation?lang=ar")
    page.get_by_role("link", name=TITLE).click()
    if reason:
        page.fill("#f-reason", reason)
    page.click(f'form.decision button[value="{action}"]')
    expect(page).to_have_url(re.compile(r"/moderation\?"))


class TestAnEntrysJourney:
    def test_from_submission_to_publication_and_download(
        self, open_context: OpenContext, live_site: LiveSite
    ) -> None:
        contributor = open_context(Role.CONTRIBUTOR).new_page()
        moderator = open_context(Role.MODERATOR).new_page()
        visitor = open_context(None).new_page()

        contributor.goto("/projects/new?lang=ar")
        expect(contributor.locator("html")).to_have_attribute("dir", "rtl")
        fill_entry(contributor, TITLE)
        expect(contributor.locator("#f-sdgs-2")).to_be_checked()  # C7.7 -> Zero hunger
        contributor.click('button[value="submit"]')
        expect(contributor).to_have_url(re.compile("/me/projects"))
        assert status_of(live_site, TITLE) == ProjectStatus.SUBMITTED

        decide(moderator, "request_changes", "أضيفوا نطاق الميزانية من فضلكم.")
        assert status_of(live_site, TITLE) == ProjectStatus.CHANGES_REQUESTED

        contributor.goto("/me/projects?lang=ar")
        expect(contributor.locator(".moderator-note")).to_contain_text(
            "أضيفوا نطاق الميزانية"
        )
        contributor.get_by_role("link", name=TITLE).first.click()
        contributor.select_option("#f-budget_range", index=1)
        contributor.click('button[value="submit"]')
        expect(contributor).to_have_url(re.compile("/me/projects"))
        assert status_of(live_site, TITLE) == ProjectStatus.SUBMITTED

        decide(moderator, "approve")
        assert status_of(live_site, TITLE) == ProjectStatus.APPROVED

        # The visitor filters the catalog by the action line...
        visitor.goto("/projects?lang=ar")
        visitor.locator("details.facet summary").first.click()  # action lines
        visitor.check('aside input[name="action_line"][value="C7.7"]')
        visitor.locator("aside > button[type=submit]").click()
        expect(visitor.locator(".cards")).to_contain_text(TITLE)
        # ...and searches in Arabic: short vowels, no article, as people type.
        visitor.goto("/projects?lang=ar")
        visitor.fill("#q", "مَرْصَد واحات")
        visitor.press("#q", "Enter")
        expect(visitor.locator(".cards")).to_contain_text(TITLE)
        with visitor.expect_download() as download:
            visitor.get_by_role("link", name="CSV").click()
        rows = read_csv(download.value.path())
        assert any(TITLE in row.values() for row in rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as file:
        return list(csv.DictReader(io.StringIO(file.read())))


def tab_to(page: Page, selector: str, *, limit: int = 600) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def choose(page: Page, selector: str, value: str) -> None:
    """Pick `value` in a focused <select> with the arrow keys."""
    tab_to(page, selector)
    for _ in range(60):
        if page.eval_on_selector(selector, "e => e.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reachable in {selector}")


class TestKeyboardOnly:
    def test_an_entry_can_be_written_and_submitted_without_a_mouse(
        self, open_context: OpenContext, live_site: LiveSite
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto("/projects/new?lang=ar")

        typed = [
            ("#f-title-ar", KEYBOARD_TITLE),
            ("#f-summary-ar", "منصة رقمية لمتابعة بساتين النخيل."),
            ("#f-lead_organization-name", "جمعية النخيل (خيالية)"),
        ]
        for selector, text in typed:
            tab_to(page, selector)
            page.keyboard.type(text)
        choose(page, "#f-lead_organization-entity_type", "civil_society")
        choose(page, "#f-lead_organization-country", "TN")
        choose(page, "#f-scope", "local")
        choose(page, "#f-activity_type", "project")
        choose(page, "#f-implementation_status", "planned")
        tab_to(page, "#f-action_lines-C7-7")
        page.keyboard.press("Space")
        choose(page, "#f-primary_action_line", "C7.7")
        tab_to(page, "#f-sdgs-2")
        page.keyboard.press("Space")
        tab_to(page, "#f-contact-name")
        page.keyboard.type("رامي")
        tab_to(page, "#f-contact-email")
        page.keyboard.type("rami@example.org")
        tab_to(page, 'button[value="submit"]')
        page.keyboard.press("Enter")

        expect(page).to_have_url(re.compile("/me/projects"))
        assert status_of(live_site, KEYBOARD_TITLE) == ProjectStatus.SUBMITTED
