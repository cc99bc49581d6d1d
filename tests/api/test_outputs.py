"""Statistics, charts and the feed, checked against a hand-built set of entries;
and the one visibility rule across every output."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.config import Settings
from app.models import ProjectStatus, User
from app.schemas.project import ProjectUpdate
from app.services import revisions
from app.web.charts import heat_colours
from tests.factories import make_project

SVG = "{http://www.w3.org/2000/svg}"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours written `#rrggbb` or `rgb(r,g,b)`."""

    def luminance(colour: str) -> float:
        if colour.startswith("#"):
            channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        else:
            channels = [int(c) for c in colour[4:-1].split(",")]
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (channel / 255 for channel in channels)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def entries(session: Session) -> dict[str, str]:
    """Three published entries with known filings."""
    return {
        "health": make_project(
            session,
            title={"ar": "صحة", "en": "Health"},
            action_lines=["C7.4", "C4"],
            primary_action_line="C7.4",
            sdgs=[3, 9],
            countries=["EG", "SD"],
            technologies=["machine_learning"],
            start_date="2021-02-01",
        ).public_id,
        "learning": make_project(
            session,
            title={"ar": "تعلم", "en": "Learning"},
            action_lines=["C7.3"],
            primary_action_line="C7.3",
            sdgs=[4],
            countries=["TN", "MA"],
            technologies=["generative_ai", "machine_learning"],
            start_date="2024-09-01",
        ).public_id,
        "security": make_project(
            session,
            title={"ar": "أمن", "en": "Security"},
            action_lines=["C5"],
            primary_action_line="C5",
            sdgs=[9],
            countries=["EG"],
            technologies=["ai_cybersecurity"],
            start_date="2024-01-01",
        ).public_id,
    }


def counts(entries: list[dict[str, Any]]) -> dict[Any, int]:
    return {entry["value"]: entry["count"] for entry in entries}


class TestStatistics:
    @pytest.mark.usefixtures("entries")
    def test_summary_counts_each_entry_once_per_value(self, client: TestClient) -> None:
        body = client.get("/api/v1/stats/summary", params={"lang": "en"}).json()

        assert body["total"] == 3
        by = body["by"]
        assert counts(by["sdg"]) == {3: 1, 4: 1, 9: 2}
        assert counts(by["country"]) == {"EG": 2, "SD": 1, "TN": 1, "MA": 1}
        assert counts(by["sub_region"]) == {"nile_valley": 2, "maghreb": 1}
        assert counts(by["technology"]) == {
            "machine_learning": 2,
            "generative_ai": 1,
            "ai_cybersecurity": 1,
        }
        # Running in each year: health from 2021 on, the others from 2024 on.
        assert counts(by["year"]) == {2024: 3, 2023: 1, 2022: 1, 2021: 1}
        assert counts(by["started"]) == {2024: 2, 2021: 1}
        lines = counts(by["action_line"])
        assert (lines["C7"], lines["C7.3"], lines["C7.4"], lines["C5"]) == (2, 1, 1, 1)

    @pytest.mark.usefixtures("entries")
    def test_summary_applies_the_filters(self, client: TestClient) -> None:
        body = client.get("/api/v1/stats/summary", params={"country": "EG"}).json()

        assert body["total"] == 2
        assert counts(body["by"]["country"]) == {"EG": 2, "SD": 1}

    @pytest.mark.usefixtures("entries")
    def test_matrix_counts_pairs(self, client: TestClient) -> None:
        body = client.get(
            "/api/v1/stats/matrix", params={"rows": "sdg", "cols": "country"}
        ).json()

        rows = [row["value"] for row in body["rows"]]
        cols = [col["value"] for col in body["cols"]]
        cell = {
            (r, c): body["cells"][i][j]
            for i, r in enumerate(rows)
            for j, c in enumerate(cols)
        }
        assert rows == [3, 4, 9]
        assert cell[(9, "EG")] == 2
        assert cell[(3, "SD")] == 1
        assert cell[(4, "EG")] == 0
        assert body["total"] == 3

    def test_an_unsupported_dimension_is_refused(self, client: TestClient) -> None:
        response = client.get("/api/v1/stats/matrix", params={"rows": "year"})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "rows"]


