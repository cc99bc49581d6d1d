"""Partnership offers over the API: written with the record, answered with it,
filtered and counted in the catalog, exported."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.models import ProjectStatus, User
from tests.factories import bearer, make_project

NOTE = {"en": "We train teams that replicate it.", "fr": "Nous formons les équipes."}


class TestWriteOffers:
    def test_a_draft_is_created_and_edited_with_offers(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        headers = bearer(session, contributor)

        created = client.post(
            "/api/v1/projects",
            json={
                "original_language": "en",
                "title": {"en": "A draft"},
                "offers": ["seeks_partners"],
                "offer_note": NOTE,
            },
            headers=headers,
        )
        entry = f"/api/v1/projects/{created.json()['id']}"
        edited = client.patch(
            entry,
            json={"version": 1, "offers": ["seeks_partners", "offers_expertise"]},
            headers=headers,
        )
        record = client.get(f"{entry}/record", headers=headers).json()

        assert created.status_code == 201, created.text
        assert created.json()["offers"] == ["seeks_partners"]
        assert created.json()["offer_note"] == {**NOTE, "ar": None}
        assert edited.status_code == 200, edited.text
        assert record["offers"] == ["seeks_partners", "offers_expertise"]
        assert record["offer_note"]["fr"] == NOTE["fr"]

    def test_an_unknown_offer_is_a_field_error(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        response = client.post(
            "/api/v1/projects",
            json={
                "original_language": "en",
                "title": {"en": "A draft"},
                "offers": ["free_lunch"],
                "offer_note": {"en": "x" * 501},
            },
            headers=bearer(session, contributor),
        )

        assert response.status_code == 422
        locs = [error["loc"] for error in response.json()["detail"]]
        assert ["body", "offers", 0] in locs
        assert ["body", "offer_note", "en"] in locs


class TestReadOffers:
    def test_the_public_record_carries_codes_and_the_note(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(session, offers=["open_to_replication"], offer_note=NOTE)

        body = client.get(f"/api/v1/projects/{entry.public_id}").json()

        assert body["offers"] == ["open_to_replication"]
        assert body["offer_note"] == {"ar": None, **NOTE}

    def test_the_catalog_filters_and_counts_offers(
        self, client: TestClient, session: Session
    ) -> None:
        seeking = make_project(session, offers=["seeks_partners"])
        make_project(session, offers=["seeks_funding"])
        make_project(session)
        make_project(session, status=ProjectStatus.SUBMITTED, offers=["seeks_partners"])

        found = client.get("/api/v1/projects", params={"offer": "seeks_partners"})
        everything = client.get("/api/v1/projects", params={"lang": "en"}).json()

        assert found.status_code == 200
        assert [item["id"] for item in found.json()["items"]] == [seeking.public_id]
        assert found.json()["total"] == 1
        assert {
            (facet["value"], facet["count"]) for facet in everything["facets"]["offer"]
        } == {("seeks_partners", 1), ("seeks_funding", 1)}

    def test_an_unknown_offer_filter_is_a_422(self, client: TestClient) -> None:
        response = client.get("/api/v1/projects", params={"offer": "free_lunch"})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][:2] == ["query", "offer"]


class TestExportOffers:
    @pytest.fixture
    def entry(self, session: Session) -> str:
        return make_project(
            session,
            offers=["seeks_partners", "seeks_funding"],
            offer_note={"ar": "نبحث عن شركاء."},
        ).public_id

    def test_csv_columns(self, client: TestClient, entry: str) -> None:
        response = client.get(
            "/api/v1/projects/export",
            params={"format": "csv", "lang": "en", "header": "keys"},
        )

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = dict(zip(rows[0], rows[1], strict=True))
        assert cells["id"] == entry
        assert cells["offers"] == "Seeks partners; Seeks funding"
        assert cells["offer_note"] == "نبحث عن شركاء."

    def test_json_records(self, client: TestClient, entry: str) -> None:
        response = client.get(
            "/api/v1/projects/export",
            params={"format": "json", "offer": "seeks_funding"},
        )

        (record,) = json.loads(response.content)
        assert record["id"] == entry
        assert record["offers"] == ["seeks_partners", "seeks_funding"]
        assert record["offer_note"]["ar"] == "نبحث عن شركاء."

    def test_xlsx_columns(self, client: TestClient, entry: str) -> None:
        response = client.get(
            "/api/v1/projects/export",
            params={"format": "xlsx", "lang": "fr", "header": "keys"},
        )

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        header, first = list(sheet.iter_rows(values_only=True))[:2]
        cells = dict(zip(header, first, strict=True))
        assert cells["id"] == entry
        assert cells["offers"] == "Cherche des partenaires; Cherche un financement"
