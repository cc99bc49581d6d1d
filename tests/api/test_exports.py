"""Downloads of search results: CSV, XLSX and JSON, streamed, public rows only."""

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.models import ProjectStatus
from app.services import exports
from tests.factories import make_project

EXPORT = "/api/v1/projects/export"


@pytest.fixture
def published(session: Session) -> list[str]:
    """Three published entries (one with a formula-like title), and a draft."""
    made = [
        make_project(
            session,
            title={
                "ar": '=HYPERLINK("http://evil.example")',
                "en": "=cmd|' /C calc'!A0",
            },
            keywords=["+danger", "@sum", "safe"],
            action_lines=["C7.3", "C4"],
            primary_action_line="C7.3",
            sdgs=[4, 9],
            countries=["TN", "MA"],
        ).public_id,
        make_project(session, countries=["EG"]).public_id,
        make_project(session, countries=["JO"]).public_id,
    ]
    make_project(session, status=ProjectStatus.DRAFT, title={"ar": "مسودة سرية"})
    return made


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Arabic right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


class TestCsv:
    def test_every_public_row_with_translated_headers(
        self, client: TestClient, published: list[str]
    ) -> None:
        response = client.get(EXPORT, params={"format": "csv", "lang": "ar"})

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = parse_csv(response.content)
        assert rows[0][:4] == ["المعرّف", "العنوان", "الرابط", "الملخص"]
        assert sorted(row[0] for row in rows[1:]) == sorted(published)
        assert "مسودة سرية" not in response.text
        assert "private-contact@example.org" not in response.text

    def test_machine_keys_and_a_link_to_each_entry(
        self, client: TestClient, published: list[str]
    ) -> None:
        response = client.get(
            EXPORT, params={"lang": "fr", "country": "MA", "header": "keys"}
        )

        header, (entry,) = (
            parse_csv(response.content)[0],
            parse_csv(response.content)[1:],
        )
        cell = dict(zip(header, entry, strict=True))
        assert header[:4] == ["id", "title", "url", "summary"]
        assert cell["url"] == f"http://127.0.0.1:8000/projects/{published[0]}?lang=fr"
        assert cell["countries"] == "Maroc; Tunisie"  # the values stay translated

    @pytest.mark.usefixtures("published")
    def test_the_file_is_named_after_its_filters_and_day(
        self, client: TestClient
    ) -> None:
        response = client.get(
            EXPORT,
            params={"format": "xlsx", "action_line": "C7.3", "country": "MA", "q": "x"},
        )

        disposition = response.headers["content-disposition"]
        assert re.search(
            r'filename="projects-C7\.3-MA-search-\d{8}\.xlsx"', disposition
        )
        unfiltered = client.get(EXPORT).headers["content-disposition"]
        assert re.search(r'filename="projects-\d{8}\.csv"', unfiltered)

    def test_multi_valued_fields_are_joined_and_labelled(
        self, client: TestClient, published: list[str]
    ) -> None:
        rows = parse_csv(
            client.get(EXPORT, params={"lang": "en", "country": "MA"}).content
        )
        header, (entry,) = rows[0], rows[1:]
        cell = dict(zip(header, entry, strict=True))

        assert cell["ID"] == published[0]
        assert cell["Countries"] == "Morocco; Tunisia"  # in the taxonomy's order
        assert cell["WSIS action lines"] == "C4 Capacity building; C7.3 E-learning"
        assert cell["Sustainable Development Goals"].startswith(
            "4 Quality education; 9 "
        )

    def test_formula_cells_are_defused(
        self, client: TestClient, published: list[str]
    ) -> None:
        rows = parse_csv(
            client.get(EXPORT, params={"lang": "en", "country": "MA"}).content
        )
        cell = dict(zip(rows[0], rows[1], strict=True))

        assert cell["Title"] == "'=cmd|' /C calc'!A0"
        assert cell["Keywords"] == "'+danger; @sum; safe"
        assert published

    def test_filters_apply_and_bad_ones_fail_before_streaming(
        self, client: TestClient, published: list[str]
    ) -> None:
        rows = parse_csv(client.get(EXPORT, params={"country": ["EG", "JO"]}).content)
        refused = client.get(EXPORT, params={"country": "XX"})

        assert sorted(row[0] for row in rows[1:]) == sorted(published[1:])
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["query", "country"]

    def test_many_batches_stream_every_row_once(
        self,
        client: TestClient,
        published: list[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(exports, "BATCH", 2)

        rows = parse_csv(client.get(EXPORT).content)

        assert sorted(row[0] for row in rows[1:]) == sorted(published)


class TestXlsx:
    @pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("en", False)])
    def test_workbook_opens_with_one_row_per_entry(
        self, client: TestClient, published: list[str], lang: str, rtl: bool
    ) -> None:
        response = client.get(EXPORT, params={"format": "xlsx", "lang": lang})

        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert bool(sheet.sheet_view.rightToLeft) is rtl
        assert len(values) == 1 + len(published)
        assert sorted(str(row[0]) for row in values[1:]) == sorted(published)
        titles = {str(row[1]) for row in values[1:]}
        assert not any(title.startswith("=") for title in titles)

    def test_the_header_is_frozen_filterable_and_the_columns_wide_enough(
        self, client: TestClient, published: list[str]
    ) -> None:
        response = client.get(EXPORT, params={"format": "xlsx", "lang": "en"})

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.auto_filter.ref.endswith(str(1 + len(published)))
        widths = {
            sheet.cell(1, i).value: sheet.column_dimensions[col].width
            for i, col in enumerate("ABCD", start=1)
        }
        assert widths["Title"] == 48
        assert widths["ID"] == 12


class TestJson:
    def test_a_streamed_array_of_public_records(
        self, client: TestClient, published: list[str]
    ) -> None:
        response = client.get(EXPORT, params={"format": "json"})

        records = json.loads(response.content)
        assert sorted(record["id"] for record in records) == sorted(published)
        assert all("contact" not in record for record in records)
        assert "private-contact@example.org" not in response.text
