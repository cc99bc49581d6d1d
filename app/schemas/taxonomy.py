"""Public shapes of the reference taxonomies."""

from datetime import datetime

from pydantic import BaseModel

from app.models import AictoMembership
from app.schemas.common import LocalizedText


class TermPublic(BaseModel):
    """A term of a small vocabulary (technology, entity type, ...)."""

    code: str
    name: LocalizedText
    retired_at: datetime | None = None


class ActionLinePublic(BaseModel):
    code: str
    parent: str | None
    title: LocalizedText
    lead_facilitator: str
    sdgs: list[int]
    retired_at: datetime | None = None


class SdgPublic(BaseModel):
    number: int
    name: LocalizedText
    color: str
    retired_at: datetime | None = None


class CountryPublic(BaseModel):
    iso2: str
    name: LocalizedText
    sub_region: str
    aicto_membership: AictoMembership
    retired_at: datetime | None = None


class WsisTargetPublic(BaseModel):
    code: str
    title: LocalizedText
    retired_at: datetime | None = None


class GdcObjectivePublic(BaseModel):
    number: int
    title: LocalizedText
    retired_at: datetime | None = None
