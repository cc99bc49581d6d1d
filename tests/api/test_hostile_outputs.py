"""Every output survives any stored text: the feed, the exports and the charts
of a published entry whose texts (and taxonomy labels) hold each hostile class.

The text goes straight into the rows, as an old row (before the input policy)
would hold it. No 5xx, every document parses, every row is complete.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.encoding import csv_text, spreadsheet_text, xml_text
from app.messages import EXPORT_COLUMNS
from app.models import ActionLine, Country, Project, Sdg
from tests.factories import make_project
from tests.support.databases import Database
from tests.support.hostile import HOSTILE

EXPORT = "/api/v1/projects/export"
FEED = "/feeds/projects.atom"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
SVG = "{http://www.w3.org/2000/svg}"
CHARTS = ["action-lines", "sdgs", "countries", "years", "action-lines-by-country"]
COLUMNS = len(EXPORT_COLUMNS)


def as_parsed(text: str) -> str:
    """`text` as an XML parser reports element content (line ends normalised)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(params=list(HOSTILE))
def hostile(request: pytest.FixtureRequest, db: Database, session: Session) -> str:
    """The hostile text of one class, stored in a published entry's title,
    summary and organisation, and in the labels of its country, action line
    and SDG (labels are data too)."""
    text = HOSTILE[request.param]
    if db.backend == "postgresql" and "\x00" in text:
        pytest.skip("PostgreSQL text cannot hold NUL: no such row can exist there")
    project = make_project(session, countries=["TN"], action_lines=["C7.3"], sdgs=[4])
    stored = session.get(Project, project.id)
    assert stored is not None
    stored.title_en = stored.summary_en = stored.lead_org_name = text
    for term in (
        session.get(Country, "TN"),
        session.get(ActionLine, "C7.3"),
        session.get(Sdg, 4),
    ):
        assert term is not None
        term.name_en = text
        session.add(term)
    session.add(stored)
    session.commit()
    return text


class TestFeed:
    def test_the_feed_parses_and_shows_the_text_as_text(
        self, client: TestClient, hostile: str
    ) -> None:
        response = client.get(FEED, params={"lang": "en"})

        assert response.status_code == 200
        (entry,) = ET.fromstring(response.content).findall("a:entry", ATOM)
        shown = as_parsed(xml_text(hostile))
        assert entry.findtext("a:title", namespaces=ATOM) == shown
        assert entry.findtext("a:summary", namespaces=ATOM) == shown
        author = entry.findtext("a:author/a:name", namespaces=ATOM)
        assert author == (as_parsed(xml_text(hostile).strip()) or "AICTO")
        labels = [c.get("label") for c in entry.findall("a:category", ATOM)]
        assert len(labels) == 1


class TestExports:
    def test_the_workbook_opens_and_the_row_is_complete(
        self, client: TestClient, hostile: str
    ) -> None:
        response = client.get(EXPORT, params={"format": "xlsx", "lang": "en"})

        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        header, row = sheet.iter_rows(values_only=True)
        assert len(header) == len(row) == COLUMNS
        cell = dict(zip(header, row, strict=True))
        expected = spreadsheet_text(hostile) or None  # an empty cell reads as None
        assert cell["Title"] == cell["Summary"] == cell["Lead organisation"]
        assert cell["Title"] == expected
        assert cell["Countries"] == expected
        assert cell["Last updated"]  # the row goes on to its last column

    def test_the_csv_parses_and_formulas_are_defused(
        self, client: TestClient, hostile: str
    ) -> None:
        response = client.get(EXPORT, params={"format": "csv", "lang": "en"})

        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        header, row = csv.reader(io.StringIO(text, newline=""))
        assert len(header) == len(row) == COLUMNS
        cell = dict(zip(header, row, strict=True))
        assert cell["Title"] == cell["Lead organisation"] == csv_text(hostile)
        assert "\x00" not in text
        assert not cell["Title"].startswith(("=", "+", "-", "@"))
        assert cell["Last updated"]

    def test_the_json_parses_and_keeps_the_text(
        self, client: TestClient, hostile: str
    ) -> None:
        response = client.get(EXPORT, params={"format": "json", "lang": "en"})

        assert response.status_code == 200
        (record,) = json.loads(response.content)
        assert record["title"]["en"] == hostile  # JSON escapes: nothing lost
        assert record["lead_organization"]["name"] == hostile


class TestCharts:
    def test_every_chart_parses_with_the_label_as_text(
        self, client: TestClient, hostile: str
    ) -> None:
        for name in CHARTS:
            response = client.get(f"/charts/{name}.svg", params={"lang": "en"})

            assert response.status_code == 200, name
            root = ET.fromstring(response.content)
            titles = [t.text or "" for t in root.iter(f"{SVG}title")]
            assert len(titles) > 1, name
        countries = ET.fromstring(
            client.get("/charts/countries.svg", params={"lang": "en"}).content
        )
        bars = [t.text for t in countries.iter(f"{SVG}title")]
        assert f"{as_parsed(xml_text(hostile))}: 1" in bars


class TestFeedAddresses:
    def test_a_forged_host_header_does_not_reach_the_feed(
        self, client: TestClient, session: Session
    ) -> None:
        make_project(session)
        base = client.app.state.settings.public_base_url  # type: ignore[attr-defined]

        response = client.get(
            FEED, params={"lang": "en"}, headers={"Host": "evil.example"}
        )

        assert response.status_code == 200
        assert b"evil.example" not in response.content
        feed = ET.fromstring(response.content)
        ids = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}id")]
        links = [
            link.get("href") or ""
            for link in feed.iter("{http://www.w3.org/2005/Atom}link")
            if link.get("rel") != "license"  # the licence's own address
        ]
        assert len(ids) == 2
        assert len(links) == 3  # self, the catalog, the entry
        assert all(address.startswith(f"{base}/") for address in ids + links)
        self_link = feed.find("a:link[@rel='self']", ATOM)
        assert self_link is not None
        assert self_link.get("href") == f"{base}/feeds/projects.atom?lang=en"
