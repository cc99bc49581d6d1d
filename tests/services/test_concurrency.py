"""Two people editing the same entry at once: one wins, the other gets a 409."""

import threading
from unittest.mock import patch

from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine
from app.errors import Conflict
from app.models import OutboxMessage, ProjectStatus, Role, User
from app.schemas.project import ProjectUpdate
from app.schemas.user import RegistrationIn
from app.services import accounts, revisions
from tests.factories import make_project, make_user
from tests.support.databases import build_template


def test_two_updates_from_the_same_version_one_conflicts(empty_database: str) -> None:
    # Separate connections, as two web workers would have: a real database of
    # its own, not the per-test transaction.
    build_template(empty_database, demo=False)
    engine = make_engine(empty_database)
    with Session(engine) as session:
        owner = make_user(session, role=Role.CONTRIBUTOR, country="TN")
        focal_point = make_user(session, role=Role.FOCAL_POINT, country="TN")
        public_id = make_project(
            session, status=ProjectStatus.DRAFT, owner=owner
        ).public_id
        editors = [owner, focal_point]

    start = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(index: int) -> None:
        update = ProjectUpdate.model_validate(
            {"version": 1, "keywords": [f"edit {index}"]}
        )
        with Session(engine) as session:
            editor = session.merge(editors[index])
            start.wait()
            try:
                revisions.edit_project(
                    session,
                    public_id=public_id,
                    editor=editor,
                    update=update,
                    settings=Settings(environment="test"),
                )
                outcomes.append("saved")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.dispose()

    assert sorted(outcomes) == ["conflict", "saved"]


def test_two_registrations_of_one_address_at_once_make_one_account(
    empty_database: str,
) -> None:
    """Both pass the "is the address free?" look-up before either inserts; the
    unique index decides, and the loser's request still gets its answer (the
    owner is emailed "you already have an account"), never a 500."""
    build_template(empty_database, demo=False)
    engine = make_engine(empty_database)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    registration = RegistrationIn(
        email="same@example.org",
        password="a long enough password",
        full_name="Same Person",
        organization="Lab",
        country="TN",
    )
    real_find = accounts.find_user
    first_look = threading.local()

    def find_then_wait(session: Session, email: str) -> User | None:
        found = real_find(session, email)
        if not getattr(first_look, "done", False):
            first_look.done = True
            start.wait(timeout=10)  # both have looked before either inserts
        return found

    def register(index: int) -> None:
        with Session(engine) as session:
            try:
                accounts.register(
                    session,
                    data=registration,
                    client=f"10.0.0.{index}",
                    settings=Settings(environment="test"),
                )
                outcomes.append("answered")
            except Exception as error:
                outcomes.append(type(error).__name__)

    with patch.object(accounts, "find_user", find_then_wait):
        threads = [
            threading.Thread(target=register, args=(i,), name=f"register-{i}")
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    with Session(engine) as session:
        users = session.exec(select(User).where(User.email == "same@example.org")).all()
        kinds = sorted(m.kind for m in session.exec(select(OutboxMessage)).all())
    engine.dispose()
    assert outcomes == ["answered", "answered"]
    assert len(users) == 1
    assert kinds == ["account_exists", "verify_email"]
