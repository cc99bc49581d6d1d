"""The dashboard: the catalog's filters on every chart, headline figures, and
each chart's downloads."""

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.schemas.search import ProjectFilters
from app.services import stats
from app.web.dashboard import CHARTS
from tests.factories import make_project

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def maghreb(session: Session) -> None:
    """E-health in Tunisia and Morocco, e-learning in Tunisia, e-health in Egypt."""
    make_project(
        session,
        action_lines=["C7.4"],
        primary_action_line="C7.4",
        countries=["TN", "MA"],
        sdgs=[3],
        start_date="2022-03-01",
    )
    make_project(
        session,
        action_lines=["C7.3"],
        primary_action_line="C7.3",
        countries=["TN"],
        sdgs=[4],
        start_date="2024-01-01",
    )
    make_project(
        session,
        action_lines=["C7.4"],
        primary_action_line="C7.4",
        countries=["EG"],
        sdgs=[3],
        start_date="2023-06-01",
    )


def charts_in(text: str) -> dict[str, ET.Element]:
    """Each chart drawn in the page, by name."""
    found = re.findall(
        r'<figure class="chart[^"]*" id="chart-([a-z-]+)">\s*'
        r'<div class="chart-frame">(<svg.*?</svg>)',
        text,
        re.S,
    )
    return {name: ET.fromstring(svg) for name, svg in found}


@pytest.mark.usefixtures("maghreb")
class TestDashboard:
    def test_every_chart_is_drawn_in_the_page_with_the_filters(
        self, client: TestClient
    ) -> None:
        text = client.get(
            "/dashboard",
            params={"action_line": "C7.4", "sub_region": "maghreb", "lang": "en"},
        ).text

        charts = charts_in(text)
        assert list(charts) == list(CHARTS)

        def links(*names: str) -> list[str]:
            return [
                a.get("href") or ""
                for name in names
                for a in charts[name].iter(f"{SVG}a")
            ]

        assert all("sub_region=maghreb" in link for link in links(*CHARTS))
        # A bar of another dimension keeps the chosen line; the line charts
        # narrow it to their own line.
        assert all("action_line=C7.4" in link for link in links("sdgs", "countries"))
        titles = {t.text for t in charts["countries"].iter(f"{SVG}title")}
        assert {"Morocco: 1", "Tunisia: 1"} < titles
        assert "Egypt: 1" not in titles

    def test_each_chart_downloads_as_svg_and_its_numbers_as_csv(
        self, client: TestClient
    ) -> None:
        text = client.get("/dashboard", params={"country": "TN", "lang": "fr"}).text

        for name in CHARTS:
            svg = f'href="/charts/{name}.svg?country=TN&amp;lang=fr" download='
            assert svg in text
            assert f'href="/charts/{name}.csv?country=TN&amp;lang=fr"' in text
        assert client.get("/charts/sdgs.csv?country=TN&lang=fr").status_code == 200

    def test_headline_figures_count_what_the_filters_match(
        self, client: TestClient, session: Session
    ) -> None:
        text = client.get(
            "/dashboard", params={"action_line": "C7.4", "lang": "en"}
        ).text
        summary = stats.summary(
            session, filters=ProjectFilters(action_line=["C7.4"]), locale="en"
        )

        figures = re.findall(r"<li><strong>([^<]*)</strong> ([^<]*)</li>", text)
        assert figures == [
            (str(summary.total), "entries"),
            ("3", "countries"),
            ("1", "action line"),
            ("1", "goal (SDG)"),
            (str(len(summary.by["technology"])), figures[4][1]),
            ("2022", "earliest start year"),
        ]

    @pytest.mark.parametrize(
        ("params", "said"),
        [({}, "مبادرات"), ({"country": "EG"}, "مبادرة")],
    )
    def test_headline_words_follow_the_arabic_plural(
        self, client: TestClient, params: dict[str, str], said: str
    ) -> None:
        text = client.get("/dashboard", params={**params, "lang": "ar"}).text

        first = re.search(r"<li><strong>([^<]*)</strong> ([^<]*)</li>", text)
        assert first
        assert first.group(2) == said

    def test_a_filter_is_added_from_the_list_and_removed_by_its_chip(
        self, client: TestClient
    ) -> None:
        added = client.get(
            "/dashboard",
            params={"country": "TN", "add": "sdg:3", "lang": "en"},
            follow_redirects=False,
        )
        assert added.status_code == 303
        assert added.headers["location"] == "/dashboard?country=TN&lang=en&sdg=3"

        # A chip's button also sends the list's current value: it is ignored.
        removed = client.get(
            "/dashboard",
            params={"country": "TN", "sdg": 3, "remove": "country:TN", "add": "sdg:4"},
            follow_redirects=False,
        )
        assert removed.status_code == 303
        assert removed.headers["location"] == "/dashboard?sdg=3"

    def test_the_list_offers_only_values_not_chosen_yet(
        self, client: TestClient
    ) -> None:
        text = client.get("/dashboard", params={"country": "TN", "lang": "en"}).text

        assert '<option value="country:TN">' not in text
        assert '<option value="country:MA">Morocco</option>' in text
        assert '<option value="action_line:C7.4">— C7.4 E-health</option>' in text
        assert re.search(r'<button type="submit" class="chip"[^>]*>Tunisia', text)

    def test_unknown_codes_are_an_error_page_in_the_language(
        self, client: TestClient
    ) -> None:
        response = client.get("/dashboard", params={"country": "XX", "lang": "fr"})

        assert response.status_code == 422
        assert '<html lang="fr" dir="ltr">' in response.text

    def test_the_catalog_links_its_dashboard(self, client: TestClient) -> None:
        text = client.get("/projects", params={"country": "TN", "lang": "en"}).text

        assert 'href="/dashboard?country=TN&amp;lang=en"' in text

    def test_adding_a_filter_keeps_the_words_and_the_years(
        self, client: TestClient
    ) -> None:
        page = client.get(
            "/dashboard",
            params={"q": "health", "year_from": 2022, "lang": "en"},
        ).text
        assert re.search(r'class="chip"[^>]*value="q:all">Words: health', page)
        assert re.search(r'class="chip"[^>]*value="years:all">Running from 2022', page)
        assert '<input type="hidden" name="q" value="health">' in page
        assert '<input type="hidden" name="year_from" value="2022">' in page

        added = client.get(
            "/dashboard",
            params={"q": "health", "year_from": 2022, "add": "sdg:3"},
            follow_redirects=False,
        )
        assert added.headers["location"] == "/dashboard?year_from=2022&q=health&sdg=3"

    def test_the_whole_dashboard_offers_no_way_back_to_itself(
        self, client: TestClient
    ) -> None:
        whole = client.get("/dashboard", params={"lang": "en"}).text
        narrowed = client.get("/dashboard", params={"sdg": 3, "lang": "en"}).text

        assert ">All entries</a>" not in whole
        assert ">All entries</a>" in narrowed
