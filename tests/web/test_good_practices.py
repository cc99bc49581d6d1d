"""Good practices in the pages: the desk's forms, the /good-practices page
and its feed, the entry's badge and citation, the sections leading the
country and action-line pages, the dashboard's figure."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import GoodPractice, ModerationEvent, Project, ProjectStatus, User
from tests.factories import make_project, sign_in
from tests.fixtures.good_practices import (
    CITATION_AR,
    CITATION_EN,
    CITATION_FR,
    designate_entry,
    good_practice_flag,
    withdraw_designation,
)
from tests.support.forms import post_form
from tests.web.test_security_headers import assert_strict_page


def named(english: str) -> dict[str, str]:
    """A title in the test entries' original language (Arabic) and English."""
    return {"ar": "مبادرة تجريبية", "en": english}


class TestDeskForms:
    def test_review_of_an_approved_entry_offers_the_designation_form(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        sign_in(client, session, moderator)

        page = client.get(f"/moderation/{entry.public_id}?lang=en")

        assert page.status_code == 200
        assert (
            f'action="/moderation/{entry.public_id}/good-practice?lang=en"' in page.text
        )
        for name in ("citation_ar", "citation_en", "citation_fr", "year", "framework"):
            assert f'name="{name}"' in page.text
        assert_strict_page(page)

    def test_a_submission_offers_no_designation(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED)
        sign_in(client, session, moderator)

        page = client.get(f"/moderation/{entry.public_id}?lang=en")

        assert "/good-practice?" not in page.text
        assert "Only a published entry can be designated a good practice." in page.text

    def test_moderator_designates_then_withdraws_through_the_forms(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=en"

        designated = post_form(
            client,
            f"/moderation/{entry.public_id}/good-practice?lang=en",
            [
                ("citation_ar", ""),
                ("citation_en", CITATION_EN),
                ("citation_fr", ""),
                ("year", "2025"),
                ("framework", "WSIS Prize 2025"),
            ],
            form=review,
        )

        assert designated.status_code == 303
        assert designated.headers["location"] == review
        page = client.get(review)
        assert "The entry is designated a good practice." in page.text
        assert "Good practice (2025, WSIS Prize 2025)" in page.text
        assert "Designated a good practice" in page.text  # the history line
        assert 'name="withdrawal_reason"' in page.text
        assert good_practice_flag(session, entry) is True

        withdrawn = post_form(
            client,
            f"/moderation/{entry.public_id}/good-practice/withdraw?lang=en",
            [("withdrawal_reason", "The service closed.")],
            form=review,
        )

        assert withdrawn.status_code == 303
        page = client.get(review)
        assert "The good-practice designation is withdrawn." in page.text
        assert "Good-practice designation withdrawn" in page.text
        assert "The service closed." in page.text
        assert good_practice_flag(session, entry) is None

    def test_a_missing_citation_and_year_re_render_with_messages(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        sign_in(client, session, moderator)

        no_year = post_form(
            client,
            f"/moderation/{entry.public_id}/good-practice?lang=en",
            [("citation_en", CITATION_EN), ("year", "")],
            form=f"/moderation/{entry.public_id}?lang=en",
        )
        no_citation = post_form(
            client,
            f"/moderation/{entry.public_id}/good-practice?lang=fr",
            [("citation_en", "  "), ("year", "2025"), ("framework", "Prix")],
            form=f"/moderation/{entry.public_id}?lang=fr",
        )

        assert no_year.status_code == 422
        assert 'id="e-year"' in no_year.text
        assert CITATION_EN in no_year.text  # what was typed is kept
        assert no_citation.status_code == 422
        assert 'id="e-citation"' in no_citation.text
        assert 'value="Prix"' in no_citation.text
        assert '<html lang="fr"' in no_citation.text
        assert good_practice_flag(session, entry) is None

    def test_a_withdrawal_without_reason_re_renders(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate_entry(session, entry, moderator)
        sign_in(client, session, moderator)

        response = post_form(
            client,
            f"/moderation/{entry.public_id}/good-practice/withdraw?lang=ar",
            [("withdrawal_reason", " ")],
            form=f"/moderation/{entry.public_id}?lang=ar",
        )

        assert response.status_code == 422
        assert 'id="e-withdrawal-reason"' in response.text
        assert '<html lang="ar" dir="rtl"' in response.text
        assert good_practice_flag(session, entry) is True

    def test_designating_twice_is_a_409_page(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=en"
        token_page = client.get(review).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
        assert token
        designate_entry(session, entry, moderator)

        response = client.post(
            f"/moderation/{entry.public_id}/good-practice",
            data={"csrf_token": token.group(1), "citation_en": "x", "year": "2025"},
        )

        assert response.status_code == 409
        assert len(session.exec(select(GoodPractice)).all()) == 1

    def test_without_csrf_nothing_changes(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        sign_in(client, session, moderator)

        response = client.post(
            f"/moderation/{entry.public_id}/good-practice",
            data={"citation_en": CITATION_EN, "year": "2025"},
        )

        assert response.status_code == 403
        assert good_practice_flag(session, entry) is None

    def test_a_contributor_cannot_post_the_form(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, owner=contributor)
        sign_in(client, session, contributor)
        token = re.search(
            r'name="csrf_token" value="([^"]+)"',
            client.get("/good-practices?lang=en").text,  # the sign-out form's
        )
        assert token

        response = client.post(
            f"/moderation/{entry.public_id}/good-practice",
            data={"csrf_token": token.group(1), "citation_en": "x", "year": "2025"},
        )

        assert response.status_code == 403
        assert good_practice_flag(session, entry) is None
        events = session.exec(select(ModerationEvent.action)).all()
        assert "designate_good_practice" not in events


class TestGoodPracticesPage:
    @pytest.fixture
    def entries(self, session: Session, moderator: User) -> dict[str, Project]:
        tunisian = make_project(session, title=named("Tunisian clinics"))
        egyptian = make_project(
            session,
            countries=["EG"],
            action_lines=["C7.4"],
            primary_action_line="C7.4",
            title=named("Egyptian farms"),
        )
        plain = make_project(session, title=named("Plain entry"))
        designate_entry(session, tunisian, moderator)
        designate_entry(
            session,
            egyptian,
            moderator,
            year=2024,
            framework=None,
            citation_ar=None,
            citation_en=None,
            citation_fr="Une référence pour la région.",
        )
        return {"tn": tunisian, "eg": egyptian, "plain": plain}

    @pytest.mark.usefixtures("entries")
    def test_lists_the_designated_entries_newest_first_with_their_citation(
        self, client: TestClient
    ) -> None:
        page = client.get("/good-practices?lang=en")

        assert page.status_code == 200
        assert_strict_page(page)
        text = page.text
        assert "Tunisian clinics" in text
        assert "Egyptian farms" in text
        assert "Plain entry" not in text
        assert text.index("Egyptian farms") < text.index("Tunisian clinics")
        assert "Good practice (2025, WSIS Prize 2025)" in text
        assert "Good practice (2024)" in text
        assert CITATION_EN in text
        assert "2 good practices" in text

    @pytest.mark.usefixtures("entries")
    def test_a_citation_in_another_language_is_marked(self, client: TestClient) -> None:
        text = client.get("/good-practices?lang=en&country=EG").text

        assert "Shown in French: no version in this language yet." in text
        assert '<blockquote lang="fr" dir="ltr">Une référence pour la région.' in text

    @pytest.mark.usefixtures("entries")
    def test_the_page_language_picks_the_citation(self, client: TestClient) -> None:
        text = client.get("/good-practices?lang=fr&country=TN").text

        assert CITATION_FR in text
        assert CITATION_EN not in text

    @pytest.mark.usefixtures("entries")
    def test_filters_by_country_action_line_and_year(self, client: TestClient) -> None:
        by_country = client.get("/good-practices?lang=en&country=EG").text
        by_line = client.get("/good-practices?lang=en&action_line=C7.3").text
        by_year = client.get("/good-practices?lang=en&year=2025").text
        blank = client.get("/good-practices?lang=en&country=&action_line=&year=")

        assert "Egyptian farms" in by_country
        assert "Tunisian clinics" not in by_country
        assert "Tunisian clinics" in by_line
        assert "Egyptian farms" not in by_line
        assert "Tunisian clinics" in by_year
        assert "Egyptian farms" not in by_year
        assert blank.status_code == 200  # the form's "all" choices
        assert '<option value="EG" selected>' in by_country

    @pytest.mark.usefixtures("entries")
    def test_links_to_the_catalog_and_the_feed(self, client: TestClient) -> None:
        text = client.get("/good-practices?lang=en&country=TN").text

        assert 'href="/projects?country=TN&amp;good_practice=true&amp;lang=en"' in text
        feed = "/feeds/good-practices.atom?country=TN&amp;lang=en"
        assert (
            f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in text
        )
        catalog = client.get("/projects?country=TN&good_practice=true&lang=en").text
        assert "Tunisian clinics" in catalog
        assert "Plain entry" not in catalog

    @pytest.mark.usefixtures("entries")
    def test_the_feed_lists_each_designation(self, client: TestClient) -> None:
        feed = client.get("/feeds/good-practices.atom?lang=en")

        assert feed.status_code == 200
        assert feed.text.count("<entry>") == 2
        assert f"<summary>{CITATION_EN}</summary>" in feed.text
        assert "/good-practices?lang=en" in feed.text
        assert client.get("/feeds/good-practices.atom?year=1").status_code == 422

    def test_a_withdrawn_designation_leaves_the_page_and_the_feed(
        self,
        client: TestClient,
        session: Session,
        moderator: User,
        entries: dict[str, Project],
    ) -> None:
        withdraw_designation(session, entries["tn"], moderator)

        text = client.get("/good-practices?lang=en").text
        feed = client.get("/feeds/good-practices.atom").text
        catalog = client.get("/projects?good_practice=true&lang=en").text

        assert "Tunisian clinics" not in text
        assert "Egyptian farms" in text
        assert "Tunisian clinics" not in feed
        assert "Tunisian clinics" not in catalog

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    @pytest.mark.usefixtures("entries")
    def test_renders_in_each_language(self, client: TestClient, lang: str) -> None:
        page = client.get(f"/good-practices?lang={lang}")

        assert page.status_code == 200
        assert f'<html lang="{lang}"' in page.text
        assert_strict_page(page)

    def test_without_any_the_page_says_so(self, client: TestClient) -> None:
        page = client.get("/good-practices?lang=en")

        assert page.status_code == 200
        assert "No good practice matches these filters." in page.text


class TestEntryPage:
    def test_badge_and_citation_lead_the_entry(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate_entry(session, entry, moderator)

        page = client.get(f"/projects/{entry.public_id}?lang=en")

        assert page.status_code == 200
        assert_strict_page(page)
        badge = page.text.index("Good practice (2025, WSIS Prize 2025)")
        assert badge < page.text.index('class="entry-group"')
        assert CITATION_EN in page.text

    def test_the_citation_falls_back_to_the_original_language_and_is_marked(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)  # written in Arabic
        designate_entry(session, entry, moderator, citation_fr=None)

        page = client.get(f"/projects/{entry.public_id}?lang=fr")

        assert 'lang="ar" dir="rtl">' + CITATION_AR in page.text
        assert "good-practice-panel" in page.text

    def test_withdrawn_the_badge_is_gone(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate_entry(session, entry, moderator)
        assert "good-practice-panel" in client.get(f"/projects/{entry.public_id}").text

        withdraw_designation(session, entry, moderator)

        page = client.get(f"/projects/{entry.public_id}?lang=en")
        assert "good-practice-panel" not in page.text
        assert CITATION_EN not in page.text


class TestLeadingSections:
    def test_good_practices_lead_the_country_profile(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session, title=named("Tunisian clinics"))
        make_project(session, countries=["EG"], title=named("Egyptian farms"))
        designate_entry(session, entry, moderator)

        page = client.get("/countries/TN?lang=en")

        assert page.status_code == 200
        assert_strict_page(page)
        text = page.text
        section = text.index('id="good-practices-h"')
        assert text.index("<h1>") < section < text.index('class="figures"')
        assert "Good practice (2025, WSIS Prize 2025)" in text
        assert 'href="/good-practices?country=TN&amp;lang=en"' in text
        assert 'id="good-practices-h"' not in client.get("/countries/EG").text

    def test_good_practices_lead_the_action_line_page(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)  # C7.3
        designate_entry(session, entry, moderator)

        page = client.get("/action-lines/C7?lang=en")
        other = client.get("/action-lines/C4?lang=en")

        assert page.status_code == 200
        assert_strict_page(page)
        section = page.text.index('id="good-practices-h"')
        assert page.text.index("<h1>") < section < page.text.index('class="total"')
        assert 'href="/good-practices?action_line=C7&amp;lang=en"' in page.text
        assert "See the 1 good practice" in page.text
        assert 'id="good-practices-h"' not in other.text

    def test_withdrawn_it_leaves_the_sections(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate_entry(session, entry, moderator)
        withdraw_designation(session, entry, moderator)

        assert 'id="good-practices-h"' not in client.get("/countries/TN").text
        assert 'id="good-practices-h"' not in client.get("/action-lines/C7").text


class TestDashboard:
    def figures(self, client: TestClient, **params: str) -> list[tuple[str, str]]:
        text = client.get("/dashboard", params={**params, "lang": "en"}).text
        return re.findall(r"<li><strong>([^<]*)</strong> ([^<]*)</li>", text)

    def test_counts_the_good_practices_among_the_entries(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        first = make_project(session)
        second = make_project(session, countries=["EG"])
        make_project(session)
        assert not any("good practice" in label for _n, label in self.figures(client))

        designate_entry(session, first, moderator)
        designate_entry(session, second, moderator)

        assert ("2", "good practices") in self.figures(client)
        assert ("1", "good practice") in self.figures(client, country="EG")
        withdraw_designation(session, second, moderator)
        assert ("1", "good practice") in self.figures(client)


def test_history_lines_come_in_order(session: Session, moderator: User) -> None:
    entry = make_project(session)
    designate_entry(session, entry, moderator)
    withdraw_designation(session, entry, moderator)

    actions = session.exec(
        select(ModerationEvent.action).order_by(col(ModerationEvent.id))
    ).all()
    assert actions[-2:] == ["designate_good_practice", "withdraw_good_practice"]
