"""The signed links of follows and saved searches: one-click unsubscribe
links and private feed addresses, made and read back.

Each is what it names plus its HMAC under the secret key (app/security.py
sign/verify): it needs no sign-in, nothing secret is stored, and it cannot be
guessed or altered. Changing `secret_key` retires every link handed out.
"""

import re
from dataclasses import dataclass

from app import security
from app.config import Settings
from app.models.exchange import SavedSearch

UNSUBSCRIBE = "unsubscribe"
# A row id as a link writes it: ASCII digits, within the id column's range
# (a saved search's, a person's: 9 digits; an entry's: up to 12).
_SEARCH = re.compile(r"s([0-9]{1,9})\.([0-9]{1,12})")
_FOLLOW = re.compile(r"f([0-9]{1,9})\.([0-9]{1,12})")
_FEED_ID = re.compile(r"[0-9]{1,9}")


def search_payload(search: SavedSearch) -> str:
    """A saved search by id and creation second: an id SQLite gives again
    after a deletion does not inherit the old search's links."""
    return f"s{search.id}.{int(search.created_at.timestamp())}"


def follow_payload(user_id: int, project_id: int) -> str:
    """A follow by who and what: the link survives following again."""
    return f"f{user_id}.{project_id}"


def unsubscribe_url(settings: Settings, payload: str) -> str:
    """The one-click unsubscribe link of a follow or saved search."""
    token = security.sign(settings.secret_key, UNSUBSCRIBE, payload)
    return f"{settings.public_base_url}/alerts/unsubscribe/{token}"


@dataclass(frozen=True)
class SearchLink:
    """An unsubscribe link naming a saved search (`payload`: as signed)."""

    search_id: int
    payload: str


@dataclass(frozen=True)
class FollowLink:
    """An unsubscribe link naming who follows which entry (row ids)."""

    user_id: int
    project_id: int


def read_unsubscribe(settings: Settings, token: str) -> SearchLink | FollowLink | None:
    """What the unsubscribe link `token` names, if it was signed here; None
    for a mistyped or altered one."""
    payload = security.verify(settings.secret_key, UNSUBSCRIBE, token)
    if payload is None:
        return None
    if found := _SEARCH.fullmatch(payload):
        return SearchLink(int(found[1]), payload)
    if found := _FOLLOW.fullmatch(payload):
        return FollowLink(int(found[1]), int(found[2]))
    return None


def _feed_purpose(search: SavedSearch) -> str:
    return f"feed:{search.feed_nonce}"


def feed_token(settings: Settings, search: SavedSearch) -> str:
    """The secret part of the private feed's address: the id, signed for the
    search's current nonce (a new nonce retires the old address)."""
    return security.sign(settings.secret_key, _feed_purpose(search), str(search.id))


def feed_search_id(token: str) -> int | None:
    """The saved search a feed token claims to be of (not yet verified)."""
    search_id = token.partition("-")[0]
    return int(search_id) if _FEED_ID.fullmatch(search_id) else None


def is_feed_token(settings: Settings, search: SavedSearch, token: str) -> bool:
    """Whether `token` is the current address of `search`'s feed."""
    named = security.verify(settings.secret_key, _feed_purpose(search), token)
    return named == str(search.id)


def feed_url(settings: Settings, search: SavedSearch) -> str:
    return f"{settings.public_base_url}/feeds/saved/{feed_token(settings, search)}.atom"
