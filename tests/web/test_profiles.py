"""The country profile and the comparison of countries: pages in Arabic,
English and French, their 422s with field messages, and the CSV."""

import csv
import html
import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlmodel import Session

from app.i18n import translate
from app.messages import RULE_MESSAGES, VALIDATION_MESSAGES, ErrorCode
from app.models import Country
from tests.factories import make_project
from tests.support.hostile import HOSTILE

COMPARED = {"country": ["TN", "MA", "EG"]}
NAMES = {
    "ar": ("تونس", "المغرب"),
    "en": ("Tunisia", "Morocco"),
    "fr": ("Tunisie", "Maroc"),
}


def html_lang(text: str) -> tuple[str, str]:
    found = re.search(r'<html lang="(\w+)" dir="(\w+)">', text)
    assert found, text[:200]
    return found.group(1), found.group(2)


def hrefs(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', text)]


@pytest.fixture
def entries(session: Session) -> list[str]:
    """Three Tunisian entries (one also Moroccan), one Moroccan, one Egyptian."""
    made = [
        make_project(
            session,
            title={"en": "Arabic sign language avatar"},
            original_language="en",
            countries=["TN"],
            action_lines=["C7.3"],
            primary_action_line="C7.3",
            sdgs=[4],
        ),
        make_project(session, countries=["TN", "MA"], sdgs=[3, 9]),
        make_project(
            session, countries=["TN"], technologies=["generative_ai"], sdgs=[9]
        ),
        make_project(
            session, countries=["MA"], action_lines=["C4"], primary_action_line="C4"
        ),
        make_project(session, countries=["EG"], target_groups=["farmers"]),
    ]
    return [project.public_id for project in made]


@pytest.mark.usefixtures("entries")
class TestCountryProfile:
    @pytest.mark.parametrize(
        ("lang", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")]
    )
    def test_the_profile_renders_in_each_language(
        self, client: TestClient, lang: str, direction: str
    ) -> None:
        response = client.get("/countries/TN", params={"lang": lang})

        assert response.status_code == 200
        text = response.text
        assert html_lang(text) == (lang, direction)
        assert f"<h1>{NAMES[lang][0]}</h1>" in text
        assert (
            '<link rel="stylesheet" href="/static/css/profile.css" media="all">' in text
        )
        assert "style=" not in text  # the CSP refuses inline styles
        assert text.count('<table class="profile-table"') == 4

    def test_the_headline_tables_and_newest_entries_are_shown(
        self, client: TestClient, entries: list[str]
    ) -> None:
        text = client.get("/countries/TN", params={"lang": "en"}).text

        figures = dict(
            re.findall(r'<dt>([^<]*)</dt>\s*<dd><span class="value">([^<]*)<', text)
        )
        assert figures["Published entries"] == "3"
        assert figures["WSIS action lines covered"] == "1 of 11"
        assert "Regional average: 0.27 per member state" in text  # 6 / 22
        row = re.search(
            r'<th scope="row">4 Quality education</th>(.*?)</tr>', text, re.S
        )
        assert row, "SDG 4 has its row"
        cells = re.findall(r'<td class="num">(.*?)</td>', row.group(1))
        assert cells == [
            '<a href="/projects?country=TN&amp;sdg=4&amp;lang=en">1</a>',
            "33%",
            "0.14",  # three entries (the factory's SDG 4) / 22 member states
            "60%",  # three of the region's five
        ]
        assert '<th scope="row" class="sub">C7.3 E-learning</th>' in text
        assert 'class="sdg-4"' in text
        for public_id in entries[:3]:
            assert f"/projects/{public_id}?lang=en" in text
        assert f"/projects/{entries[4]}?lang=en" not in text  # Egyptian

    def test_the_profile_links_to_the_catalog_dashboard_and_comparison(
        self, client: TestClient
    ) -> None:
        text = client.get("/countries/TN", params={"lang": "fr"}).text

        links = hrefs(text)
        assert "/projects?country=TN&lang=fr" in links
        assert "/dashboard?country=TN&lang=fr" in links
        assert "/compare?country=TN&country=DZ&country=LY&country=MR&lang=fr" in links
        form = text[text.index('<form class="compare-with"') :]
        form = form[: form.index("</form>")]
        assert 'action="/compare" method="get"' in form
        assert '<input type="hidden" name="country" value="TN">' in form
        assert '<option value="MA">Maroc</option>' in form
        assert 'value="TN">Tunisie' not in form

    def test_the_printout_names_its_address_and_day(self, client: TestClient) -> None:
        text = client.get("/countries/tn", params={"lang": "en"}).text

        base = client.app.state.settings.public_base_url  # type: ignore[attr-defined]
        printed = re.search(r'<p class="print-only printed">(.*?)</p>', text)
        assert printed
        assert (
            f'<bdi dir="ltr" class="url">{base}/countries/TN?lang=en</bdi>'
            in printed.group(1)
        )
        assert str(date.today().year) in printed.group(1)

    def test_good_practices_have_a_place_but_no_made_up_list(
        self, client: TestClient
    ) -> None:
        text = client.get("/countries/TN", params={"lang": "en"}).text

        assert 'id="good-practices"' not in text  # until designations exist

    def test_an_unknown_country_is_a_404_page(self, client: TestClient) -> None:
        response = client.get("/countries/XX", params={"lang": "fr"})

        assert response.status_code == 404
        assert html_lang(response.text) == ("fr", "ltr")


def test_a_country_without_entries_says_so(client: TestClient) -> None:
    response = client.get("/countries/KM", params={"lang": "en"})

    assert response.status_code == 200
    assert "No published entry runs in this country yet." in response.text
    assert "profile-table" not in response.text


@pytest.mark.usefixtures("entries")
class TestComparePage:
    @pytest.mark.parametrize(
        ("lang", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")]
    )
    def test_countries_side_by_side_in_each_language(
        self, client: TestClient, lang: str, direction: str
    ) -> None:
        response = client.get("/compare", params={**COMPARED, "lang": lang})

        assert response.status_code == 200
        text = response.text
        assert html_lang(text) == (lang, direction)
        tunisia, morocco = NAMES[lang]
        assert f'<th scope="col">{tunisia}</th><th scope="col">{morocco}</th>' in text
        assert text.count('<table class="compare-table dimension-') == 4
        assert "style=" not in text
        for iso2 in COMPARED["country"]:
            assert f'value="{iso2}" checked' in text

    def test_each_count_links_to_the_catalog_filtered_to_country_and_value(
        self, client: TestClient
    ) -> None:
        text = client.get("/compare", params={**COMPARED, "lang": "en"}).text

        row = re.search(r'<th scope="row">9 Industry[^<]*</th>(.*?)</tr>', text, re.S)
        assert row
        counts = re.findall(
            r'<td class="cell">(.*?) <span class="share">\(([^)]*)\)', row.group(1)
        )
        assert counts == [
            ('<a href="/projects?country=TN&amp;sdg=9&amp;lang=en">2</a>', "67%"),
            ('<a href="/projects?country=MA&amp;sdg=9&amp;lang=en">1</a>', "50%"),
            ("0", "0%"),
        ]
        links = hrefs(text)
        assert "/compare.csv?country=TN&country=MA&country=EG&lang=en" in links
        assert (
            "/compare.csv?country=TN&country=MA&country=EG&lang=en&header=keys" in links
        )

    def test_without_countries_only_the_picker_is_shown(
        self, client: TestClient
    ) -> None:
        response = client.get("/compare", params={"lang": "ar"})

        assert response.status_code == 200
        assert response.text.count('type="checkbox" name="country"') == 22
        assert "compare-table" not in response.text
        assert 'class="error"' not in response.text

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    @pytest.mark.parametrize(
        ("countries", "kind", "bound"),
        [
            (["TN"], "too_short", {"min_length": 2}),
            (["TN", "MA", "EG", "DZ", "LY"], "too_long", {"max_length": 4}),
        ],
    )
    def test_fewer_than_two_or_more_than_four_is_a_422_with_the_field_s_message(
        self,
        client: TestClient,
        lang: str,
        countries: list[str],
        kind: str,
        bound: dict[str, int],
    ) -> None:
        response = client.get("/compare", params={"country": countries, "lang": lang})

        assert response.status_code == 422
        assert html_lang(response.text)[0] == lang
        message = translate(lang, VALIDATION_MESSAGES[kind], **bound)
        assert (
            f'<p class="error" id="e-country">{html.escape(message, quote=False)}</p>'
            in response.text
        )
        assert 'aria-describedby="e-country"' in response.text
        for iso2 in countries:  # the choice is kept, to correct it
            assert f'value="{iso2}" checked' in response.text
        assert "compare-table" not in response.text

    def test_an_unknown_code_is_a_422_naming_it(self, client: TestClient) -> None:
        response = client.get(
            "/compare", params={"country": ["TN", "<b>zz</b>"], "lang": "fr"}
        )

        assert response.status_code == 422
        message = translate(
            "fr", RULE_MESSAGES[ErrorCode.UNKNOWN_CODE], code="<B>ZZ</B>"
        )
        assert html.escape(message, quote=False) in response.text
        assert "<B>ZZ</B>" not in response.text
        assert 'value="TN" checked' in response.text

    def test_the_profile_s_form_with_no_choice_lands_on_the_422(
        self, client: TestClient
    ) -> None:
        response = client.get("/compare?lang=en&country=TN&country=")

        assert response.status_code == 422
        assert 'value="TN" checked' in response.text


@pytest.mark.usefixtures("entries")
class TestCompareCsv:
    def test_translated_header_counts_and_download_headers(
        self, client: TestClient
    ) -> None:
        response = client.get(
            "/compare.csv", params={"country": ["TN", "MA"], "lang": "fr"}
        )

        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        day = date.today().strftime("%Y%m%d")
        assert response.headers["content-disposition"] == (
            f'attachment; filename="compare-MA-TN-{day}.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["Dimension", "Code", "Libellé", "Tunisie", "Maroc"] or (
            rows[0][3:] == ["Tunisie", "Maroc"]
        )
        assert rows[1][3:] == ["3", "2"]
        sdg9 = [row for row in rows if row[1] == "9"]
        assert [row[3:] for row in sdg9] == [["2", "1"]]
        assert all(len(row) == 5 for row in rows)

    def test_stable_keys_with_header_keys(self, client: TestClient) -> None:
        response = client.get(
            "/compare.csv",
            params={"country": ["EG", "TN"], "header": "keys", "lang": "ar"},
        )

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["dimension", "code", "label", "EG", "TN"]
        assert {row[0] for row in rows[1:]} == {
            "entries",
            "action_line",
            "sdg",
            "technology",
            "target_group",
        }
        farmers = next(row for row in rows if row[1] == "farmers")
        assert farmers[:2] == ["target_group", "farmers"]

    def test_a_wrong_choice_is_a_422(self, client: TestClient) -> None:
        assert client.get("/compare.csv", params={"country": "TN"}).status_code == 422
        response = client.get("/compare.csv", params={"country": ["TN", "XX"]})
        assert response.status_code == 422

    def test_an_unknown_header_mode_is_a_422(self, client: TestClient) -> None:
        response = client.get(
            "/compare.csv", params={"country": ["TN", "MA"], "header": "raw"}
        )
        assert response.status_code == 422


@pytest.fixture(params=["script_tag", "xml_markup", "formula"])
def hostile(request: pytest.FixtureRequest, session: Session) -> str:
    """A hostile text as Tunisia's English name and a Tunisian entry's title
    (stored straight, as an old row would hold it)."""
    text = HOSTILE[request.param]
    make_project(session, countries=["TN"], title={"en": text}, original_language="en")
    make_project(session, countries=["MA"])
    country = session.get(Country, "TN")
    assert country is not None
    country.name_en = text
    session.add(country)
    session.commit()
    return text


class TestHostileNames:
    def test_the_profile_and_comparison_show_the_name_as_text(
        self, client: TestClient, hostile: str
    ) -> None:
        for path in ("/countries/TN", "/compare?country=TN&country=MA"):
            response = client.get(path, params={"lang": "en"})

            assert response.status_code == 200
            assert hostile not in response.text or "<" not in hostile
            assert str(escape(hostile)) in response.text
            assert "<script>alert" not in response.text

    def test_the_csv_parses_with_the_name_defused(
        self, client: TestClient, hostile: str
    ) -> None:
        response = client.get(
            "/compare.csv", params={"country": ["TN", "MA"], "lang": "en"}
        )

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert response.status_code == 200
        header = rows[0][3]
        assert header.lstrip("'") == hostile
        assert not header.startswith("=")
