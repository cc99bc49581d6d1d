"""The portal's own pages: about, methodology, data licence and citation,
contact; each written in Arabic, English and French, linked from every
page's footer, and showing what is data from its source of truth."""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from app.config import DATA_LICENCES, Settings
from app.db import utcnow
from app.deps import get_session
from app.i18n import translate
from app.languages import LANGUAGES
from app.main import create_app
from app.messages import ACTION_BUTTONS, STATUS_NAMES
from app.models import Technology
from app.services.moderation import SUBMITTER_ACTIONS, TRANSITIONS
from app.taxonomies import TAXONOMIES
from app.templating import TEMPLATES
from app.web.portal import PAGE_TITLES, TAXONOMY_DESCRIPTIONS, TAXONOMY_TITLES
from tests.support.databases import Database
from tests.web.test_pages import PAGES, html_lang

PORTAL = [f"/{page}" for page in PAGE_TITLES]
DIRECTIONS = {"ar": "rtl", "en": "ltr", "fr": "ltr"}
# A phrase of each page's own prose in each language (not a gettext string).
PROSE = {
    "about": {
        "ar": "جامعة الدول العربية",
        "en": "League of Arab States",
        "fr": "Ligue des États arabes",
    },
    "methodology": {
        "ar": "المبادرات المنشورة وحدها",
        "en": "Published entries only",
        "fr": "Les seules fiches publiées",
    },
    "licence": {
        "ar": "يُستشهد بالمستودع في مجمله",
        "en": "Cite the repository as a whole",
        "fr": "Citez le répertoire dans son ensemble",
    },
    "contact": {
        "ar": "جهات اتصال وطنية",
        "en": "national focal points",
        "fr": "points focaux nationaux",
    },
}

SettingsClient = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture
def client_with(taxonomy_template: str, db: Database) -> SettingsClient:
    """A client of an app built with other settings, on this test's database."""

    @contextmanager
    def build(**changes: Any) -> Iterator[TestClient]:
        settings = Settings(
            database_url=taxonomy_template, environment="test", **changes
        )
        app = create_app(settings)

        def test_session() -> Iterator[Session]:
            with db.make_session() as session:
                yield session

        app.dependency_overrides[get_session] = test_session
        with TestClient(app) as test_client:
            yield test_client

    return build


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def rows(text: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]*)"', text)


class TestEveryPortalPage:
    @pytest.mark.parametrize("page", list(PAGE_TITLES))
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_visitor_reads_the_page_in_each_language(
        self, client: TestClient, page: str, lang: str
    ) -> None:
        response = client.get(f"/{page}", params={"lang": lang})

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert html_lang(response.text) == (lang, DIRECTIONS[lang])
        assert PROSE[page][lang] in response.text
        others = {other for other in LANGUAGES if other != lang}
        assert not any(PROSE[page][other] in response.text for other in others)
        title = translate(lang, PAGE_TITLES[page])
        assert f"<h1>{title}</h1>" in response.text

    def test_every_page_is_written_in_every_language(self) -> None:
        written = {
            path.name
            for path in (TEMPLATES / "portal").glob("*.html")
            if not path.name.startswith("_") and path.name != "page.html"
        }

        assert written == {
            f"{page}.{lang}.html" for page in PAGE_TITLES for lang in LANGUAGES
        }

    @pytest.mark.parametrize("path", [*PAGES, *PORTAL])
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_footer_links_the_portal_pages_the_feed_and_the_api(
        self, client: TestClient, path: str, lang: str
    ) -> None:
        text = client.get(path, params={"lang": lang}).text
        footer = text[text.index('<footer class="site-footer">') :]

        links = re.findall(r'<a href="([^"]+)"', footer)
        assert links == [
            *(f"{page}?lang={lang}" for page in PORTAL),
            f"/feeds/projects.atom?lang={lang}",
            "/docs",
        ]
        assert "<nav aria-label=" in footer

    def test_footer_marks_the_page_being_read(self, client: TestClient) -> None:
        text = client.get("/licence", params={"lang": "en"}).text
        footer = text[text.index('<footer class="site-footer">') :]

        assert footer.count('aria-current="page"') == 1
        assert '<a href="/licence?lang=en" aria-current="page">' in footer

    @pytest.mark.parametrize("path", PORTAL)
    def test_pages_follow_the_configured_default_language(
        self, client_with: SettingsClient, path: str
    ) -> None:
        with client_with(default_locale="fr") as french:
            assert html_lang(french.get(path).text) == ("fr", "ltr")