class TestCharts:
    @pytest.mark.usefixtures("entries")
    @pytest.mark.parametrize(
        "name",
        ["action-lines", "sdgs", "countries", "years", "action-lines-by-country"],
        # "started" has no links: test_new_entries_per_year_...
    )
    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_every_chart_is_svg_with_catalog_links(
        self, client: TestClient, name: str, lang: str
    ) -> None:
        response = client.get(f"/charts/{name}.svg", params={"lang": lang})

        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        root = ET.fromstring(response.content)
        links = [a.get("href") or "" for a in root.iter(f"{SVG}a")]
        assert links
        assert all(a.get("target") == "_top" for a in root.iter(f"{SVG}a"))
        assert all(
            link.startswith("/projects?") and f"lang={lang}" in link for link in links
        )
        assert (root.get("direction") == "rtl") is (lang == "ar")

    @pytest.mark.usefixtures("entries")
    def test_sdg_bars_use_the_sdg_colours_and_link_to_their_goal(
        self, client: TestClient
    ) -> None:
        root = ET.fromstring(client.get("/charts/sdgs.svg").content)
        bars = {
            a.get("href"): a.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
            for a in root.iter(f"{SVG}a")
        }

        assert bars == {
            "/projects?sdg=3&lang=ar": "#4C9F38",
            "/projects?sdg=4&lang=ar": "#C5192D",
            "/projects?sdg=9&lang=ar": "#FD6925",
        }

    @pytest.mark.usefixtures("entries")
    def test_links_keep_the_filters_the_chart_was_drawn_with(
        self, client: TestClient
    ) -> None:
        root = ET.fromstring(
            client.get(
                "/charts/action-lines-by-country.svg", params={"sdg": 9, "lang": "en"}
            ).content
        )
        links = {a.get("href") for a in root.iter(f"{SVG}a")}

        assert "/projects?sdg=9&action_line=C5&country=EG&lang=en" in links

    def test_a_chart_follows_what_is_published_after_it_was_drawn(
        self, client: TestClient, session: Session
    ) -> None:
        """Charts are kept with the catalog snapshot: the next one redraws them."""

        def countries_drawn() -> list[str | None]:
            chart = ET.fromstring(client.get("/charts/countries.svg").content)
            return [t.text for t in chart.iter(f"{SVG}title")][1:]

        make_project(session, countries=["EG"])
        assert countries_drawn() == ["مصر: 1"]
        make_project(session, countries=["EG", "TN"])
        assert countries_drawn() == ["مصر: 2", "تونس: 1"]

    def test_an_unknown_chart_is_404(self, client: TestClient) -> None:
        assert client.get("/charts/pie.svg").status_code == 404
        assert client.get("/charts/pie.csv").status_code == 404

    @pytest.mark.usefixtures("entries")
    def test_c7_is_a_heading_over_its_sub_lines_not_a_bar(
        self, client: TestClient
    ) -> None:
        root = ET.fromstring(
            client.get("/charts/action-lines.svg", params={"lang": "en"}).content
        )
        drawn = {
            (a.findtext(f"{SVG}title") or "").split(":")[0]: a
            for a in root.iter(f"{SVG}a")
        }

        c7 = drawn["C7 ICT applications"]
        assert c7.find(f"{SVG}rect") is None  # a heading with its total
        assert "(2)" in "".join(t.text or "" for t in c7.iter(f"{SVG}text"))
        widths = {
            name.split()[0]: float(a.find(f"{SVG}rect").get("width") or 0)  # type: ignore[union-attr]
            for name, a in drawn.items()
            if a.find(f"{SVG}rect") is not None
        }
        assert widths["C7.3"] == widths["C7.4"] == widths["C5"]  # 1 each: full
        label_x = {
            name.split()[0]: float(a.find(f"{SVG}text").get("x") or 0)  # type: ignore[union-attr]
            for name, a in drawn.items()
        }
        assert label_x["C7.3"] == label_x["C7"] + 16  # indented under C7

    @pytest.mark.usefixtures("entries")
    def test_new_entries_per_year_counts_start_years_without_links(
        self, client: TestClient
    ) -> None:
        root = ET.fromstring(
            client.get("/charts/started.svg", params={"lang": "en"}).content
        )

        titles = [t.text for t in root.iter(f"{SVG}title")][1:]
        assert titles == ["2024: 2", "2021: 1"]
        assert not list(root.iter(f"{SVG}a"))  # the catalog has no start filter

    @pytest.mark.usefixtures("entries")
    def test_the_heat_map_names_countries_in_the_language_under_code_columns(
        self, client: TestClient
    ) -> None:
        root = ET.fromstring(
            client.get(
                "/charts/action-lines-by-country.svg", params={"lang": "ar"}
            ).content
        )
        texts = [t.text for t in root.iter(f"{SVG}text")]

        assert {"مصر", "السودان", "تونس", "المغرب"} <= set(texts)
        assert {"C5", "C7.3", "C7.4"} <= set(texts)
        assert "C7" in texts  # the band over C7.3 and C7.4
        assert "EG" not in texts

    @pytest.mark.usefixtures("entries")
    @pytest.mark.parametrize(
        ("lang", "header"),
        [
            ("en", ["Code", "Name", "Entries"]),
            ("ar", ["الرمز", "الاسم", "المبادرات"]),
            ("fr", ["Code", "Nom", "Initiatives"]),
        ],
    )
    def test_a_chart_s_numbers_download_as_csv(
        self, client: TestClient, lang: str, header: list[str]
    ) -> None:
        response = client.get("/charts/countries.csv", params={"sdg": 9, "lang": lang})

        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
        disposition = response.headers["content-disposition"]
        assert re.fullmatch(
            r'attachment; filename="countries-9-\d{8}\.csv"', disposition
        )
        rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert rows[0] == header
        assert [(code, int(n)) for code, _name, n in rows[1:]] == [("EG", 2), ("SD", 1)]

    @pytest.mark.usefixtures("entries")
    def test_the_heat_map_s_numbers_are_a_country_by_line_table(
        self, client: TestClient
    ) -> None:
        text = client.get(
            "/charts/action-lines-by-country.csv", params={"lang": "en"}
        ).text
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))

        assert rows[0][:2] == ["Code", "Name"]
        line = {code: i for i, code in enumerate(rows[0])}
        egypt = next(row for row in rows if row[0] == "EG")
        assert egypt[1] == "Egypt"
        assert (egypt[line["C5"]], egypt[line["C7.4"]], egypt[line["C7.3"]]) == (
            "1",
            "1",
            "0",
        )

    def test_a_stored_formula_is_defused_in_a_chart_s_numbers(
        self, client: TestClient, session: Session
    ) -> None:
        make_project(session, countries=["EG"])
        text = client.get("/charts/countries.csv", params={"lang": "en"}).text

        assert "Egypt" in text
        assert not any(
            cell.startswith(("=", "+", "@"))
            for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))
            for cell in row
        )

    def test_heatmap_counts_are_readable_on_every_shade(self) -> None:
        shades = [heat_colours(count, 40) for count in range(1, 41)]

        assert min(contrast(fill, ink) for fill, ink in shades) >= 4.5
        assert {ink for _fill, ink in shades} == {"#000000", "#ffffff"}


