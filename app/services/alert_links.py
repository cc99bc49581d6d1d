"""The signed links of follows and saved searches: one-click unsubscribe
links and private feed addresses.

Each is what it names plus an HMAC-SHA256 of that under the secret key: it
needs no sign-in, nothing secret is stored, and it cannot be guessed or
altered. Changing `secret_key` retires every link handed out.
"""

import hmac

from app import security
from app.config import Settings
from app.models.exchange import SavedSearch

UNSUBSCRIBE = "unsubscribe"


def signed(settings: Settings, purpose: str, payload: str) -> str:
    """`payload`, a dash and its signature for `purpose` (app/security.py)."""
    return security.sign(settings.secret_key, purpose, payload)


def verified(settings: Settings, purpose: str, token: str) -> str | None:
    """What `token` names, if it was signed here for `purpose`; else None."""
    return security.verify(settings.secret_key, purpose, token)


def search_payload(search: SavedSearch) -> str:
    """A saved search by id and creation second: an id SQLite gives again
    after a deletion does not inherit the old search's links."""
    return f"s{search.id}.{int(search.created_at.timestamp())}"


def follow_payload(user_id: int, project_id: int) -> str:
    """A follow by who and what: the link survives following again."""
    return f"f{user_id}.{project_id}"


def unsubscribe_url(settings: Settings, payload: str) -> str:
    """The one-click unsubscribe link of a follow or saved search."""
    token = signed(settings, UNSUBSCRIBE, payload)
    return f"{settings.public_base_url}/alerts/unsubscribe/{token}"


def feed_token(settings: Settings, search: SavedSearch) -> str:
    """The secret part of the private feed's address: the id, and an HMAC of
    the id and the search's nonce (a new nonce retires the old address)."""
    return signed(settings, f"feed:{search.feed_nonce}", str(search.id))


def is_feed_token(settings: Settings, search: SavedSearch, token: str) -> bool:
    """Whether `token` is the current address of `search`'s feed."""
    return hmac.compare_digest(token.encode(), feed_token(settings, search).encode())


def feed_url(settings: Settings, search: SavedSearch) -> str:
    return f"{settings.public_base_url}/feeds/saved/{feed_token(settings, search)}.atom"
