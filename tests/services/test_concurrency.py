"""Two people editing the same entry at once: one wins, the other gets a 409."""

import threading

from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.errors import Conflict
from app.models import ProjectStatus, Role
from app.schemas.project import ProjectUpdate
from app.services import revisions
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
