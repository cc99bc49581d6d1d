"""The map page (/map) and the map alone (/charts/map.svg): every member state
drawn and linked, the small states marked, the numbers those of the statistics,
the catalog's filters honoured, any stored name survives, and a missing shapes
file costs the map, not the page."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.encoding import xml_text
from app.models import Country
from app.schemas.search import ProjectFilters
from app.services import stats, taxonomy
from app.web import colours, maps
from tests.factories import make_project
from tests.support.databases import Database
from tests.support.hostile import HOSTILE

SVG = "{http://www.w3.org/2000/svg}"
SMALL_STATES = {"BH", "KM", "DJ", "PS", "QA", "LB"}
LANGUAGES = [("ar", "rtl", "تونس"), ("en", "ltr", "Tunisia"), ("fr", "ltr", "Tunisie")]

pytestmark = pytest.mark.skipif(
    not maps.MAP_FILE.exists(), reason="map shapes not prepared: run scripts/setup.sh"
)


def members(session: Session) -> set[str]:
    return {country.iso2 for country in taxonomy.list_countries(session)}


def links(svg: ET.Element) -> dict[str, ET.Element]:
    """Each country link of the map, by the ISO code its address names."""
    found = {}
    for link in svg.iter(f"{SVG}a"):
        href = link.get("href") or ""
        code = re.search(r"/countries/([A-Z]{2})\?|country=([A-Z]{2})", href)
        assert code, href
        found[code.group(1) or code.group(2)] = link
    return found


def inline_svg(html: str) -> ET.Element:
    """The map the page holds inline, parsed as XML (it is well-formed SVG)."""
    found = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert found, "no inline map"
    return ET.fromstring(found.group(0))


@pytest.fixture
def entries(session: Session) -> None:
    make_project(session, countries=["TN"], action_lines=["C7.3"])
    make_project(
        session,
        countries=["TN", "BH"],
        action_lines=["C7.4"],
        primary_action_line="C7.4",
    )
    make_project(
        session, countries=["EG"], action_lines=["C1"], primary_action_line="C1"
    )


@pytest.mark.usefixtures("entries")
class TestMapPage:
    @pytest.mark.parametrize(("lang", "direction", "tunisia"), LANGUAGES)
    def test_visitor_sees_the_map_and_its_table_in_each_language(
        self,
        client: TestClient,
        session: Session,
        lang: str,
        direction: str,
        tunisia: str,
    ) -> None:
        response = client.get("/map", params={"lang": lang})

        assert response.status_code == 200
        assert f'<html lang="{lang}" dir="{direction}">' in response.text
        assert "/static/css/map.css" in response.text
        svg = inline_svg(response.text)
        assert set(links(svg)) == members(session)
        assert (svg.get("direction") == "rtl") == (direction == "rtl")
        rows = re.findall(
            r'<th scope="row">([^<]*)</th>\s*<td class="number">(\d+)', response.text
        )
        assert len(rows) == 22
        assert (tunisia, "2") in rows
        assert f'href="/countries/TN?lang={lang}"' in response.text

    def test_every_member_state_links_to_its_page_named_with_its_count(
        self, client: TestClient
    ) -> None:
        svg = inline_svg(client.get("/map", params={"lang": "en"}).text)

        found = links(svg)
        for code, link in found.items():
            assert link.get("href") == f"/countries/{code}?lang=en"
        titles = {code: link.findtext(f"{SVG}title") for code, link in found.items()}
        assert titles["TN"] == "Tunisia: 2 entries"
        assert titles["BH"] == "Bahrain: 1 entry"
        assert titles["MA"] == "Morocco: 0 entries"

    def test_the_six_small_states_have_a_marker_and_their_name(
        self, client: TestClient
    ) -> None:
        svg = inline_svg(client.get("/map", params={"lang": "fr"}).text)

        marked = {
            code
            for code, link in links(svg).items()
            if link.find(f"{SVG}circle[@class='map-marker']") is not None
        }
        assert marked == SMALL_STATES
        bahrain = links(svg)["BH"]
        circle = bahrain.find(f"{SVG}circle")
        assert circle is not None
        assert float(circle.get("r") or 0) * 2 >= 24 * 1000 / 750  # 24 px at 750 px
        assert "Bahreïn" in "".join(bahrain.itertext())

    def test_label_ink_contrasts_with_its_fill(self) -> None:
        for fill in (*maps.CLASS_FILLS, maps.NO_ENTRIES_FILL):
            paper = maps.PAPER if fill.startswith("url") else fill
            assert colours.contrast(maps.ink_on(fill), paper) >= 4.5, fill

    def test_the_boundaries_note_is_under_the_map(self, client: TestClient) -> None:
        text = client.get("/map", params={"lang": "en"}).text

        assert "Boundaries as drawn by Natural Earth" in text
        assert text.index("</svg>") < text.index("Natural Earth")


@pytest.mark.usefixtures("entries")
class TestFilteredMap:
    def test_filters_count_as_the_statistics_do_and_link_to_the_catalog(
        self, client: TestClient, session: Session
    ) -> None:
        response = client.get("/map", params={"action_line": "C7", "lang": "en"})

        assert response.status_code == 200
        expected = stats.summary(
            session, filters=ProjectFilters(action_line=["C7"]), locale="en"
        ).by["country"]
        rows = dict(
            re.findall(
                r'<th scope="row">([^<]*)</th>\s*<td class="number">(\d+)',
                response.text,
            )
        )
        assert {name: int(n) for name, n in rows.items() if n != "0"} == {
            entry.label: entry.count for entry in expected
        }
        assert rows["Egypt"] == "0"
        tunisia = links(inline_svg(response.text))["TN"]
        assert tunisia.get("href") == "/projects?action_line=C7&country=TN&lang=en"
        assert "see its entries in the catalog" in response.text
        assert re.search(r'aria-label="Active filters">\s*<li>C7 ', response.text)

    def test_the_standalone_map_takes_the_same_filters(
        self, client: TestClient
    ) -> None:
        response = client.get("/charts/map.svg", params={"country": "EG", "lang": "en"})

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        svg = ET.fromstring(response.content)
        titles = {
            code: link.findtext(f"{SVG}title") for code, link in links(svg).items()
        }
        assert titles["EG"] == "Egypt: 1 entry"
        assert titles["TN"] == "Tunisia: 0 entries"

    @pytest.mark.parametrize("path", ["/map", "/charts/map.svg"])
    def test_an_unknown_filter_code_is_refused(
        self, client: TestClient, path: str
    ) -> None:
        response = client.get(path, params={"action_line": "C99", "lang": "en"})

        assert response.status_code == 422


class TestStandaloneMap:
    @pytest.mark.parametrize(("lang", "direction", "tunisia"), LANGUAGES)
    def test_the_svg_is_a_chart_file_in_each_language(
        self,
        client: TestClient,
        session: Session,
        lang: str,
        direction: str,
        tunisia: str,
    ) -> None:
        response = client.get("/charts/map.svg", params={"lang": lang})

        assert response.status_code == 200
        assert b'<?xml-stylesheet href="/static/css/charts.css"' in response.content
        svg = ET.fromstring(response.content)
        assert set(links(svg)) == members(session)
        assert all(link.get("target") == "_top" for link in links(svg).values())
        assert (svg.get("direction") == "rtl") == (direction == "rtl")
        assert tunisia in "".join(svg.itertext())
        assert "Natural Earth" in "".join(svg.itertext())

    def test_the_legend_starts_at_the_reading_side(self, client: TestClient) -> None:
        def legend_x(lang: str) -> float:
            svg = ET.fromstring(
                client.get("/charts/map.svg", params={"lang": lang}).content
            )
            legend = svg.find(f".//{SVG}g[@class='map-legend']/{SVG}rect")
            assert legend is not None
            return float(legend.get("x") or 0)

        assert legend_x("en") < 500 < legend_x("ar")


@pytest.fixture(
    params=["xml_markup", "script_tag", "nul", "c1_control", "bidi_override"]
)
def hostile_name(request: pytest.FixtureRequest, db: Database, session: Session) -> str:
    """Tunisia's English name holding one hostile class (as an old row could)."""
    text = HOSTILE[request.param]
    if db.backend == "postgresql" and "\x00" in text:
        pytest.skip("PostgreSQL text cannot hold NUL: no such row can exist there")
    make_project(session, countries=["TN"])
    tunisia = session.get(Country, "TN")
    assert tunisia is not None
    tunisia.name_en = text
    session.add(tunisia)
    session.commit()
    return text


