"""The relations' pages, the list of replicated entries and the
knowledge-flows matrix pass axe-core with no serious or critical violation
in Arabic, English and French, and the browser refuses nothing on them
under the Content-Security-Policy."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete
from sqlmodel import Session, col

from app.models import (
    ContactPurpose,
    ContactThread,
    Project,
    ProjectRelation,
    Role,
    User,
)
from tests.browser.axe import Violation, audit, blocking, report
from tests.browser.conftest import ON_ONE_BACKEND, LiveSite, OpenContext
from tests.factories import make_project, make_user
from tests.fixtures.relations import answer_relation, propose_relation

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

LANGUAGES = ["ar", "en", "fr"]
_tokens = itertools.count(1)


@dataclass(frozen=True)
class Related:
    mine: str  # the Tunisian contributor's entry: replicated from the Moroccan one
    moroccan: str


@pytest.fixture
def related(live_site: LiveSite) -> Iterator[Related]:
    """An accepted relation, a proposal waiting and enough contacts between
    Morocco and Jordan for the matrix; all removed afterwards (the live site
    is shared by the browser tests)."""
    with Session(live_site.engine) as session:
        contributor = session.get(User, live_site.people[Role.CONTRIBUTOR].id)
        moderator = session.get(User, live_site.people[Role.MODERATOR].id)
        assert contributor is not None
        assert moderator is not None
        people = [make_user(session, country="MA", full_name="Youssef (Morocco)")]
        people += [make_user(session, country="JO") for _ in range(3)]
        moroccan = make_project(
            session,
            owner=people[0],
            countries=["MA"],
            title={"ar": "الطب عن بعد في المغرب", "en": "Moroccan telehealth"},
        )
        mine = make_project(session, owner=contributor)
        accepted = propose_relation(session, contributor, mine, moroccan)
        answer_relation(session, accepted.id, "accept", moderator)
        propose_relation(session, people[0], moroccan, mine, "inspired")
        for sender in people[1:]:
            assert sender.id is not None
            assert moroccan.id is not None
            session.add(
                ContactThread(
                    project_id=moroccan.id,
                    sender_id=sender.id,
                    purpose=ContactPurpose.REPLICATE,
                    subject="A question",
                    sender_country_iso2="JO",
                    reply_token_hash=f"relations-a11y-{next(_tokens):049d}",
                )
            )
        session.commit()
        ids = [mine.id, moroccan.id]
        found = Related(mine=mine.public_id, moroccan=moroccan.public_id)
        user_ids = [person.id for person in people]
    yield found
    with Session(live_site.engine) as session:
        session.execute(
            delete(ContactThread).where(col(ContactThread.project_id).in_(ids))
        )
        session.execute(
            delete(ProjectRelation).where(col(ProjectRelation.source_id).in_(ids))
        )
        session.execute(delete(Project).where(col(Project.id).in_(ids)))
        session.execute(delete(User).where(col(User.id).in_(user_ids)))
        session.commit()


SCREENSHOTS = Path(__file__).parent / "screenshots"


def _photographed(page: Page, name: str, lang: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{lang}.png", full_page=True)


def _audited(page_name: str, found: list[Violation], lang: str) -> None:
    shown = blocking(found)
    assert not shown, f"{page_name} in {lang}:\n{report(shown)}"


class TestAccessibility:
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_entry_pages_with_their_relations(
        self, open_context: OpenContext, related: Related, lang: str
    ) -> None:
        team = open_context(Role.CONTRIBUTOR).new_page()
        team.goto(f"/projects/{related.mine}?lang={lang}")
        expect(team.locator("#relations .relation-proposal")).to_have_count(1)
        team.locator("#relations summary").click()  # open the proposal form
        _audited("the team's entry page", audit(team), lang)
        _photographed(team, "relations-entry", lang)

        visitor = open_context(None).new_page()
        visitor.goto(f"/projects/{related.moroccan}?lang={lang}")
        expect(visitor.locator(".badge.replicated")).to_be_visible()
        _audited("the replicated entry's page", audit(visitor), lang)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_team_page_with_a_wrong_entry(
        self, open_context: OpenContext, related: Related, lang: str
    ) -> None:
        page = open_context(Role.CONTRIBUTOR).new_page()
        page.goto(f"/projects/{related.mine}/relations?lang={lang}")
        page.locator(".relation-form summary").click()
        page.fill("#relation-other-manage", "NOSUCHENTRY")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(".relation-form button[type=submit]")
        assert posted.value.status == 422
        expect(page.locator("#relation-e-other-manage")).to_be_visible()

        _audited("the team's relations page", audit(page), lang)
        _photographed(page, "relations-team-errors", lang)

    @pytest.mark.usefixtures("related")
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_moderators_list_and_the_dashboard_matrix(
        self, open_context: OpenContext, lang: str
    ) -> None:
        moderator = open_context(Role.MODERATOR).new_page()
        moderator.goto(f"/moderation/relations?lang={lang}")
        expect(moderator.locator("table.relation-queue tbody tr")).to_have_count(1)
        _audited("the moderators' list of proposals", audit(moderator), lang)
        _photographed(moderator, "relations-moderation", lang)

        visitor = open_context(None).new_page()
        visitor.goto(f"/dashboard?lang={lang}")
        expect(visitor.locator("table.flows-matrix td.flow-level-4")).to_have_count(2)
        _audited("the dashboard's knowledge flows", audit(visitor), lang)
        visitor.locator("section.knowledge-flows").screenshot(
            path=SCREENSHOTS / f"knowledge-flows-{lang}.png"
        )

    @pytest.mark.usefixtures("related")
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_list_of_replicated_entries(
        self, open_context: OpenContext, lang: str
    ) -> None:
        visitor = open_context(None).new_page()
        visitor.goto(f"/replications?lang={lang}")
        expect(
            visitor.locator("table.replications-table tbody tr").first
        ).to_be_visible()
        _audited("the list of replicated entries", audit(visitor), lang)
        _photographed(visitor, "replications", lang)

        visitor.goto(f"/replications?sort=newest&lang={lang}")
        expect(visitor.locator(".replication-sorts [aria-current]")).to_have_count(1)
        _audited("the newest replicated entries", audit(visitor), lang)
