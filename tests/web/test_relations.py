"""Relations in the pages: the entry page's panel and badge (both ways, only
once accepted), the team's page and its form, the answers, the moderators'
list, the public list of replicated entries and the dashboard's
knowledge-flows matrix."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.i18n import translations
from app.messages import REPLICATED_IN_COUNTRIES
from app.models import (
    OutboxMessage,
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationStatus,
    User,
)
from tests.factories import make_user, sign_in
from tests.fixtures.relations import (
    answer_relation,
    make_contact_thread,
    propose_relation,
    relations_entry,
)
from tests.support.forms import post_form
from tests.web.test_security_headers import assert_strict_page

# The Arabic forms of "Replicated in {count} countries", in the catalog's
# order (zero, one, two, 3-10, 100-102, 11-99).
FORMS = {
    "fr": ["Reproduite dans {count} pays", "Reproduite dans {count} pays"],
    "ar": [
        "لم تُكرَّر في أي بلد",
        "كُرِّرت في بلد واحد",
        "كُرِّرت في بلدين",
        "كُرِّرت في {count} بلدان",
        "كُرِّرت في {count} بلد",
        "كُرِّرت في {count} بلدًا",
    ],
}


def propose(
    session: Session, by: User, here: Project, other: Project, relation: str
) -> int:
    return propose_relation(session, by, here, other, relation).id


@pytest.fixture
def arabic_plural(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figure's Arabic and French forms, where the catalogs lack them yet
    (the lead merges /tmp/i18n/relations.json into them)."""
    for locale, forms in FORMS.items():
        catalog: dict[Any, str] = getattr(translations(locale), "_catalog")  # noqa: B009
        for index, form in enumerate(forms):
            key = (str(REPLICATED_IN_COUNTRIES), index)
            if key not in catalog:
                monkeypatch.setitem(catalog, key, form)


def relations_section(text: str) -> str:
    found = re.search(
        r'<section class="entry-group relations".*?</section>', text, re.S
    )
    return found.group(0) if found else ""


