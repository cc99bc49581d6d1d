"""Partnership offers on the pages: ticked in the entry form with a note in
each language, shown as badges on the entry page, a filter of the catalog."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Project, ProjectStatus, User
from app.services import projects
from tests.factories import form_fields, make_project, project_data, sign_in
from tests.support.forms import post_form

NOTE = {
    "ar": "نرحّب بالفرق التي ترغب في تكرار المشروع.",
    "fr": "Les équipes qui souhaitent le reproduire sont les bienvenues.",
}


def stored(session: Session) -> list[Project]:
    session.expire_all()
    return list(session.exec(select(Project)).all())


class TestTheFormOffers:
    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_the_form_offers_each_choice_and_the_note_in_three_languages(
        self, client: TestClient, session: Session, contributor: User, lang: str
    ) -> None:
        sign_in(client, session, contributor)

        page = client.get(f"/projects/new?lang={lang}")

        assert page.status_code == 200
        assert 'id="offers"' in page.text
        for offer in (
            "open_to_replication",
            "seeks_partners",
            "offers_expertise",
            "seeks_funding",
        ):
            assert f'name="offers" value="{offer}"' in page.text
        for note in ("offer_note.ar", "offer_note.en", "offer_note.fr"):
            assert f'name="{note}"' in page.text

    def test_offers_ticked_in_the_form_are_saved_and_shown_again(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)
        data = project_data(
            offers=["open_to_replication", "seeks_funding"], offer_note=NOTE
        )

        response = post_form(
            client,
            "/projects/new?lang=en",
            [*form_fields(data), ("action", "save")],
            form="/projects/new?lang=en",
        )

        assert response.status_code == 303, response.text
        [draft] = stored(session)
        record = projects.working_record(session, draft)
        assert record.offers == ["open_to_replication", "seeks_funding"]
        assert record.offer_note.ar == NOTE["ar"]
        assert record.offer_note.en is None
        edit = client.get(response.headers["location"]).text
        assert re.search(r'name="offers" value="seeks_funding" checked', edit)
        assert not re.search(r'name="offers" value="seeks_partners" checked', edit)
        assert NOTE["fr"] in edit

    def test_unticking_every_offer_clears_them(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        draft = make_project(
            session,
            status=ProjectStatus.DRAFT,
            owner=contributor,
            offers=["seeks_partners"],
        )
        sign_in(client, session, contributor)
        edit = f"/projects/{draft.public_id}/edit?lang=en"

        response = post_form(
            client,
            edit,
            [
                *form_fields(project_data()),
                ("version", str(draft.version)),
                ("action", "save"),
            ],
            form=edit,
        )

        assert response.status_code == 303, response.text
        assert projects.working_record(session, stored(session)[0]).offers == []

    def test_a_note_too_long_comes_back_next_to_its_field(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/projects/new?lang=en",
            [
                ("original_language", "en"),
                ("title.en", "A draft"),
                ("offers", "seeks_partners"),
                ("offer_note.en", "x" * 501),
                ("action", "save"),
            ],
            form="/projects/new?lang=en",
        )

        assert response.status_code == 422
        assert 'aria-describedby="e-f-offer_note-en"' in response.text
        assert re.search(r'name="offers" value="seeks_partners" checked', response.text)
        assert stored(session) == []


class TestTheEntryPageOffers:
    def test_badges_link_to_the_catalog_filtered_by_each_offer(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(
            session, offers=["seeks_partners", "offers_expertise"], offer_note=NOTE
        )

        page = client.get(f"/projects/{entry.public_id}?lang=fr")

        assert page.status_code == 200
        assert "Offres et besoins" in page.text
        assert '<a href="/projects?offer=seeks_partners&amp;lang=fr">' in page.text
        assert "Cherche des partenaires" in page.text
        assert "Offre une formation ou une expertise" in page.text
        assert NOTE["fr"] in page.text  # the note in the page's language

    def test_the_note_falls_back_to_another_language_saying_so(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(session, offers=["seeks_partners"], offer_note=NOTE)

        page = client.get(f"/projects/{entry.public_id}?lang=en").text

        section = page[page.index('id="offers-h"') :]
        assert NOTE["ar"] in section  # the entry's own language comes first
        assert '<p lang="ar" dir="rtl">' in section
        assert "Shown in Arabic" in section

    def test_an_entry_without_offers_shows_no_section(
        self, client: TestClient, session: Session
    ) -> None:
        entry = make_project(session)

        page = client.get(f"/projects/{entry.public_id}?lang=en")

        assert page.status_code == 200
        assert 'id="offers-h"' not in page.text

    def test_the_catalog_page_filters_by_offer(
        self, client: TestClient, session: Session
    ) -> None:
        seeking = make_project(
            session, offers=["seeks_funding"], title={"ar": "أ", "en": "Seeking one"}
        )
        other = make_project(session, title={"ar": "ب", "en": "Other one"})

        page = client.get("/projects?offer=seeks_funding&lang=en")

        assert page.status_code == 200
        assert seeking.public_id in page.text
        assert other.public_id not in page.text


class TestTheDeskShowsOffers:
    def test_the_review_page_names_the_offers_and_shows_the_note(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(
            session,
            status=ProjectStatus.SUBMITTED,
            owner=contributor,
            offers=["seeks_partners"],
            offer_note=NOTE,
        )
        sign_in(client, session, moderator)

        page = client.get(f"/moderation/{entry.public_id}?lang=en")

        assert page.status_code == 200
        assert "Offers and needs" in page.text
        assert "Seeks partners" in page.text
        assert "seeks_partners" not in page.text
        assert NOTE["fr"] in page.text
