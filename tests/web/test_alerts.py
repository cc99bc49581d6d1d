"""Follows and saved searches (pages): the follow button, /me/alerts, the
unsubscribe page (no sign-in) and the private feed."""

import re
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.models import Language, Project, ProjectStatus, User
from app.models.exchange import AlertFrequency, Follow, SavedSearch
from app.services import alert_links, digests, saved_searches, subscriptions
from tests.factories import make_project, make_user, sign_in
from tests.factories_exchange import outbox
from tests.support.forms import post_form

# The app's own settings (tests/conftest.py): the same secret key signs links.
SETTINGS = Settings(environment="test")


def searches(session: Session) -> list[SavedSearch]:
    session.expire_all()
    return list(session.exec(select(SavedSearch).order_by(col(SavedSearch.id))).all())


def path_of(url: str) -> str:
    return urlsplit(url).path


class TestFollowButton:
    def test_a_visitor_is_asked_to_sign_in(
        self, client: TestClient, session: Session
    ) -> None:
        project = make_project(session)

        page = client.get(f"/projects/{project.public_id}?lang=en")

        assert page.status_code == 200
        assert "Sign in to follow this entry" in page.text
        assert f"/login?next=%2Fprojects%2F{project.public_id}" in page.text

    def test_a_signed_in_person_follows_and_unfollows(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        sign_in(client, session, contributor)
        here = f"/projects/{project.public_id}?lang=en"

        followed = post_form(
            client, f"/projects/{project.public_id}/follow?lang=en", [], form=here
        )
        page = client.get(here)
        unfollowed = post_form(
            client, f"/projects/{project.public_id}/unfollow?lang=en", [], form=here
        )

        assert followed.status_code == 303
        assert followed.headers["location"] == here
        assert "Unfollow" in page.text
        assert "You follow this entry" in page.text
        assert unfollowed.status_code == 303
        assert session.exec(select(Follow)).all() == []

    def test_a_follow_without_the_forms_token_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        sign_in(client, session, contributor)

        refused = client.post(
            f"/projects/{project.public_id}/follow", data={}, follow_redirects=False
        )

        assert refused.status_code == 403
        assert session.exec(select(Follow)).all() == []

    def test_the_follow_page_is_in_arabic_right_to_left(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        sign_in(client, session, contributor)

        page = client.get(f"/projects/{project.public_id}?lang=ar")

        assert 'dir="rtl"' in page.text
        assert "style=" not in page.text


class TestAlertsPage:
    def test_a_visitor_is_sent_to_sign_in(self, client: TestClient) -> None:
        page = client.get("/me/alerts?save=sdg%3D4", follow_redirects=False)

        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=")

    def test_the_catalog_offers_to_save_its_search(self, client: TestClient) -> None:
        page = client.get("/projects?action_line=C7.3&q=health&lang=en")

        link = re.search(r'href="(/me/alerts\?[^"]+)"', page.text)
        assert link
        assert quote("action_line=C7.3&q=health", safe="") in link.group(1)

    def test_a_person_saves_the_search_the_catalog_brings(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)
        form = "/me/alerts?lang=en&save=" + quote("action_line=C7.3&sort=title&lang=en")
        page = client.get(form)
        assert page.status_code == 200
        assert 'value="action_line=C7.3"' in page.text  # paging and sort left out

        response = post_form(
            client,
            "/me/alerts?lang=en",
            [
                ("query", "action_line=C7.3"),
                ("name", "E-learning"),
                ("frequency", "monthly"),
                ("language", "fr"),
            ],
            form=form,
        )

        assert response.status_code == 303
        (search,) = searches(session)
        assert (search.name, search.query) == ("E-learning", "action_line=C7.3")
        assert search.frequency == AlertFrequency.MONTHLY
        assert search.language == Language.FR
        listing = client.get(response.headers["location"])
        assert "Search saved" in listing.text
        assert alert_links.feed_url(SETTINGS, search) in listing.text
        assert listing.headers["cache-control"] == "no-store"
        assert "style=" not in listing.text  # the strict CSP: no inline styles

    def test_an_unknown_code_comes_back_under_the_filters(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/me/alerts?lang=en",
            [
                ("query", "action_line=C99"),
                ("name", "Nothing"),
                ("frequency", "weekly"),
            ],
            form="/me/alerts?lang=en&save=action_line%3DC99",
        )

        assert response.status_code == 422
        assert 'id="e-query"' in response.text
        assert "Unknown code: C99." in response.text
        assert searches(session) == []

    def test_a_missing_name_comes_back_beside_its_field(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/me/alerts?lang=fr",
            [("query", "sdg=4"), ("name", "  "), ("frequency", "weekly")],
            form="/me/alerts?lang=fr&save=sdg%3D4",
        )

        assert response.status_code == 422
        assert 'id="e-name"' in response.text
        assert '<html lang="fr"' in response.text
        assert searches(session) == []

    def test_a_post_without_the_forms_token_saves_nothing(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = client.post(
            "/me/alerts", data={"query": "sdg=4", "name": "x", "frequency": "weekly"}
        )

        assert response.status_code == 422
        assert searches(session) == []

    def test_frequency_change_feed_renewal_and_deletion(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        alerts_saved_search: SavedSearch,
    ) -> None:
        search = alerts_saved_search
        old_feed = alert_links.feed_url(SETTINGS, search)
        sign_in(client, session, contributor)
        page = client.get("/me/alerts?lang=en")
        assert old_feed in page.text
        assert "E-learning" in page.text

        changed = post_form(
            client,
            f"/me/alerts/{search.id}?lang=en",
            [("frequency", "immediately"), ("language", "ar")],
            form="/me/alerts",
        )
        renewed = post_form(
            client, f"/me/alerts/{search.id}/feed?lang=en", [], form="/me/alerts"
        )
        (after,) = searches(session)

        assert changed.status_code == renewed.status_code == 303
        assert after.frequency == AlertFrequency.IMMEDIATELY
        assert after.language == Language.AR
        assert alert_links.feed_url(SETTINGS, after) != old_feed
        deleted = post_form(
            client, f"/me/alerts/{search.id}/delete?lang=en", [], form="/me/alerts"
        )
        assert deleted.status_code == 303
        assert searches(session) == []

    def test_another_persons_saved_search_is_not_found(
        self, client: TestClient, session: Session, alerts_saved_search: SavedSearch
    ) -> None:
        search = alerts_saved_search
        sign_in(client, session, make_user(session))

        response = post_form(
            client, f"/me/alerts/{search.id}/delete?lang=en", [], form="/me/alerts"
        )

        assert response.status_code == 404
        assert len(searches(session)) == 1

    def test_the_followed_entries_are_listed_with_an_unfollow_button(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        subscriptions.follow(session, user=contributor, public_id=project.public_id)
        sign_in(client, session, contributor)

        page = client.get("/me/alerts?lang=ar")
        response = post_form(
            client,
            f"/projects/{project.public_id}/unfollow?lang=ar",
            [("back", "alerts")],
            form="/me/alerts?lang=ar",
        )

        assert "منصة تجريبية للذكاء الاصطناعي" in page.text
        assert "التنبيهات" in page.text
        assert 'dir="rtl"' in page.text
        assert response.headers["location"] == "/me/alerts?lang=ar"
        assert session.exec(select(Follow)).all() == []


def digest_link(session: Session) -> str:
    """The unsubscribe link of the one saved search's digest (after a new
    entry is out, at the first check past the digests' grace)."""
    make_project(session, action_lines=["C7.3"])
    digests.send_due_digests(
        session, settings=SETTINGS, now=utcnow() + digests.DIGEST_GRACE
    )
    (message,) = outbox(session, kind="alert_digest")
    assert message.unsubscribe_url
    return path_of(message.unsubscribe_url)


class TestUnsubscribe:
    @pytest.mark.usefixtures("alerts_saved_search")
    def test_the_link_asks_first_then_stops_the_alert_without_signing_in(
        self, client: TestClient, session: Session
    ) -> None:
        link = digest_link(session)

        asked = client.get(f"{link}?lang=en")
        assert asked.status_code == 200
        assert "Stop this alert?" in asked.text
        assert "E-learning" in asked.text
        assert len(searches(session)) == 1  # opening the link changes nothing
        assert asked.headers["cache-control"] == "no-store"
        assert "noindex" in asked.headers["x-robots-tag"]

        done = client.post(f"{link}?lang=en", follow_redirects=False)

        assert done.status_code == 303
        assert searches(session) == []
        after = client.get(done.headers["location"])
        assert "No more emails" in after.text
        assert "you will get no more of these emails" in after.text

    @pytest.mark.usefixtures("alerts_saved_search")
    def test_a_mail_clients_one_click_post_stops_it(
        self, client: TestClient, session: Session
    ) -> None:
        link = digest_link(session)

        done = client.post(
            link,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        again = client.post(link, content=b"List-Unsubscribe=One-Click")

        assert done.status_code == again.status_code == 200
        assert searches(session) == []

    def test_a_follows_link_stops_following(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project: Project = make_project(session)
        subscriptions.follow(session, user=contributor, public_id=project.public_id)
        subscriptions.notify_followers(
            session, project=project, event="revision", settings=SETTINGS
        )
        session.commit()
        (message,) = outbox(session)
        assert message.unsubscribe_url
        link = path_of(message.unsubscribe_url)

        asked = client.get(f"{link}?lang=fr")
        done = client.post(link, follow_redirects=False)

        assert "Ne plus suivre cette fiche ?" in asked.text
        assert done.status_code == 303
        assert session.exec(select(Follow)).all() == []

    @pytest.mark.usefixtures("alerts_saved_search")
    def test_an_altered_link_is_a_clear_not_found_page(
        self, client: TestClient, session: Session
    ) -> None:
        link = digest_link(session)

        shown = client.get(link[:-2] + "xx?lang=en")
        posted = client.post(link[:-2] + "xx", follow_redirects=False)

        assert shown.status_code == posted.status_code == 404
        assert "This link or token is invalid or has expired." in shown.text
        assert len(searches(session)) == 1


class TestPrivateFeed:
    def test_the_feed_needs_no_sign_in_and_shows_only_matching_entries(
        self, client: TestClient, session: Session, alerts_saved_search: SavedSearch
    ) -> None:
        search = alerts_saved_search
        make_project(session, title={"en": "E-learning for all", "ar": "تعلم"})
        make_project(
            session,
            title={"en": "Clinics", "ar": "عيادات"},
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )
        make_project(
            session,
            status=ProjectStatus.SUBMITTED,
            title={"en": "Awaiting review", "ar": "قيد المراجعة"},
        )

        feed = client.get(path_of(alert_links.feed_url(SETTINGS, search)))

        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert "E-learning for all" in feed.text
        assert "Clinics" not in feed.text
        assert "Awaiting review" not in feed.text

    def test_a_wrong_or_renewed_address_is_not_found(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        alerts_saved_search: SavedSearch,
    ) -> None:
        search = alerts_saved_search
        good = path_of(alert_links.feed_url(SETTINGS, search))
        assert search.id is not None

        wrong = client.get(good.replace(".atom", "x.atom"))
        saved_searches.renew_feed(
            session, user=contributor, search_id=search.id, settings=SETTINGS
        )
        renewed = client.get(good)

        assert wrong.status_code == renewed.status_code == 404
        assert wrong.headers["cache-control"] == "no-store"
