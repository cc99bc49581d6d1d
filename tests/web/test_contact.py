"""Contact an entry's team (pages): the entry page's panel and form, each
side's conversation pages, the team's link, the moderators' log. No page
shows an address; every form needs its CSRF token."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import (
    ContactBlock,
    ContactMessage,
    ContactThread,
    Project,
    ProjectStatus,
    User,
)
from app.services import contact, contact_log, contact_measures
from tests.factories import make_project, sign_in
from tests.factories_exchange import outbox
from tests.factories_exchange_contact import (
    SENDER_EMAIL,
    SETTINGS,
    TEAM_CONTACT,
    team_access,
    team_token,
    write,
)
from tests.support.forms import csrf, post_form

FIELDS = [
    ("purpose", "learn"),
    ("subject", "Learning from your platform"),
    ("body", "How did you train it?\nThank you."),
    ("organization", "Ministry of Digital Economy (fictional)"),
    ("country", "JO"),
]


def threads(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(ContactThread)).one()


def shows_no_address(page: Response, *addresses: str) -> bool:
    return not any(address in page.text for address in addresses)


def no_inline_code(page: Response) -> bool:
    """Nothing the strict CSP would refuse: no style attributes, no inline
    script, no event handlers."""
    return (
        'style="' not in page.text
        and not re.search(r"<script(?![^>]*\bsrc=)", page.text)
        and not re.search(r"\son[a-z]+=", page.text)
    )


def send(
    client: TestClient, contact_entry: Project, fields: list[tuple[str, str]]
) -> Response:
    path = f"/projects/{contact_entry.public_id}/contact?lang=en"
    return post_form(client, path, fields, form=path)


class TestThePanel:
    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_a_visitor_is_asked_to_sign_in(
        self, client: TestClient, contact_entry: Project, lang: str
    ) -> None:
        page = client.get(f"/projects/{contact_entry.public_id}?lang={lang}")

        assert page.status_code == 200
        assert 'id="contact"' in page.text
        next_path = urlencode(
            {"next": f"/projects/{contact_entry.public_id}/contact?lang={lang}"}
        )
        assert f'href="/login?{next_path.replace("&", "&amp;")}"' in page.text
        assert 'name="subject"' not in page.text
        assert shows_no_address(page, TEAM_CONTACT)
        assert no_inline_code(page)

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_a_signed_in_reader_gets_the_form_prefilled_and_unticked(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        lang: str,
    ) -> None:
        sign_in(client, session, contact_sender)

        page = client.get(f"/projects/{contact_entry.public_id}?lang={lang}")

        assert page.status_code == 200
        text = page.text
        assert (
            f'action="/projects/{contact_entry.public_id}/contact?lang={lang}"' in text
        )
        assert 'name="csrf_token"' in text
        assert 'value="Ministry of Digital Economy (fictional)"' in text
        assert '<option value="JO" selected>' in text
        assert re.search(r'name="reply_to_sender" value="yes"[^>]*>', text)
        assert " checked" not in re.search(
            r'<input type="checkbox" name="reply_to_sender"[^>]*>', text
        ).group(0)  # type: ignore[union-attr]
        assert text.count('type="radio" name="purpose"') == 4
        assert shows_no_address(page, TEAM_CONTACT, SENDER_EMAIL)
        assert no_inline_code(page)

    def test_the_owner_is_told_it_is_their_own_entry(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contributor: User,
    ) -> None:
        sign_in(client, session, contributor)

        page = client.get(f"/projects/{contact_entry.public_id}?lang=en")

        assert "This is your own entry." in page.text
        assert 'name="subject"' not in page.text

    def test_a_blocked_sender_is_told_so(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        team = team_access(session)
        contact_measures.block_sender(session, access=team)
        sign_in(client, session, contact_sender)

        page = client.get(f"/projects/{contact_entry.public_id}?lang=en")

        assert "does not accept your messages" in page.text
        assert 'name="subject"' not in page.text


class TestWriting:
    def test_a_reader_writes_and_reads_the_confirmation(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        sign_in(client, session, contact_sender)

        sent = send(client, contact_entry, FIELDS)

        assert sent.status_code == 303
        [thread] = session.exec(select(ContactThread)).all()
        assert sent.headers["location"] == f"/me/messages/{thread.id}?lang=en"
        assert thread.reply_to_sender is False
        page = client.get(sent.headers["location"])
        assert "Your message is on its way" in page.text
        assert "How did you train it?" in page.text
        assert shows_no_address(page, SENDER_EMAIL, TEAM_CONTACT, contributor.email)
        relayed = outbox(session, kind=contact.RELAY_KIND)
        assert {m.to_email for m in relayed} == {TEAM_CONTACT, contributor.email}
        assert all(m.reply_to is None for m in relayed)
        assert all(SENDER_EMAIL not in m.body for m in relayed)

    def test_the_ticked_box_gives_the_address_as_reply_to(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        sign_in(client, session, contact_sender)

        sent = send(client, contact_entry, [*FIELDS, ("reply_to_sender", "yes")])

        assert sent.status_code == 303
        assert all(m.reply_to == SENDER_EMAIL for m in outbox(session))

    @pytest.mark.parametrize(
        ("fields", "field", "french"),
        [
            ([("purpose", "learn"), ("body", "x")], "subject", "obligatoire"),
            ([*FIELDS[:1], ("subject", "a" * 201), *FIELDS[2:]], "subject", "200"),
            ([*FIELDS[:1], ("subject", "two\nlines"), *FIELDS[2:]], "subject", "ligne"),
            ([("purpose", "spam"), *FIELDS[1:]], "purpose", ""),
            ([*FIELDS[:2], ("body", "b" * 5001), *FIELDS[3:]], "body", "5000"),
            ([*FIELDS[:4], ("country", "ZZ")], "country", "ZZ"),
        ],
    )
    def test_bad_input_comes_back_beside_the_field_in_the_users_language(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        fields: list[tuple[str, str]],
        field: str,
        french: str,
    ) -> None:
        sign_in(client, session, contact_sender)
        path = f"/projects/{contact_entry.public_id}/contact?lang=fr"

        page = post_form(client, path, fields, form=path)

        assert page.status_code == 422
        assert f'id="contact-e-{field}"' in page.text
        assert french in page.text
        assert '<html lang="fr"' in page.text
        assert threads(session) == 0

    def test_a_post_without_its_csrf_token_sends_nothing(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        sign_in(client, session, contact_sender)

        refused = client.post(
            f"/projects/{contact_entry.public_id}/contact?lang=en",
            data=dict(FIELDS),
            follow_redirects=False,
        )

        assert refused.status_code == 422
        assert "This form has expired" in refused.text
        assert threads(session) == 0
        assert outbox(session) == []

    def test_the_sixth_message_of_a_day_waits_with_a_clear_message(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        for _ in range(5):
            write(session, contact_entry, contact_sender)
        sign_in(client, session, contact_sender)

        refused = send(client, contact_entry, FIELDS)

        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert "You have written to 5 teams in this period" in refused.text
        assert 'value="Learning from your platform"' in refused.text  # kept
        assert threads(session) == 5

    def test_a_suspended_sender_is_refused(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        sign_in(client, session, contact_sender)
        path = f"/projects/{contact_entry.public_id}/contact?lang=en"
        token = csrf(client, path)
        contact_measures.suspend_sender(
            session, sender_id=contact_sender.id or 0, moderator=moderator
        )

        refused = client.post(
            path,
            data={"csrf_token": token, **dict(FIELDS)},
            follow_redirects=False,
        )

        assert refused.status_code == 403
        assert "Your messages to entry teams are suspended" in refused.text
        assert threads(session) == 0

    def test_an_unpublished_entry_has_no_form(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        contact_sender: User,
    ) -> None:
        draft = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)
        sign_in(client, session, contact_sender)

        assert client.get(f"/projects/{draft.public_id}/contact").status_code == 404


class TestConversations:
    def test_the_sender_and_the_team_talk_through_the_site(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        token = team_token(session)
        team_page = f"/messages/reply/{token}?lang=ar"

        opened = client.get(team_page)
        answered = post_form(
            client,
            f"/messages/reply/{token}/reply?lang=ar",
            [("body", "أهلاً، يسعدنا ذلك")],
            form=team_page,
        )

        assert opened.status_code == 200
        assert opened.headers["cache-control"] == "no-store"
        assert "Rania Haddad" in opened.text
        assert shows_no_address(opened, SENDER_EMAIL, TEAM_CONTACT, contributor.email)
        assert no_inline_code(opened)
        assert answered.status_code == 303
        [mailed] = outbox(session, kind=contact.ANSWER_KIND)
        assert mailed.to_email == SENDER_EMAIL
        assert f"/me/messages/{thread_id}" in mailed.body

        sign_in(client, session, contact_sender)
        mine = client.get("/me/messages?lang=en")
        thread = client.get(f"/me/messages/{thread_id}?lang=en")
        again = post_form(
            client,
            f"/me/messages/{thread_id}/reply?lang=en",
            [("body", "Thank you!")],
            form=f"/me/messages/{thread_id}?lang=en",
        )

        assert "Replicating your platform in Jordan" in mine.text
        assert "يسعدنا ذلك" in thread.text
        assert shows_no_address(thread, TEAM_CONTACT, contributor.email, SENDER_EMAIL)
        assert again.status_code == 303
        assert len(outbox(session, kind=contact.FOLLOW_UP_KIND)) == 2
        # The team's old link gave way to the new mail's.
        assert client.get(team_page).status_code == 404
        assert client.get(f"/messages/reply/{team_token(session)}").status_code == 200

    def test_the_owner_reads_the_threads_to_their_entries(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        sign_in(client, session, contributor)

        mine = client.get("/me/messages?lang=fr")
        thread = client.get(f"/me/messages/{thread_id}?lang=fr")

        assert "Replicating your platform in Jordan" in mine.text
        assert thread.status_code == 200
        assert 'action="/me/messages/' in thread.text
        assert "/block?lang=fr" in thread.text
        assert shows_no_address(thread, SENDER_EMAIL)

    def test_an_empty_answer_comes_back_beside_the_box(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        sign_in(client, session, contact_sender)

        page = post_form(
            client,
            f"/me/messages/{thread_id}/reply?lang=en",
            [("body", "   ")],
            form=f"/me/messages/{thread_id}?lang=en",
        )

        assert page.status_code == 422
        assert 'id="e-reply"' in page.text
        session.expire_all()
        assert len(session.exec(select(ContactMessage)).all()) == 1

    def test_the_team_blocks_the_sender_from_the_link(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        token = team_token(session)

        blocked, clicked_again = (
            post_form(
                client,
                f"/messages/reply/{token}/block?lang=en",
                [("reason", "")],
                form=f"/messages/reply/{token}?lang=en",
            )
            for _ in range(2)
        )

        assert blocked.status_code == clicked_again.status_code == 303
        [block] = session.exec(select(ContactBlock)).all()
        assert block.blocked_by_id is None
        assert block.project_id == contact_entry.id
        page = client.get(f"/messages/reply/{token}?lang=en")
        assert "This person can no longer write to this entry." in page.text

    def test_either_side_reports_abuse(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        sign_in(client, session, contact_sender)

        reported = post_form(
            client,
            f"/me/messages/{thread_id}/report?lang=en",
            [("reason", "Threatening answer")],
            form=f"/me/messages/{thread_id}?lang=en",
        )

        assert reported.status_code == 303
        session.expire_all()
        thread = session.get(ContactThread, thread_id)
        assert thread is not None
        assert thread.reported_at is not None
        assert thread.reported_by_id == contact_sender.id

    def test_strangers_and_bad_links_find_nothing(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        other_contributor: User,
        focal_point: User,
    ) -> None:
        """Not even the entry's focal point: a private conversation."""
        thread_id = write(session, contact_entry, contact_sender).thread.id

        visitor = client.get(f"/me/messages/{thread_id}", follow_redirects=False)
        bad_link = client.get("/messages/reply/" + "x" * 43)
        assert visitor.status_code == 303
        assert visitor.headers["location"].startswith("/login?next=")
        assert bad_link.status_code == 404
        for stranger in (other_contributor, focal_point):
            sign_in(client, session, stranger)
            assert client.get(f"/me/messages/{thread_id}").status_code == 404
            mine = client.get("/me/messages?lang=en")
            assert "Replicating your platform in Jordan" not in mine.text

    def test_a_link_past_the_retention_period_has_expired(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        token = team_token(session)
        [first] = session.exec(select(ContactMessage)).all()
        first.created_at -= timedelta(days=181)  # the default retention: 180
        session.add(first)
        session.commit()

        page = client.get(f"/messages/reply/{token}?lang=en")

        assert page.status_code == 404
        assert "This link or token is invalid or has expired." in page.text

    def test_the_sixth_follow_up_of_a_day_waits_with_a_clear_message(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        for _ in range(5):
            contact.reply(session, access=access, body="Any news?", settings=SETTINGS)
        sign_in(client, session, contact_sender)
        thread = f"/me/messages/{access.thread.id}"

        refused = post_form(
            client, f"{thread}/reply?lang=en", [("body", "And now?")], form=thread
        )

        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 23 * 3600
        assert "You have sent 5 messages in this period" in refused.text
        assert 'id="e-reply"' in refused.text
        assert ">And now?</textarea>" in refused.text  # kept
        assert len(outbox(session, kind=contact.FOLLOW_UP_KIND)) == 5 * 2

    def test_a_follow_up_to_an_archived_entry_is_refused(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        contact_entry.status = ProjectStatus.ARCHIVED
        session.add(contact_entry)
        session.commit()
        sign_in(client, session, contact_sender)
        thread = f"/me/messages/{thread_id}?lang=en"

        refused = post_form(
            client,
            f"/me/messages/{thread_id}/reply?lang=en",
            [("body", "Hi")],
            form=thread,
        )

        assert refused.status_code == 409
        assert "This entry is not published." in refused.text
        assert outbox(session, kind=contact.FOLLOW_UP_KIND) == []

    def test_a_button_without_its_csrf_token_changes_nothing(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        token = team_token(session)

        refused = client.post(
            f"/messages/reply/{token}/block", data={}, follow_redirects=False
        )

        assert refused.status_code == 422
        assert session.exec(select(ContactBlock)).all() == []


class TestTheModeratorsLog:
    def test_shows_metadata_then_the_text_once_reported(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        sign_in(client, session, moderator)

        before = client.get("/moderation/messages?lang=en")
        contact_measures.report_thread(
            session,
            access=access,
            reason="Spam",
            settings=client.app.state.settings,  # type: ignore[attr-defined]
        )
        after = client.get("/moderation/messages?lang=en")

        assert before.status_code == 200
        assert "Rania Haddad" in before.text
        assert "Can we talk?" not in before.text
        assert "Replicating your platform" not in before.text
        assert "Can we talk?" in after.text
        assert "Reported as abuse" in after.text
        for page in (before, after):
            assert shows_no_address(page, SENDER_EMAIL, TEAM_CONTACT)
            assert no_inline_code(page)

    def test_a_moderator_suspends_and_lifts(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        sign_in(client, session, moderator)

        suspended = post_form(
            client,
            "/moderation/messages/suspend?lang=en",
            [("sender_id", str(contact_sender.id)), ("reason", "Abuse"), ("page", "1")],
            form="/moderation/messages?lang=en",
        )

        assert suspended.status_code == 303
        page = client.get(suspended.headers["location"])
        assert "The sender may no longer write to any entry." in page.text
        assert "Lift the suspension" in page.text
        lifted = post_form(
            client,
            "/moderation/messages/lift?lang=en",
            [("sender_id", str(contact_sender.id))],
            form="/moderation/messages?lang=en",
        )
        assert lifted.status_code == 303
        session.expire_all()
        assert session.exec(select(ContactBlock)).all() == []

    def test_pages_link_to_each_other(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(contact_log, "LOG_PAGE_SIZE", 1)
        write(session, contact_entry, contact_sender, subject="First")
        write(session, contact_entry, contact_sender, subject="Second")
        sign_in(client, session, moderator)

        first = client.get("/moderation/messages?lang=en")
        second = client.get("/moderation/messages?lang=en&page=2")

        assert 'href="/moderation/messages?lang=en&amp;page=2" rel="next"' in first.text
        assert 'rel="prev"' not in first.text
        assert (
            'href="/moderation/messages?lang=en&amp;page=1" rel="prev"' in second.text
        )
        assert "Page 2 of 2" in second.text

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_only_moderators_open_it(
        self, client: TestClient, session: Session, contributor: User, lang: str
    ) -> None:
        sign_in(client, session, contributor)

        assert client.get(f"/moderation/messages?lang={lang}").status_code == 403
