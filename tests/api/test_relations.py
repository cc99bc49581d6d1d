"""Relations over the API: propose, answer, read both ways, the error codes,
the daily limit, the replicated listing and the knowledge-flows figures."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Project, ProjectStatus, User
from tests.factories import bearer, make_user
from tests.fixtures.relations import make_contact_thread, relations_entry


def propose(
    client: TestClient,
    headers: dict[str, str],
    here: Project,
    other: str,
    relation: str = "replicated_from",
    **body: Any,
) -> Any:
    return client.post(
        f"/api/v1/projects/{here.public_id}/relations",
        json={"other": other, "relation": relation, **body},
        headers=headers,
    )


class TestProposeAndAnswer:
    def test_a_relation_reads_both_ways_once_accepted(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        proposed = propose(
            client, bearer(session, jo_owner), jo_replica, ma_telehealth.public_id
        )
        assert proposed.status_code == 201, proposed.text
        body = proposed.json()
        assert body["status"] == "proposed"
        assert body["relation"] == "replicated_from"
        assert (body["source"], body["target"]) == (
            ma_telehealth.public_id,
            jo_replica.public_id,
        )
        assert body["actions"] == ["withdraw"]
        public = client.get(f"/api/v1/projects/{ma_telehealth.public_id}/relations")
        assert public.json()["relations"] == []
        assert public.json()["pending"] == []

        accepted = client.post(
            f"/api/v1/relations/{body['id']}/accept",
            headers=bearer(session, ma_owner),
        )

        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted"
        there = client.get(
            f"/api/v1/projects/{ma_telehealth.public_id}/relations"
        ).json()
        here = client.get(f"/api/v1/projects/{jo_replica.public_id}/relations").json()
        assert [(r["relation"], r["other"]["id"]) for r in there["relations"]] == [
            ("replicated_in", jo_replica.public_id)
        ]
        assert [(r["relation"], r["other"]["id"]) for r in here["relations"]] == [
            ("replicated_from", ma_telehealth.public_id)
        ]
        assert there["replicated_in_countries"] == 1
        assert there["replicated_in"] == ["JO"]
        assert there["relations"][0]["note"] is None
        assert there["relations"][0]["actions"] == []

    def test_the_proposing_side_cannot_accept(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        headers = bearer(session, jo_owner)
        relation_id = propose(
            client, headers, jo_replica, ma_telehealth.public_id
        ).json()["id"]

        refused = client.post(
            f"/api/v1/relations/{relation_id}/accept", headers=headers
        )
        withdrawn = client.post(
            f"/api/v1/relations/{relation_id}/withdraw", headers=headers
        )
        again = client.post(
            f"/api/v1/relations/{relation_id}/withdraw", headers=headers
        )

        assert refused.status_code == 403
        assert refused.json()["detail"][0]["type"] == "PERMISSION_DENIED"
        assert withdrawn.status_code == 200
        assert withdrawn.json()["status"] == "withdrawn"
        assert again.status_code == 409
        assert again.json()["detail"][0]["type"] == "RELATION_NOT_PROPOSED"

    def test_a_duplicate_is_409(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        headers = bearer(session, jo_owner)
        propose(client, headers, jo_replica, ma_telehealth.public_id)

        again = propose(client, headers, jo_replica, ma_telehealth.public_id)

        assert again.status_code == 409
        assert again.json()["detail"][0]["type"] == "RELATION_EXISTS"

    def test_past_the_daily_limit_is_429(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        headers = bearer(session, jo_owner)
        state = client.app.state  # type: ignore[attr-defined]
        configured = state.settings
        state.settings = configured.model_copy(
            update={"relation_limit_per_day": "1/86400"}
        )
        try:
            propose(client, headers, jo_replica, ma_telehealth.public_id)
            refused = propose(
                client, headers, jo_replica, ma_telehealth.public_id, "inspired_by"
            )
        finally:
            state.settings = configured

        assert refused.status_code == 429
        assert refused.json()["detail"][0]["type"] == "RELATION_LIMIT_REACHED"
        assert int(refused.headers["Retry-After"]) > 0

    def test_an_unknown_relation_is_404(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        answer = client.post(
            "/api/v1/relations/999/accept", headers=bearer(session, moderator)
        )

        assert answer.status_code == 404
        assert answer.json()["detail"][0]["type"] == "RELATION_NOT_FOUND"

    @pytest.mark.parametrize(
        ("body", "loc", "code"),
        [
            ({"other": "NOSUCHENTRY"}, ["body", "other"], "PROJECT_NOT_FOUND"),
            ({"other": "no id here!"}, ["body", "other"], "PROJECT_NOT_FOUND"),
            ({"relation": "cousin_of"}, ["body", "relation"], "enum"),
            ({"note": "x" * 1001}, ["body", "note"], "string_too_long"),
            ({"extra": 1}, ["body", "extra"], "extra_forbidden"),
        ],
    )
    def test_bad_input_is_422_on_its_field(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        body: dict[str, Any],
        loc: list[str],
        code: str,
    ) -> None:
        fields = {"other": ma_telehealth.public_id} | body
        answer = client.post(
            f"/api/v1/projects/{jo_replica.public_id}/relations",
            json={"relation": "replicated_from", **fields},
            headers=bearer(session, jo_owner),
        )

        assert answer.status_code == 422, answer.text
        assert [(e["loc"], e["type"]) for e in answer.json()["detail"]] == [(loc, code)]

    def test_an_unpublished_or_own_entry_is_refused(
        self,
        client: TestClient,
        session: Session,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        pending = relations_entry(
            session, jo_owner, title="Pending", status=ProjectStatus.SUBMITTED
        )
        headers = bearer(session, jo_owner)

        unpublished = propose(client, headers, jo_replica, pending.public_id)
        itself = propose(client, headers, jo_replica, jo_replica.public_id)

        assert unpublished.status_code == 422
        assert [(e["loc"], e["type"]) for e in unpublished.json()["detail"]] == [
            (["body", "other"], "NOT_PUBLISHED")
        ]
        assert itself.status_code == 422
        assert itself.json()["detail"][0]["type"] == "RELATION_TO_ITSELF"

    def test_signing_in_is_needed_and_outsiders_are_refused(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
    ) -> None:
        anonymous = propose(client, {}, jo_replica, ma_telehealth.public_id)
        outsider = propose(
            client,
            bearer(session, make_user(session, country="JO")),
            jo_replica,
            ma_telehealth.public_id,
        )

        assert anonymous.status_code == 401
        assert outsider.status_code == 403

    def test_the_teams_see_what_waits_and_moderators_list_it(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        moderator: User,
    ) -> None:
        propose(
            client,
            bearer(session, jo_owner),
            jo_replica,
            ma_telehealth.public_id,
            note="Shall we?",
        )

        team = client.get(
            f"/api/v1/projects/{ma_telehealth.public_id}/relations",
            headers=bearer(session, ma_owner),
        ).json()
        listed = client.get(
            "/api/v1/relations/proposed", headers=bearer(session, moderator)
        )
        refused = client.get(
            "/api/v1/relations/proposed", headers=bearer(session, ma_owner)
        )

        assert [(p["note"], p["actions"]) for p in team["pending"]] == [
            ("Shall we?", ["accept", "decline"])
        ]
        assert team["may_propose"] is True
        assert [p["proposing"]["id"] for p in listed.json()] == [jo_replica.public_id]
        assert refused.status_code == 403


class TestReplicatedListing:
    def test_sorted_by_the_figure(
        self,
        client: TestClient,
        session: Session,
        ma_owner: User,
        moderator: User,
    ) -> None:
        headers = bearer(session, moderator)
        once = relations_entry(session, ma_owner, title="Once")
        twice = relations_entry(session, ma_owner, title="Twice")
        for source, countries in ((once, ["JO"]), (twice, ["TN", "EG"])):
            for code in countries:
                there = relations_entry(
                    session, make_user(session, country=code), title=code
                )
                relation_id = propose(client, headers, there, source.public_id).json()[
                    "id"
                ]
                client.post(f"/api/v1/relations/{relation_id}/accept", headers=headers)

        listed = client.get("/api/v1/relations/replicated?sort=replications").json()
        bad = client.get("/api/v1/relations/replicated?sort=colour")

        assert [(e["id"], e["replicated_in_countries"]) for e in listed["items"]] == [
            (twice.public_id, 2),
            (once.public_id, 1),
        ]
        assert listed["items"][0]["replicated_in"] == ["EG", "TN"]
        assert bad.status_code == 422


class TestKnowledgeFlows:
    def test_pairs_below_the_threshold_are_left_out(
        self, client: TestClient, session: Session, ma_telehealth: Project
    ) -> None:
        for _ in range(3):
            make_contact_thread(
                session, make_user(session, country="JO"), ma_telehealth, country="JO"
            )
        make_contact_thread(
            session, make_user(session, country="EG"), ma_telehealth, country="EG"
        )

        answer = client.get("/api/v1/stats/knowledge-flows?lang=en")

        assert answer.status_code == 200
        assert answer.json() == {
            "threshold": 3,
            "countries": [
                {"iso2": "JO", "name": "Jordan"},
                {"iso2": "MA", "name": "Morocco"},
            ],
            "pairs": [{"countries": ["JO", "MA"], "total": 3}],
        }
