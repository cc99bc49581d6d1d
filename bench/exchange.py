"""The knowledge-exchange rows of generated data (issue 14), so the benchmark
measures the good-practice page, the filters and the knowledge-flows matrix on
a catalog that has some: about 1 % of the entries designated good practices,
0.3 % joined by an accepted relation, and 0.2 % written to by a person of
another country. Offers are drawn with each entry (`draw_offers`).

Drawn from the seed alone (`random.Random(f"{seed}:exchange")`), so the same
seed gives the same rows; written in bulk like the entries (no service, no
mail), after them.
"""

import random
from datetime import timedelta

from sqlalchemy import insert, update
from sqlmodel import Session, SQLModel, col, select

from app.db import utcnow
from app.models import (
    ContactPurpose,
    Offer,
    Project,
    ProjectStatus,
    RelationKind,
    RelationStatus,
    Role,
    User,
)
from app.security import hash_secret

GOOD_PRACTICE_SHARE = 0.01
RELATION_SHARE = 0.003
CONTACT_SHARE = 0.002
TABLES = SQLModel.metadata.tables
# Smaller catalogs (the generator's own tests) get none: their rows stay
# exactly what the service writes.
MIN_ENTRIES = 200


def draw_offers(rng: random.Random) -> list[Offer]:
    """None for three entries in four, else one or two offers."""
    if rng.random() < 0.75:
        return []
    return rng.sample(list(Offer), rng.choice((1, 1, 2)))


def _people(session: Session, countries: list[str]) -> tuple[int, dict[str, int]]:
    """A moderator (the designations' author) and one person per country (the
    relations' proposers, the contacts' senders), made once."""
    wanted = [("bench-moderator@bench.invalid", Role.MODERATOR, None)] + [
        (f"bench-{iso2.lower()}@bench.invalid", Role.CONTRIBUTOR, iso2)
        for iso2 in countries
    ]
    known = set(session.exec(select(User.email)).all())
    for email, role, country in wanted:
        if email not in known:
            session.add(
                User(
                    email=email,
                    full_name=email.split("@")[0],
                    role=role,
                    country_iso2=country,
                    email_verified_at=utcnow(),
                )
            )
    session.commit()
    ids: dict[str, int] = {
        email: uid for email, uid in session.exec(select(User.email, User.id)) if uid
    }
    person = {country: ids[email] for email, _role, country in wanted if country}
    return ids["bench-moderator@bench.invalid"], person


def add_exchange(session: Session, *, seed: int) -> None:
    """Designations, accepted relations and contact threads among the approved
    entries, once there are MIN_ENTRIES (appended: a second call adds as many
    again)."""
    entries = session.exec(
        select(Project.id, Project.home_country_iso2)
        .where(Project.status == ProjectStatus.APPROVED)
        .where(col(Project.home_country_iso2).is_not(None))
        .order_by(col(Project.id))
    ).all()
    if len(entries) < MIN_ENTRIES:
        return
    rng = random.Random(f"{seed}:exchange:{len(entries)}")
    countries = sorted({country for _pid, country in entries if country})
    moderator, person = _people(session, countries)
    now = utcnow()
    chosen = rng.sample(entries, max(1, int(len(entries) * GOOD_PRACTICE_SHARE)))
    session.execute(
        insert(TABLES["good_practice"]),
        [
            {
                "project_id": pid,
                "citation_en": "Generated designation (benchmark data).",
                "year": 2025,
                "designated_by_id": moderator,
                "designated_at": now - timedelta(days=rng.randrange(400)),
            }
            for pid, _country in chosen
        ],
    )
    session.execute(
        update(TABLES["project"])
        .where(TABLES["project"].c.id.in_([pid for pid, _c in chosen]))
        .values(good_practice=True)
    )
    relations: list[dict[str, object]] = []
    for _ in range(int(len(entries) * RELATION_SHARE)):
        (source, home), (target, other) = rng.sample(entries, 2)
        if home != other:
            relations.append(
                {
                    "source_id": source,
                    "target_id": target,
                    "kind": rng.choice(list(RelationKind)),
                    "status": RelationStatus.ACCEPTED,
                    "proposed_by_id": person[str(other)],
                    "proposed_at": now,
                    "proposed_from_id": target,
                    "decided_by_id": moderator,
                    "decided_at": now,
                }
            )
    if relations:
        session.execute(insert(TABLES["project_relation"]), relations)
    threads: list[dict[str, object]] = []
    for _ in range(int(len(entries) * CONTACT_SHARE)):
        pid, home = rng.choice(entries)
        sender = rng.choice([c for c in countries if c != home])
        threads.append(
            {
                "project_id": pid,
                "sender_id": person[sender],
                "purpose": rng.choice(list(ContactPurpose)),
                "subject": "Generated contact (benchmark data)",
                "sender_country_iso2": sender,
                "reply_to_sender": False,
                "reply_token_hash": hash_secret(f"{seed}:{pid}:{len(threads)}:{now}"),
                "created_at": now - timedelta(days=rng.randrange(400)),
            }
        )
    if threads:
        session.execute(insert(TABLES["contact_thread"]), threads)
    session.commit()
