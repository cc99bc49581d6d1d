"""Sample projects from `seeds/demo/*.json`, created through the project service.

Every sample is fictional, marked `is_sample`, and published (approved) so the
public API has something to show. Each sample's public id is derived from its
stable `key`, so loading twice adds nothing the second time.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.models import Project, ProjectStatus
from app.schemas.project import ProjectCreate
from app.services import projects

DEMO_DIR = Path(__file__).parent / "demo"


def sample_public_id(key: str) -> str:
    """A stable public id for the sample with `key`."""
    digest = hashlib.sha256(f"sample:{key}".encode()).digest()
    alphabet = projects.PUBLIC_ID_ALPHABET
    return "".join(
        alphabet[b % len(alphabet)] for b in digest[: projects.PUBLIC_ID_LENGTH]
    )


def read_samples(directory: Path = DEMO_DIR) -> list[dict[str, Any]]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no sample project files in {directory}")
    samples: list[dict[str, Any]] = []
    for path in files:
        samples.extend(json.loads(path.read_text("utf-8")))
    return samples


def load_demo(session: Session, directory: Path = DEMO_DIR) -> int:
    """Create the samples that are not there yet; return how many were added."""
    samples = read_samples(directory)
    ids = {sample["key"]: sample_public_id(sample["key"]) for sample in samples}
    present = set(
        session.exec(
            select(Project.public_id).where(col(Project.public_id).in_(ids.values()))
        ).all()
    )
    added = 0
    for sample in samples:
        if ids[sample["key"]] in present:
            continue
        fields = {k: v for k, v in sample.items() if k != "key"}
        projects.create_project(
            session,
            data=ProjectCreate.model_validate(fields),
            status=ProjectStatus.APPROVED,
            is_sample=True,
            public_id=ids[sample["key"]],
        )
        added += 1
    return added
