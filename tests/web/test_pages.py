"""The public pages: every page in Arabic (right to left), English and French."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.languages import Language
from app.models import ProjectStatus
from tests.factories import make_project

PAGES = ["/", "/projects", "/countries/TN", "/action-lines/C7.3", "/dashboard"]


def html_lang(text: str) -> tuple[str, str]:
    found = re.search(r'<html lang="(\w+)" dir="(\w+)">', text)
    assert found, text[:200]
    return found.group(1), found.group(2)


@pytest.fixture
def published(session: Session) -> str:
    return make_project(
        session,
        is_sample=True,
        original_language="en",
        title={"en": "Date palm disease detection", "ar": "كشف أمراض النخيل"},
        summary={"en": "Computer vision for palm groves."},
        countries=["TN"],
    ).public_id


class TestEveryPage:
    @pytest.mark.usefixtures("published")
    @pytest.mark.parametrize("path", PAGES)
    @pytest.mark.parametrize(
        ("lang", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")]
    )
    def test_renders_in_each_language(
        self, client: TestClient, path: str, lang: str, direction: str
    ) -> None:
        response = client.get(path, params={"lang": lang})

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert html_lang(response.text) == (lang, direction)
        assert "/static/css/site.css" in response.text

    def test_arabic_is_the_default_then_accept_language_then_the_cookie(
        self, client: TestClient
    ) -> None:
        assert html_lang(client.get("/").text)[0] == "ar"
        assert (
            html_lang(client.get("/", headers={"Accept-Language": "fr-FR"}).text)[0]
            == "fr"
        )

        chosen = client.get("/", params={"lang": "en"})
        assert "lang=en" in chosen.headers["set-cookie"]
        assert "HttpOnly" in chosen.headers["set-cookie"]
        assert (
            html_lang(client.get("/", headers={"Accept-Language": "fr"}).text)[0]
            == "en"
        )

    @pytest.mark.usefixtures("published")
    @pytest.mark.parametrize("path", [*PAGES, "/projects?country=XX"])
    def test_the_configured_default_language_is_every_page_s(
        self, client: TestClient, path: str
    ) -> None:
        state = client.app.state  # type: ignore[attr-defined]
        configured = state.settings
        state.settings = configured.model_copy(update={"default_locale": Language.FR})
        try:
            default = client.get(path)
            chosen = client.get(path, headers={"Accept-Language": "ar"})
        finally:
            state.settings = configured

        assert html_lang(default.text) == ("fr", "ltr")
        assert html_lang(chosen.text) == ("ar", "rtl")


class TestCatalog:
    def test_facets_chips_downloads_and_results(
        self, client: TestClient, published: str
    ) -> None:
        response = client.get(
            "/projects", params={"country": "TN", "action_line": "C7", "lang": "en"}
        )

        text = response.text
        assert f"/projects/{published}?lang=en" in text
        assert 'name="country" value="TN" checked' in text
        assert "/api/v1/projects/export?" in text
        assert "format=xlsx" in text
        assert "Tunisia" in text  # a chip with the country's name

    @pytest.mark.usefixtures("published")
    @pytest.mark.parametrize(
        ("lang", "line", "country"),
        [
            ("en", "C7.4 E-health", "Egypt"),
            ("ar", "C7.4 الصحة الإلكترونية", "مصر"),
            ("fr", "C7.4 Cybersanté", "Égypte"),
        ],
    )
    def test_chosen_values_stay_listed_checked_and_named_when_nothing_matches(
        self, client: TestClient, lang: str, line: str, country: str
    ) -> None:
        text = client.get(
            "/projects", params={"action_line": "C7.4", "country": "EG", "lang": lang}
        ).text

        chips = re.findall(r'<button type="submit" class="chip"[^>]*>([^<]*)<', text)
        assert [chip.strip() for chip in chips] == [line, country]
        assert 'name="action_line" value="C7.4" checked' in text
        assert 'name="country" value="EG" checked' in text
        sub_line = re.search(r'<label class="sub"><input[^>]*value="C7.4"', text)
        assert sub_line, "C7.4 is indented under C7"
        assert re.search(r'<label><input[^>]*value="EG"', text)  # not a sub-line

    @pytest.mark.parametrize(
        ("lang", "total"),
        [("ar", "مبادرتان"), ("en", "2 entries"), ("fr", "2 initiatives")],
    )
    def test_the_total_is_counted_in_the_language_s_plural(
        self, client: TestClient, session: Session, lang: str, total: str
    ) -> None:
        for title in ("Flood maps", "Drought alerts"):
            make_project(session, title={"en": title}, original_language="en")

        text = client.get("/projects", params={"lang": lang}).text

        assert f'<p class="total">{total}</p>' in text

    @pytest.mark.parametrize(
        ("lang", "shown"),
        [
            ("en", "3–4 of 5 entries"),
            ("fr", "3–4 sur 5 initiatives"),
            ("ar", "3–4 من 5 مبادرات"),
        ],
    )
    def test_numbered_pages_say_which_entries_they_show(
        self, client: TestClient, session: Session, lang: str, shown: str
    ) -> None:
        for n in range(5):
            make_project(session, title={"en": f"Entry {n}"}, original_language="en")

        text = client.get(
            "/projects", params={"limit": 2, "page": 2, "country": "TN", "lang": lang}
        ).text

        assert f'<p class="range">{shown}</p>' in text
        start = text.index('<nav class="pagination"')
        numbered = text[start : text.index("</nav>", start)]
        pages = re.findall(r'<li><a href="([^"]*)"( aria-current="page")?>', numbered)
        assert [bool(current) for _href, current in pages] == [False, True, False]
        first, second, third = (href.replace("&amp;", "&") for href, _ in pages)
        assert "page=" not in first
        assert "page=2" in second
        assert "page=3" in third
        assert all(
            "country=TN" in href and "limit=2" in href for href in (first, third)
        )
        assert re.search(r'rel="prev" href="[^"]*"', text)
        following = re.search(r'rel="next" href="([^"]*)"', text)
        assert following
        assert "cursor=" in following.group(1)
        assert "page=3" in following.group(1)

    @pytest.mark.usefixtures("published")
    def test_a_single_page_has_no_page_numbers(self, client: TestClient) -> None:
        text = client.get("/projects", params={"lang": "en"}).text

        assert '<p class="range">1–1 of 1 entry</p>' in text
        assert 'aria-current="page"' not in text
        assert 'rel="next"' not in text

    @pytest.mark.usefixtures("published")
    def test_facet_groups_fold_open_only_where_a_value_is_chosen(
        self, client: TestClient
    ) -> None:
        text = client.get("/projects", params={"country": "TN", "lang": "en"}).text

        groups = re.findall(r'<details class="facet"( open)?>\s*<summary>([^<]*)', text)
        opened = [title.strip() for is_open, title in groups if is_open]
        assert opened == ["Country"]
        assert len(groups) > 3

    def test_a_long_group_shows_eight_values_and_the_rest_behind_show_more(
        self, client: TestClient, session: Session
    ) -> None:
        countries = ["DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY"]
        for iso2 in countries:
            make_project(session, countries=[iso2])

        unused = client.get("/projects", params={"lang": "en"}).text
        chosen_late = client.get(
            "/projects", params={"country": "LY", "lang": "en"}
        ).text

        group = unused[unused.index('name="country"') - 600 :]
        assert "Show 2 more" in group
        assert 'data-filter-label="Find in Country"' in unused
        assert '<details class="more">' in unused
        assert '<details class="more" open>' in chosen_late  # Libya is the 10th

    def test_the_feed_of_the_current_filter_is_linked(self, client: TestClient) -> None:
        text = client.get(
            "/projects",
            params={"country": "TN", "q": "water", "page": 2, "lang": "fr"},
        ).text

        feeds = re.findall(r'href="(/feeds/projects\.atom\?[^"]*)"', text)
        assert "/feeds/projects.atom?lang=fr" in feeds  # the whole site's
        filtered = [feed for feed in feeds if "country=TN" in feed]
        assert len(filtered) == 2  # this page's <link> and the visible link
        mine = filtered[0].replace("&amp;", "&")
        assert "country=TN" in mine
        assert "q=water" in mine
        assert "lang=fr" in mine
        assert "page=" not in mine
        assert client.get(mine).status_code == 200
        export = re.search(r'href="(/api/v1/projects/export\?[^"]*)"', text)
        assert export
        assert "page=" not in export.group(1)

    def test_the_years_running_stay_through_sort_and_are_a_chip(
        self, client: TestClient
    ) -> None:
        text = client.get(
            "/projects", params={"year_from": 2021, "year_to": 2024, "lang": "ar"}
        ).text

        assert re.search(r'class="chip"[^>]*value="years:all">جارية 2021–2024', text)
        assert '<input type="hidden" name="year_from" value="2021">' in text
        assert '<input type="hidden" name="year_to" value="2024">' in text
        removed = client.get(
            "/projects",
            params={"year_from": 2021, "remove": "years:all", "lang": "ar"},
            follow_redirects=False,
        )
        assert removed.headers["location"] == "/projects?lang=ar"

    @pytest.mark.usefixtures("published")
    def test_a_suggestion_starts_its_answer_on_the_first_page(
        self, client: TestClient
    ) -> None:
        text = client.get(
            "/projects", params={"q": "palm", "country": "EG", "page": 3, "lang": "en"}
        ).text

        offer = re.search(r'<a href="([^"]*)">Without Country \(1\)', text)
        assert offer
        assert "page=" not in offer.group(1)

    def test_an_action_line_page_counts_in_the_arabic_plural(
        self, client: TestClient, session: Session
    ) -> None:
        for _ in range(3):
            make_project(session, action_lines=["C7.3"], primary_action_line="C7.3")

        text = client.get("/action-lines/C7.3", params={"lang": "ar"}).text

        assert '<p class="total">3 مبادرات ·' in text

    def test_a_filter_without_checkboxes_is_kept_by_a_hidden_field(
        self, client: TestClient
    ) -> None:
        text = client.get(
            "/projects", params={"wsis_target": "a", "sort": "title", "lang": "en"}
        ).text

        assert '<input type="hidden" name="wsis_target" value="a">' in text

    def test_the_words_searched_are_marked_in_titles_and_summaries(
        self, client: TestClient, session: Session
    ) -> None:
        make_project(
            session,
            title={"ar": "منصة <الصحة> الرقمية", "en": "Digital health platform"},
        )

        text = client.get("/projects", params={"q": "للصحة", "lang": "ar"}).text

        assert "منصة &lt;<mark>الصحة</mark>&gt; الرقمية" in text
        assert "<mark>" not in client.get("/projects", params={"lang": "ar"}).text

    @pytest.mark.parametrize(
        ("lang", "offer"),
        [
            ("en", "Filter by C7.7 E-agriculture (1)"),
            ("ar", "التصفية حسب C7.7 الزراعة الإلكترونية (1)"),
            ("fr", "Filtrer par C7.7 Cyberagriculture (1)"),
        ],
    )
    def test_a_query_naming_a_term_offers_its_filter(
        self, client: TestClient, session: Session, lang: str, offer: str
    ) -> None:
        make_project(
            session,
            original_language="en",
            title={"en": "Smart farming assistant"},
            action_lines=["C7.7"],
            primary_action_line="C7.7",
        )

        text = client.get("/projects", params={"q": "agriculture", "lang": lang}).text

        assert offer in text
        assert "action_line=C7.7" in text

    def test_no_result_is_never_a_dead_end(
        self, client: TestClient, published: str
    ) -> None:
        answer = client.get(
            "/projects", params={"q": "palm", "country": "EG", "lang": "en"}
        ).text

        assert "No entries match these filters." in answer
        assert "Without Country (1)" in answer  # the palm entry runs in Tunisia
        misspelt = client.get("/projects", params={"q": "plam", "lang": "en"}).text
        assert f"/projects/{published}?lang=en" in misspelt  # searched as "palm"
        assert "Results for &#34;palm&#34;: no entry holds &#34;plam&#34;" in misspelt
        assert "<mark>palm</mark>" in misspelt.lower()  # the word searched, marked

    @pytest.mark.parametrize(
        ("lang", "said"),
        [
            ("ar", "نتائج «palm»: لا يحتوي أي مدخل على «plam»"),
            ("fr", "Résultats pour « palm » : aucune fiche ne contient « plam »"),
        ],
    )
    @pytest.mark.usefixtures("published")
    def test_a_corrected_spelling_is_said_in_the_language(
        self, client: TestClient, lang: str, said: str
    ) -> None:
        text = client.get("/projects", params={"q": "plam", "lang": lang}).text

        assert said in text

    def test_bad_filters_get_an_error_page_in_the_language(
        self, client: TestClient
    ) -> None:
        response = client.get("/projects", params={"country": "XX", "lang": "fr"})

        assert response.status_code == 422
        assert html_lang(response.text) == ("fr", "ltr")
        assert "XX" in response.text


class TestProjectPage:
    def test_every_public_field_with_the_language_fallback_shown(
        self, client: TestClient, published: str
    ) -> None:
        text = client.get(f"/projects/{published}", params={"lang": "fr"}).text

        assert "Date palm disease detection" in text  # no French title: English
        assert 'lang="en"' in text
        assert "private-contact@example.org" not in text
        assert "/action-lines/C7.3?lang=fr" in text
        assert "badge sample" in text

    def test_every_public_field_in_its_group_with_links_and_a_citation(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(
            session,
            original_language="en",
            title={"en": "Flood early warning"},
            impact={"ar": "خفض الخسائر في الأرواح"},
            wsis_targets=["a"],
            gdc_objectives=[2],
            budget_range="under_50k",
            partners=[
                {
                    "name": "Partner Lab",
                    "entity_type": "private_sector",
                    "country": "MA",
                    "website": "https://partner.example",
                }
            ],
            responsible_ai={
                "data_sources": "Rain gauges and satellite data",
                "human_oversight": "Forecasters review every alert",
                "risk_assessment_done": True,
                "unesco_alignment": "partly",
            },
        ).public_id

        text = client.get(f"/projects/{entry}", params={"lang": "en"}).text

        headings = re.findall(r"<h2>([^<]+)</h2>", text)
        assert headings == [
            "What",
            "Who",
            "Where",
            "When",
            "WSIS mapping",
            "AI and responsible AI",
            "Impact",
            "Partners",
            "Funding",
            "Links",
            "Cite this entry",
        ]
        for shown in (
            "Rain gauges and satellite data",
            "Forecasters review every alert",
            "Partly",
            "Government",
            '<a href="https://test-platform.example/" rel="noopener noreferrer">',
            '<a href="https://partner.example/" rel="noopener noreferrer">'
            "Partner Lab (Morocco)</a>",
            '<a href="/projects?wsis_target=a&amp;lang=en">a ',
            '<a href="/projects?gdc_objective=2&amp;lang=en">2 ',
            '<a href="/projects?technology=machine_learning&amp;lang=en">',
            '<a href="/countries/TN?lang=en">Tunisia</a>',
            f'entry <bdi dir="ltr">{entry}</bdi>, published <bdi dir="ltr">',
            f"http://127.0.0.1:8000/projects/{entry}",
        ):
            assert shown in text, shown
        # The impact exists in Arabic only: shown so, marked and said.
        assert '<p lang="ar" dir="rtl">خفض الخسائر في الأرواح</p>' in text
        assert "Shown in Arabic: no version in this language yet." in text
        assert "private-contact@example.org" not in text

    def test_lists_are_joined_with_the_comma_of_the_language(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(session, keywords=["palm", "vision"]).public_id

        assert "palm, vision" in client.get(f"/projects/{entry}?lang=fr").text
        assert "palm، vision" in client.get(f"/projects/{entry}?lang=ar").text

    def test_unpublished_entries_are_a_404_page(
        self, client: TestClient, session: Session
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT).public_id

        response = client.get(f"/projects/{draft}", params={"lang": "ar"})

        assert response.status_code == 404
        assert html_lang(response.text) == ("ar", "rtl")

    def test_unknown_country_and_action_line_are_404_pages(
        self, client: TestClient
    ) -> None:
        assert client.get("/countries/XX").status_code == 404
        assert client.get("/action-lines/C99").status_code == 404


def test_pages_link_their_files_by_path_not_from_the_host_header(
    client: TestClient,
) -> None:
    page = client.get("/?lang=en", headers={"Host": "evil.example"})

    assert page.status_code == 200
    assert "evil.example" not in page.text
    assert 'href="/static/css/site.css"' in page.text


def test_the_site_has_its_own_icon(client: TestClient) -> None:
    page = client.get("/?lang=en").text
    icon = client.get("/static/img/favicon.svg")
    asked = client.get("/favicon.ico", follow_redirects=False)

    assert (
        '<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">' in page
    )
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert (asked.status_code, asked.headers["location"]) == (
        301,
        "/static/img/favicon.svg",
    )
