"""Good practices over the API: designate and withdraw (moderators), the
public list, and the designation in the entry, the filter, the facet, the
history and the feed."""

from typing import Any
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Project, ProjectStatus, User
from tests.factories import bearer, make_project
from tests.fixtures.good_practices import CITATION_EN, CITATION_FR

ATOM = "{http://www.w3.org/2005/Atom}"
DESIGNATION = {
    "citation_en": CITATION_EN,
    "citation_fr": CITATION_FR,
    "year": 2025,
    "framework": "WSIS Prize 2025",
}


def designate(
    client: TestClient, headers: dict[str, str], project: Project, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/projects/{project.public_id}/good-practice",
        json=DESIGNATION | body,
        headers=headers,
    )


def withdraw(
    client: TestClient, headers: dict[str, str], project: Project, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/projects/{project.public_id}/good-practice/withdraw",
        json=body,
        headers=headers,
    )


def listed(client: TestClient, **params: Any) -> list[str]:
    answer = client.get("/api/v1/projects", params={"good_practice": "true", **params})
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def facet(client: TestClient) -> list[dict[str, Any]]:
    facets: list[dict[str, Any]] = client.get("/api/v1/projects").json()["facets"][
        "good_practice"
    ]
    return facets


def feed_titles(client: TestClient, **params: Any) -> list[str]:
    answer = client.get("/feeds/good-practices.atom", params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(answer.content)
    return [
        entry.findtext(f"{ATOM}summary") or "" for entry in root.iter(f"{ATOM}entry")
    ]


class TestDesignate:
    def test_moderator_designates_and_gets_the_record(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)

        answer = designate(client, bearer(session, moderator), entry)

        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["project_id"] == entry.public_id
        assert body["citation"] == {
            "ar": None,
            "en": DESIGNATION["citation_en"],
            "fr": DESIGNATION["citation_fr"],
        }
        assert (body["year"], body["framework"]) == (2025, "WSIS Prize 2025")
        assert body["designated_by"]["id"] == moderator.id
        assert body["withdrawn_at"] is None

    def test_a_contributor_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, owner=contributor)

        answer = designate(client, bearer(session, contributor), entry)

        assert answer.status_code == 403
        assert answer.json()["detail"][0]["type"] == "PERMISSION_DENIED"
        assert listed(client) == []

    def test_anonymous_is_asked_to_sign_in(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(session)

        assert designate(client, {}, entry).status_code == 401

    def test_field_errors_are_422_with_their_fields(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        headers = bearer(session, moderator) | {"Accept-Language": "en"}

        bad_year = designate(client, headers, entry, year=1999, framework="a\nb")
        no_citation = designate(
            client, headers, entry, citation_en=None, citation_fr="  "
        )

        assert bad_year.status_code == 422
        locs = {tuple(e["loc"]) for e in bad_year.json()["detail"]}
        assert locs == {("body", "year"), ("body", "framework")}
        assert no_citation.status_code == 422
        (error,) = no_citation.json()["detail"]
        assert error["loc"] == ["body", "citation"]
        assert error["type"] == "CITATION_REQUIRED"
        assert error["msg"].startswith("Write the citation in at least one language")

    def test_conflicts_are_409(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        entry = make_project(session)
        submitted = make_project(session, status=ProjectStatus.SUBMITTED)
        assert designate(client, headers, entry).status_code == 201

        twice = designate(client, headers, entry)
        unpublished = designate(client, headers, submitted)

        assert twice.status_code == 409
        assert twice.json()["detail"][0]["type"] == "ALREADY_GOOD_PRACTICE"
        assert unpublished.status_code == 409
        assert unpublished.json()["detail"][0]["type"] == "NOT_PUBLISHED"


class TestWithdraw:
    def test_moderator_withdraws_with_a_reason(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        entry = make_project(session)
        designate(client, headers, entry)

        answer = withdraw(client, headers, entry, reason="The service closed.")

        assert answer.status_code == 200, answer.text
        assert answer.json()["withdrawal_reason"] == "The service closed."
        assert answer.json()["withdrawn_by"]["id"] == moderator.id

    def test_reason_required_and_conflict(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        entry = make_project(session)

        not_designated = withdraw(client, headers, entry, reason="x")
        designate(client, headers, entry)
        no_reason = withdraw(client, headers, entry)

        assert not_designated.status_code == 409
        assert not_designated.json()["detail"][0]["type"] == "NOT_GOOD_PRACTICE"
        assert no_reason.status_code == 422
        assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
        assert no_reason.json()["detail"][0]["type"] == "REASON_REQUIRED"

    def test_a_contributor_is_refused(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        moderator: User,
    ) -> None:
        entry = make_project(session, owner=contributor)
        designate(client, bearer(session, moderator), entry)

        answer = withdraw(client, bearer(session, contributor), entry, reason="x")

        assert answer.status_code == 403
        assert listed(client) == [entry.public_id]


class TestWhereItShows:
    def test_designation_and_withdrawal_in_entry_filter_facet_history_and_feed(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        entry = make_project(session)
        make_project(session)
        assert (
            client.get(f"/api/v1/projects/{entry.public_id}").json()["good_practice"]
            is None
        )

        designate(client, headers, entry)

        record = client.get(f"/api/v1/projects/{entry.public_id}").json()
        assert record["good_practice"]["year"] == 2025
        assert record["good_practice"]["framework"] == "WSIS Prize 2025"
        assert record["good_practice"]["citation"]["en"] == DESIGNATION["citation_en"]
        assert listed(client) == [entry.public_id]
        assert [(f["value"], f["count"]) for f in facet(client)] == [(True, 1)]
        assert feed_titles(client, lang="fr") == [DESIGNATION["citation_fr"]]
        history = client.get(
            f"/api/v1/projects/{entry.public_id}/history", headers=headers
        ).json()
        assert history[-1]["action"] == "designate_good_practice"

        withdraw(client, headers, entry, reason="The service closed.")

        record = client.get(f"/api/v1/projects/{entry.public_id}").json()
        assert record["good_practice"] is None
        assert listed(client) == []
        assert facet(client) == []
        assert feed_titles(client) == []
        history = client.get(
            f"/api/v1/projects/{entry.public_id}/history", headers=headers
        ).json()
        assert [(e["action"], e["reason"]) for e in history[-2:]] == [
            ("designate_good_practice", DESIGNATION["citation_en"]),
            ("withdraw_good_practice", "The service closed."),
        ]

    def test_the_facet_counts_with_the_other_filters(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        tunisian = make_project(session)
        egyptian = make_project(session, countries=["EG"])
        designate(client, headers, tunisian)
        designate(client, headers, egyptian)

        answer = client.get("/api/v1/projects", params={"country": "EG"}).json()

        assert [
            (f["value"], f["count"]) for f in answer["facets"]["good_practice"]
        ] == [(True, 1)]
        assert listed(client, country="TN") == [tunisian.public_id]


class TestList:
    def test_lists_good_practices_with_citations_newest_first(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        first = make_project(session)
        second = make_project(session, countries=["EG"])
        designate(client, headers, first, year=2024)
        designate(client, headers, second, citation_ar="ممارسة رائدة", framework=None)

        answer = client.get("/api/v1/good-practices")

        assert answer.status_code == 200
        body = answer.json()
        assert body["total"] == 2
        newest = body["items"][0]
        assert newest["project"]["id"] == second.public_id
        assert newest["citation"]["ar"] == "ممارسة رائدة"
        assert newest["framework"] is None
        assert body["items"][1]["year"] == 2024
        eg = client.get("/api/v1/good-practices", params={"country": "EG"}).json()
        assert [i["project"]["id"] for i in eg["items"]] == [second.public_id]
        by_year = client.get("/api/v1/good-practices", params={"year": 2024}).json()
        assert [i["project"]["id"] for i in by_year["items"]] == [first.public_id]

    def test_an_unknown_code_or_year_is_422(self, client: TestClient) -> None:
        unknown = client.get("/api/v1/good-practices", params={"action_line": "C99"})
        bad_year = client.get("/api/v1/good-practices", params={"year": "soon"})

        assert unknown.status_code == 422
        assert unknown.json()["detail"][0]["loc"] == ["query", "action_line"]
        assert bad_year.status_code == 422

    def test_archived_entries_leave_the_list(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        headers = bearer(session, moderator)
        entry = make_project(session)
        designate(client, headers, entry)

        client.post(
            f"/api/v1/projects/{entry.public_id}/decision",
            json={"action": "archive"},
            headers=headers,
        )

        assert client.get("/api/v1/good-practices").json()["total"] == 0
        assert feed_titles(client) == []