class TestHostileNames:
    def test_a_stored_name_stays_text_in_the_svg_and_the_page(
        self, client: TestClient, hostile_name: str
    ) -> None:
        svg = ET.fromstring(
            client.get("/charts/map.svg", params={"lang": "en"}).content
        )
        page = client.get("/map", params={"lang": "en"})

        shown = xml_text(hostile_name).replace("\r\n", "\n")
        assert links(svg)["TN"].findtext(f"{SVG}title") == f"{shown}: 1 entry"
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert links(inline_svg(page.text))["TN"].findtext(f"{SVG}title") == (
            f"{shown}: 1 entry"
        )


class TestWithoutShapes:
    @pytest.fixture(autouse=True)
    def no_shapes(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setattr(maps, "MAP_FILE", tmp_path / "arab-states.json")

    def test_the_page_still_shows_the_table_and_says_why_there_is_no_map(
        self, client: TestClient
    ) -> None:
        response = client.get("/map", params={"lang": "en"})

        assert response.status_code == 200
        assert "<svg " not in response.text
        assert "its shapes have not been prepared" in response.text
        assert response.text.count('<th scope="row">') == 22

    def test_the_svg_answers_503_with_a_message(self, client: TestClient) -> None:
        response = client.get("/charts/map.svg", params={"lang": "en"})

        assert response.status_code == 503
        assert "scripts/prepare_map.py" in response.text

    def test_an_unreadable_file_is_no_500_either(self, client: TestClient) -> None:
        maps.MAP_FILE.write_text("{not json", encoding="utf-8")

        assert client.get("/charts/map.svg").status_code == 503
        assert client.get("/map").status_code == 200