class TestMethodology:
    def test_workflow_table_lists_every_transition_of_the_workflow(
        self, client: TestClient
    ) -> None:
        text = client.get("/methodology", params={"lang": "en"}).text

        listed = rows(text, "data-transition")
        expected = [
            f"{source.value} {action.value} {target.value}"
            for source, moves in TRANSITIONS.items()
            for action, target in moves.items()
        ]
        assert listed == expected

    def test_workflow_table_names_statuses_actions_and_actors_in_arabic(
        self, client: TestClient
    ) -> None:
        text = client.get("/methodology", params={"lang": "ar"}).text
        table = text[text.index('class="portal-table workflow"') :]
        cells = re.findall(r"<tr data-transition[^>]*>(.*?)</tr>", table, re.S)

        moves = [
            (source, action, target)
            for source, next_moves in TRANSITIONS.items()
            for action, target in next_moves.items()
        ]
        assert len(cells) == len(moves)
        for cell, (source, action, target) in zip(cells, moves, strict=True):
            texts = [t.strip() for t in re.findall(r">([^<>]+)<", cell) if t.strip()]
            by = (
                "The entry's submitter or its country's focal point"
                if action in SUBMITTER_ACTIONS
                else "An AICTO moderator"
            )
            assert texts == [
                translate("ar", STATUS_NAMES[source.value]),
                translate("ar", ACTION_BUTTONS[action.value]),
                translate("ar", STATUS_NAMES[target.value]),
                translate("ar", by).replace("'", "&#39;"),
            ]

    def test_every_taxonomy_is_named_described_and_counted(
        self, client: TestClient, session: Session
    ) -> None:
        text = client.get("/methodology", params={"lang": "fr"}).text

        counted = dict(
            re.findall(
                r'<tr data-taxonomy="([a-z_]+)">.*?data-terms="(\d+)"', text, re.S
            )
        )
        assert list(counted) == [taxonomy.name for taxonomy in TAXONOMIES]
        for taxonomy in TAXONOMIES:
            in_db = session.exec(
                select(func.count())
                .select_from(taxonomy.model)
                .where(col(taxonomy.model.retired_at).is_(None))
            ).one()
            assert int(counted[taxonomy.name]) == in_db > 0, taxonomy.name
            assert translate("fr", TAXONOMY_TITLES[taxonomy.name]) in text
        assert set(TAXONOMY_DESCRIPTIONS) == {t.name for t in TAXONOMIES}

    def test_term_counts_follow_the_database(
        self, client: TestClient, session: Session
    ) -> None:
        before = self._technologies(client)
        term = session.exec(select(Technology).order_by(col(Technology.code))).first()
        assert term is not None
        term.retired_at = utcnow()
        session.add(term)
        session.commit()

        assert self._technologies(client) == before - 1

    @staticmethod
    def _technologies(client: TestClient) -> int:
        text = client.get("/methodology", params={"lang": "en"}).text
        found = re.search(
            r'<tr data-taxonomy="technology">.*?data-terms="(\d+)"', text, re.S
        )
        assert found
        return int(found.group(1))

    def test_action_lines_are_listed_with_c7_s_areas_under_it(
        self, client: TestClient
    ) -> None:
        text = client.get("/methodology", params={"lang": "en"}).text
        listing = text[text.index('<ul class="action-line-list">') :]
        c7 = listing[listing.index('href="/action-lines/C7?lang=en"') :]
        c7 = c7[: c7.index("</ul>")]

        assert re.findall(r"/action-lines/(C7\.\d)\?", c7) == [
            f"C7.{n}" for n in range(1, 9)
        ]
        assert "E-health" in c7


