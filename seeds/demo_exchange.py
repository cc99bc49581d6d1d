"""The demo's knowledge exchange (`seeds/exchange.json`): a few sample entries
designated good practices and related to others, made through the services
so the pages, filters and feed show them on a fresh install.

The services need a moderator: the demo curator, an account without a
password (it cannot sign in) that is switched off again once it has acted,
so it is told of nothing later. Loading twice adds nothing the second time.
"""

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, or_, select

from app.config import Settings
from app.db import utcnow
from app.models import Project, ProjectRelation, Role, User
from app.schemas.good_practices import DesignationIn
from app.schemas.relations import RelationIn
from app.services import designations, relations
from seeds.demo import sample_public_id

EXCHANGE_FILE = Path(__file__).parent / "exchange.json"
CURATOR_EMAIL = "demo-curator@example.org"


def _curator(session: Session) -> User:
    curator = session.exec(select(User).where(User.email == CURATOR_EMAIL)).first()
    if curator is None:
        curator = User(
            email=CURATOR_EMAIL,
            full_name="AICTO demo curator",
            role=Role.MODERATOR,
            email_verified_at=utcnow(),
        )
    curator.is_active = True
    session.add(curator)
    session.commit()
    return curator


def _entry(session: Session, key: str) -> Project | None:
    return session.exec(
        select(Project).where(Project.public_id == sample_public_id(key))
    ).first()


def _designate(session: Session, curator: User, item: dict[str, Any]) -> bool:
    entry = _entry(session, item["key"])
    if entry is None or entry.good_practice:
        return False
    citation = {f"citation_{lang}": text for lang, text in item["citation"].items()}
    designations.designate(
        session,
        public_id=entry.public_id,
        moderator=curator,
        data=DesignationIn(year=item["year"], **citation),
        settings=Settings(),
    )
    return True


def _relate(session: Session, curator: User, item: dict[str, Any]) -> bool:
    source, target = _entry(session, item["from"]), _entry(session, item["to"])
    if source is None or target is None:
        return False
    pair = (col(ProjectRelation.source_id), col(ProjectRelation.target_id))
    related = session.exec(
        select(ProjectRelation.id).where(
            or_(
                (pair[0] == source.id) & (pair[1] == target.id),
                (pair[0] == target.id) & (pair[1] == source.id),
            )
        )
    ).first()
    if related is not None:
        return False
    proposed = relations.propose(
        session,
        public_id=source.public_id,
        data=RelationIn(other=target.public_id, relation=item["relation"]),
        by=curator,
        settings=Settings(),
    )
    relations.act(
        session,
        relation_id=proposed.id,
        action="accept",
        by=curator,
        settings=Settings(),
    )
    return True


def load_exchange(session: Session, path: Path = EXCHANGE_FILE) -> int:
    """Designate and relate the samples not yet so; how many acts it took."""
    wanted = json.loads(path.read_text("utf-8"))
    curator = _curator(session)
    done = sum(_designate(session, curator, item) for item in wanted["good_practices"])
    done += sum(_relate(session, curator, item) for item in wanted["relations"])
    curator.is_active = False
    session.add(curator)
    session.commit()
    return done