class TestFeed:
    def test_valid_atom_with_the_newest_entries_first(
        self, client: TestClient, entries: dict[str, str]
    ) -> None:
        response = client.get("/feeds/projects.atom", params={"lang": "en"})

        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
            assert feed.find(required, ATOM) is not None, required
        assert feed.find("a:link[@rel='self']", ATOM) is not None
        items = feed.findall("a:entry", ATOM)
        assert [e.findtext("a:title", namespaces=ATOM) for e in items] == [
            "Security",
            "Learning",
            "Health",
        ]
        for item in items:
            for required in ("a:id", "a:title", "a:updated", "a:link", "a:author"):
                assert item.find(required, ATOM) is not None, required
            assert item.findtext("a:updated", namespaces=ATOM).endswith("Z")  # type: ignore[union-attr]
        assert entries["health"] in (items[-1].findtext("a:id", namespaces=ATOM) or "")

    @pytest.mark.usefixtures("entries")
    def test_the_feed_takes_the_search_filters(self, client: TestClient) -> None:
        feed = ET.fromstring(
            client.get("/feeds/projects.atom", params={"country": "MA"}).content
        )

        assert len(feed.findall("a:entry", ATOM)) == 1


class TestOneVisibilityRule:
    """Nothing unpublished (nor a pending revision) shows in any output."""

    @pytest.fixture
    def hidden(self, session: Session, contributor: User) -> str:
        published = make_project(session, owner=contributor, countries=["EG"])
        revisions.edit_project(
            session,
            public_id=published.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {"version": 1, "title": {"ar": "سر", "en": "SECRET-REVISION"}}
            ),
            settings=Settings(environment="test"),
        )
        for status in ProjectStatus:
            if status != ProjectStatus.APPROVED:
                make_project(
                    session,
                    status=status,
                    owner=contributor,
                    title={"ar": "مخفي", "en": f"HIDDEN-{status.value}"},
                    countries=["EG"],
                )
        return published.public_id

    def test_search_facets_exports_stats_charts_and_feed(
        self, client: TestClient, hidden: str
    ) -> None:
        search = client.get("/api/v1/projects", params={"lang": "en"}).json()
        assert [item["id"] for item in search["items"]] == [hidden]
        assert search["total"] == 1
        assert counts(search["facets"]["country"]) == {"EG": 1}
        assert (
            client.get("/api/v1/projects", params={"q": "HIDDEN"}).json()["total"] == 0
        )
        assert (
            client.get("/api/v1/projects", params={"q": "SECRET"}).json()["total"] == 0
        )

        texts = [
            client.get("/api/v1/projects/export", params={"format": fmt}).content
            for fmt in ("csv", "json")
        ]
        xlsx = client.get("/api/v1/projects/export", params={"format": "xlsx"}).content
        sheet = load_workbook(io.BytesIO(xlsx)).active
        texts.append(
            json.dumps([list(r) for r in sheet.iter_rows(values_only=True)]).encode()
        )
        texts.append(client.get("/feeds/projects.atom").content)
        for content in texts:
            assert b"HIDDEN" not in content
            assert b"SECRET-REVISION" not in content
        assert len(json.loads(texts[1])) == 1

        assert client.get("/api/v1/stats/summary").json()["total"] == 1
        assert client.get("/api/v1/stats/matrix").json()["total"] == 1
        chart = ET.fromstring(client.get("/charts/countries.svg").content)
        assert [t.text for t in chart.iter(f"{SVG}title")][1:] == ["مصر: 1"]
