"""The in-process mail worker delivers while the web app runs, and stops with it."""

import time

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.services import mail
from tests.factories import make_user
from tests.support.databases import build_template
from tests.support.smtp import SmtpServer


def test_the_app_delivers_queued_mail_in_the_background(
    empty_database: str, smtp_server: SmtpServer
) -> None:
    build_template(empty_database, demo=False)
    settings = Settings(
        environment="test",
        database_url=empty_database,
        smtp_port=smtp_server.port,
        mail_worker_enabled=True,
        mail_worker_interval_seconds=0.05,
    )
    engine = make_engine(empty_database)
    with Session(engine) as session:
        recipient = make_user(session)
        mail.queue(
            session,
            kind="comment",
            to=recipient,
            context={"title": "T", "author": "A", "body": "Hello", "link": "L"},
        )
        session.commit()
        address = recipient.email
    engine.dispose()

    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 10
        while not smtp_server.inbox.to(address) and time.monotonic() < deadline:
            time.sleep(0.05)

    assert len(smtp_server.inbox.to(address)) == 1