class TestLicence:
    def test_the_default_licence_is_named_and_linked(self, client: TestClient) -> None:
        text = client.get("/licence", params={"lang": "ar"}).text

        assert 'data-licence="CC-BY-4.0"' in text
        assert (
            '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">'
            "Creative Commons Attribution 4.0 International</a>"
        ) in text

    def test_the_licence_setting_changes_the_page(
        self, client_with: SettingsClient
    ) -> None:
        with client_with(data_licence="CC0-1.0") as other:
            text = other.get("/licence", params={"lang": "en"}).text

        zero = DATA_LICENCES["CC0-1.0"]
        assert f'<a href="{zero.url}" rel="license">{zero.name}</a>' in text
        assert "creativecommons.org/licenses/by/4.0" not in text
        assert "does not require you to credit the source" in text

    def test_the_feed_and_the_api_description_carry_the_same_licence(
        self, client_with: SettingsClient
    ) -> None:
        with client_with(data_licence="ODbL-1.0") as other:
            feed = other.get("/feeds/projects.atom").text
            api = other.get("/openapi.json").json()

        odbl = DATA_LICENCES["ODbL-1.0"]
        assert f'<link rel="license" href="{odbl.url}"/>' in feed
        assert f"<rights>{odbl.name}</rights>" in feed
        assert api["info"]["license"] == {"name": odbl.name, "url": odbl.url}

    def test_an_unknown_licence_is_refused_at_start(self) -> None:
        with pytest.raises(ValidationError, match="data_licence"):
            Settings(data_licence="All rights reserved")

    def test_citations_of_the_repository_and_of_an_entry(
        self, client_with: SettingsClient
    ) -> None:
        with client_with(public_base_url="https://repo.example") as other:
            text = other.get("/licence", params={"lang": "en"}).text

        repository = re.search(r'id="cite-repository">(.*?)</p>', text)
        entry = re.search(r'id="cite-entry">(.*?)</p>', text)
        assert repository
        assert entry
        assert '<bdi dir="ltr">https://repo.example/</bdi>' in repository.group(1)
        assert repository.group(1).count("<bdi") == 2  # the address, the date
        assert plain(repository.group(1)) == (
            "Arab ICT Organization (AICTO). AICTO Regional Repository of AI and "
            "Emerging-Technology Initiatives. https://repo.example/ "
            f"(accessed {date.today().isoformat()})."
        )
        assert plain(entry.group(1)) == (
            "[Title of the entry]. AICTO Regional Repository of AI and "
            "Emerging-Technology Initiatives, entry [identifier], published "
            "[date of publication]. https://repo.example/projects/[identifier]"
        )


class TestContact:
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_without_an_address_the_page_sends_to_aicto_s_website(
        self, client: TestClient, lang: str
    ) -> None:
        text = client.get("/contact", params={"lang": lang}).text

        assert "mailto:" not in text
        assert text.count('href="https://www.aicto.org"') == 2
        assert f'href="/register?lang={lang}"' in text

    def test_with_an_address_the_page_shows_it_as_a_mail_link(
        self, client_with: SettingsClient
    ) -> None:
        with client_with(contact_email="repository@aicto.example") as other:
            text = other.get("/contact", params={"lang": "fr"}).text

        assert (
            '<a href="mailto:repository@aicto.example" dir="ltr">'
            "repository@aicto.example</a>"
        ) in text
        assert text.count('href="https://www.aicto.org"') == 1

    def test_a_malformed_address_is_refused_at_start(self) -> None:
        with pytest.raises(ValidationError, match="contact_email"):
            Settings(contact_email="not an address")