class TestEntryPage:
    def test_a_relation_shows_on_both_pages_once_accepted(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        relation_id = propose(
            session, jo_owner, jo_replica, ma_telehealth, "replicated_from"
        )
        assert (
            relations_section(client.get(f"/projects/{ma_telehealth.public_id}").text)
            == ""
        )

        answer_relation(session, relation_id, "accept", ma_owner)
        moroccan_page = client.get(f"/projects/{ma_telehealth.public_id}?lang=en")
        jordanian_page = client.get(f"/projects/{jo_replica.public_id}?lang=en")

        assert_strict_page(moroccan_page)
        section = relations_section(moroccan_page.text)
        assert "<dt>Replicated in</dt>" in section
        assert f'href="/projects/{jo_replica.public_id}?lang=en"' in section
        assert "Jordanian telehealth" in section
        assert "Jordan" in section
        assert "<dt>Replicated from</dt>" in relations_section(jordanian_page.text)
        assert "Moroccan telehealth" in relations_section(jordanian_page.text)
        assert re.search(
            r'<p class="badge replicated">.*Replicated in 1 country.*: Jordan</span>',
            moroccan_page.text,
        )
        assert 'class="badge replicated"' not in jordanian_page.text
        assert " style=" not in moroccan_page.text.split("<main", 1)[1]

    @pytest.mark.usefixtures("arabic_plural")
    @pytest.mark.parametrize(
        ("countries", "arabic", "english", "french"),
        [
            (
                1,
                "كُرِّرت في بلد واحد",
                "Replicated in 1 country",
                "Reproduite dans 1 pays",
            ),
            (2, "كُرِّرت في بلدين", "Replicated in 2 countries", "Reproduite dans 2 pays"),
            (
                3,
                "كُرِّرت في 3 بلدان",
                "Replicated in 3 countries",
                "Reproduite dans 3 pays",
            ),
            (
                11,
                "كُرِّرت في 11 بلدًا",
                "Replicated in 11 countries",
                "Reproduite dans 11 pays",
            ),
        ],
    )
    def test_the_figure_is_counted_in_each_language_s_plural(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        moderator: User,
        countries: int,
        arabic: str,
        english: str,
        french: str,
    ) -> None:
        codes = ["JO", "TN", "EG", "LB", "SA", "AE", "QA", "KW", "OM", "BH", "IQ"]
        for code in codes[:countries]:
            owner = make_user(session, country=code)
            there = relations_entry(session, owner, title=f"Replica in {code}")
            relation_id = propose(
                session, moderator, there, ma_telehealth, "replicated_from"
            )
            answer_relation(session, relation_id, "accept", moderator)

        def badge(lang: str) -> str:
            text = client.get(f"/projects/{ma_telehealth.public_id}?lang={lang}").text
            found = re.search(r'<p class="badge replicated"><a [^>]*>(.*?)</a>', text)
            assert found, lang
            return re.sub(r"<span[^>]*></span>", "", found.group(1))

        assert badge("ar") == arabic
        assert badge("en") == english
        assert badge("fr") == french

    def test_the_public_sees_no_proposals_and_no_form(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        propose(session, jo_owner, jo_replica, ma_telehealth, "replicated_from")

        text = client.get(f"/projects/{ma_telehealth.public_id}?lang=en").text

        assert "Proposals waiting" not in text
        assert "Link to another entry" not in text

    def test_the_other_team_sees_the_proposal_and_answers_it(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        relation_id = propose(
            session, jo_owner, jo_replica, ma_telehealth, "replicated_from"
        )
        sign_in(client, session, ma_owner)
        page = f"/projects/{ma_telehealth.public_id}?lang=en"

        section = relations_section(client.get(page).text)
        assert "Proposals waiting for an answer" in section
        assert "Link to another entry" in section
        answered = post_form(
            client,
            f"/projects/{ma_telehealth.public_id}/relations/{relation_id}/accept?lang=en",
            [("back", "entry")],
            form=page,
        )

        assert answered.status_code == 303
        assert answered.headers["location"] == (
            f"/projects/{ma_telehealth.public_id}?lang=en#relations"
        )
        after = client.get(answered.headers["location"])
        assert "Relation accepted: both entries show it." in after.text
        assert "<dt>Replicated in</dt>" in relations_section(after.text)
        stored = session.exec(select(ProjectRelation)).one()
        session.refresh(stored)
        assert stored.status == RelationStatus.ACCEPTED

    def test_the_proposing_side_cannot_accept(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        relation_id = propose(
            session, jo_owner, jo_replica, ma_telehealth, "replicated_from"
        )
        sign_in(client, session, jo_owner)

        refused = post_form(
            client,
            f"/projects/{jo_replica.public_id}/relations/{relation_id}/accept",
            [],
            form=f"/projects/{jo_replica.public_id}/relations",
        )

        assert refused.status_code == 403
        withdrawn = post_form(
            client,
            f"/projects/{jo_replica.public_id}/relations/{relation_id}/withdraw",
            [("back", "manage")],
            form=f"/projects/{jo_replica.public_id}/relations",
        )
        assert withdrawn.status_code == 303

    def test_an_answer_without_the_form_token_is_refused(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        relation_id = propose(
            session, jo_owner, jo_replica, ma_telehealth, "replicated_from"
        )
        sign_in(client, session, ma_owner)

        refused = client.post(
            f"/projects/{ma_telehealth.public_id}/relations/{relation_id}/accept",
            data={"back": "entry"},
        )

        assert refused.status_code == 403
        stored = session.exec(select(ProjectRelation)).one()
        assert stored.status == RelationStatus.PROPOSED


class TestTeamPage:
    def test_a_team_proposes_from_its_draft(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_owner: User,
    ) -> None:
        draft = relations_entry(
            session, jo_owner, title="New Jordanian entry", status=ProjectStatus.DRAFT
        )
        sign_in(client, session, jo_owner)
        page = f"/projects/{draft.public_id}/relations?lang=ar"
        opened = client.get(page)
        assert opened.status_code == 200
        assert_strict_page(opened)
        assert 'dir="rtl"' in opened.text

        posted = post_form(
            client,
            f"/projects/{draft.public_id}/relations?lang=ar",
            [
                ("relation", "replicated_from"),
                ("other", f"https://repo.example/projects/{ma_telehealth.public_id}"),
                ("note", "We adapted it for rural clinics."),
                ("back", "manage"),
            ],
            form=page,
        )

        assert posted.status_code == 303
        assert posted.headers["location"] == page
        stored = session.exec(select(ProjectRelation)).one()
        assert (stored.source_id, stored.target_id) == (ma_telehealth.id, draft.id)
        waiting = client.get(page).text
        assert "Moroccan telehealth" in waiting
        assert "We adapted it for rural clinics." in waiting
        kinds = session.exec(select(OutboxMessage.kind)).all()
        assert "relation_proposed" in kinds

    @pytest.mark.parametrize(
        ("other", "message"),
        [("NOSUCHENTRY", "No such project."), ("not an id!", "No such project.")],
    )
    def test_a_wrong_entry_is_shown_next_to_its_field(
        self,
        client: TestClient,
        session: Session,
        jo_replica: Project,
        jo_owner: User,
        other: str,
        message: str,
    ) -> None:
        sign_in(client, session, jo_owner)
        page = f"/projects/{jo_replica.public_id}/relations?lang=en"

        posted = post_form(
            client,
            f"/projects/{jo_replica.public_id}/relations?lang=en",
            [("relation", "replicated_from"), ("other", other)],
            form=page,
        )

        assert posted.status_code == 422
        assert re.search(
            rf'<p class="error" id="relation-e-other-manage">{re.escape(message)}</p>',
            posted.text,
        )
        assert 'aria-invalid="true"' in posted.text
        assert f'value="{other}"' in posted.text
        assert session.exec(select(ProjectRelation)).all() == []

    def test_a_duplicate_is_a_conflict(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        propose(session, jo_owner, jo_replica, ma_telehealth, "replicated_from")
        sign_in(client, session, jo_owner)
        page = f"/projects/{jo_replica.public_id}/relations?lang=fr"

        posted = post_form(
            client,
            f"/projects/{jo_replica.public_id}/relations?lang=fr",
            [("relation", "replicated_from"), ("other", ma_telehealth.public_id)],
            form=page,
        )

        assert posted.status_code == 409
        assert '<html lang="fr"' in posted.text

    def test_only_the_team_opens_it(
        self, client: TestClient, session: Session, jo_replica: Project
    ) -> None:
        anonymous = client.get(
            f"/projects/{jo_replica.public_id}/relations", follow_redirects=False
        )
        sign_in(client, session, make_user(session, country="JO"))
        outsider = client.get(f"/projects/{jo_replica.public_id}/relations")

        assert anonymous.status_code == 303
        assert outsider.status_code == 403


class TestModeratorsList:
    def test_lists_and_answers_the_proposals_waiting(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        moderator: User,
    ) -> None:
        relation_id = propose(
            session, jo_owner, jo_replica, ma_telehealth, "replicated_from"
        )
        sign_in(client, session, moderator)

        page = client.get("/moderation/relations?lang=en")
        assert_strict_page(page)
        assert "Jordanian telehealth" in page.text
        assert "Moroccan telehealth" in page.text
        assert "Replicated from" in page.text
        decided = post_form(
            client,
            f"/moderation/relations/{relation_id}/accept?lang=en",
            [],
            form="/moderation/relations?lang=en",
        )

        assert decided.status_code == 303
        assert "No proposal is waiting." in client.get(decided.headers["location"]).text
        stored = session.exec(select(ProjectRelation)).one()
        session.refresh(stored)
        assert stored.status == RelationStatus.ACCEPTED

    def test_others_may_not_open_it(
        self, client: TestClient, session: Session, jo_owner: User
    ) -> None:
        sign_in(client, session, jo_owner)

        assert client.get("/moderation/relations").status_code == 403


class TestKnowledgeFlowsMatrix:
    def test_the_dashboard_draws_the_pairs_shown_only(
        self, client: TestClient, session: Session, ma_telehealth: Project
    ) -> None:
        for _ in range(3):
            make_contact_thread(
                session, make_user(session, country="JO"), ma_telehealth, country="JO"
            )
        for _ in range(2):
            make_contact_thread(
                session, make_user(session, country="EG"), ma_telehealth, country="EG"
            )

        page = client.get("/dashboard?lang=fr")

        assert_strict_page(page)
        table = re.search(r'<table class="flows-matrix">.*?</table>', page.text, re.S)
        assert table
        headers = re.findall(r'<th scope="col">([^<]*)</th>', table.group(0))
        assert headers == ["Jordanie", "Maroc"]
        cells = re.findall(r'<td class="flow-level-\d">([^<]*)</td>', table.group(0))
        assert cells == ["3", "3"]
        assert "Égypte" not in table.group(0)
        assert "Private" not in page.text
        assert " style=" not in page.text.split("<main", 1)[1]

    def test_no_matrix_without_a_pair_to_show(
        self, client: TestClient, session: Session, ma_telehealth: Project
    ) -> None:
        for _ in range(2):
            make_contact_thread(
                session, make_user(session, country="JO"), ma_telehealth, country="JO"
            )

        assert "flows-matrix" not in client.get("/dashboard").text

    def test_one_contact_is_not_added_to_two_public_relations(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        jo_owner: User,
        moderator: User,
    ) -> None:
        for title in ("First", "Second"):
            there = relations_entry(session, jo_owner, title=title)
            relation_id = propose(
                session, moderator, there, ma_telehealth, "replicated_from"
            )
            answer_relation(session, relation_id, "accept", moderator)
        make_contact_thread(
            session, make_user(session, country="JO"), ma_telehealth, country="JO"
        )

        page = client.get("/dashboard?lang=en")

        assert "flows-matrix" not in page.text


def replicated(session: Session, source: Project, moderator: User, *codes: str) -> None:
    """`source` accepted as replicated in one new entry of each of `codes`."""
    for code in codes:
        owner = make_user(session, country=code)
        there = relations_entry(session, owner, title=f"Replica in {code}")
        relation_id = propose(session, moderator, there, source, "replicated_from")
        answer_relation(session, relation_id, "accept", moderator)


def table_rows(text: str) -> list[list[str]]:
    """The replications table's rows, as the text of their cells."""
    body = re.search(r"<tbody>(.*?)</tbody>", text, re.S)
    assert body, "no table"
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


class TestReplicationsPage:
    def test_lists_the_replicated_entries_most_countries_first(
        self,
        client: TestClient,
        session: Session,
        ma_owner: User,
        ma_telehealth: Project,
        moderator: User,
    ) -> None:
        once = relations_entry(session, ma_owner, title="Moroccan e-learning")
        replicated(session, once, moderator, "JO")
        replicated(session, ma_telehealth, moderator, "TN", "EG")

        page = client.get("/replications?lang=en")

        assert page.status_code == 200
        assert_strict_page(page)
        assert "<h1>" in page.text
        assert "Entries replicated in other countries" in page.text
        rows = table_rows(page.text)
        assert [row[:4] for row in rows] == [
            ["Moroccan telehealth", "Morocco", "2", "Egypt, Tunisia"],
            ["Moroccan e-learning", "Morocco", "1", "Jordan"],
        ]
        assert f'href="/projects/{ma_telehealth.public_id}?lang=en"' in page.text
        assert 'aria-sort="descending">Number of countries' in page.text
        assert 'href="/replications?sort=newest&amp;lang=en"' in page.text
        assert " style=" not in page.text.split("<main", 1)[1]

    def test_sorts_the_newest_first(
        self,
        client: TestClient,
        session: Session,
        ma_owner: User,
        ma_telehealth: Project,
        moderator: User,
    ) -> None:
        newer = relations_entry(session, ma_owner, title="Moroccan e-learning")
        replicated(session, ma_telehealth, moderator, "TN", "EG")
        replicated(session, newer, moderator, "JO")

        page = client.get("/replications?sort=newest&lang=fr")

        assert [row[0] for row in table_rows(page.text)] == [
            "Moroccan e-learning",
            "Moroccan telehealth",
        ]
        assert '<html lang="fr"' in page.text
        assert 'href="/replications?sort=newest&amp;lang=fr" aria-current="true"' in (
            page.text
        )

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_says_when_there_is_none(self, client: TestClient, lang: str) -> None:
        page = client.get(f"/replications?lang={lang}")

        assert page.status_code == 200
        assert "<table" not in page.text
        assert "replications-table" not in page.text

    def test_a_wrong_order_or_page_is_refused(self, client: TestClient) -> None:
        assert client.get("/replications?sort=colour").status_code == 422
        assert client.get("/replications?page=0").status_code == 422

    def test_pages_through_them(
        self,
        client: TestClient,
        session: Session,
        moderator: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr("app.web.replications.PAGE_SIZE", 1)
        for title in ("First", "Second"):
            source = relations_entry(
                session, make_user(session, country="MA"), title=title
            )
            replicated(session, source, moderator, "JO")

        first = client.get("/replications?lang=en")
        second = client.get("/replications?page=2&lang=en")

        assert len(table_rows(first.text)) == 1
        following = "/replications?sort=replications&amp;page=2&amp;lang=en"
        assert f'<a href="{following}" rel="next">' in first.text
        assert len(table_rows(second.text)) == 1
        assert table_rows(first.text) != table_rows(second.text)

    def test_the_entry_badge_links_to_it(
        self,
        client: TestClient,
        session: Session,
        ma_telehealth: Project,
        moderator: User,
    ) -> None:
        replicated(session, ma_telehealth, moderator, "JO")

        text = client.get(f"/projects/{ma_telehealth.public_id}?lang=en").text

        assert re.search(
            r'<p class="badge replicated">.*<a class="replicated-all" '
            r'href="/replications\?lang=en">',
            text,
        )
