"""Password hashing (argon2), the secrets handed to users (stored hashed) and
the signed values of links that need no sign-in (HMAC under the secret key)."""

import base64
import hashlib
import hmac
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

password_hasher = PasswordHash((Argon2Hasher(),))

# Verified against when the email is unknown, so a sign-in attempt takes as long
# for a missing account as for a wrong password (no account enumeration by timing).
DUMMY_PASSWORD_HASH = password_hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if `password` matches; always does the work of one verification."""
    if password_hash is None:
        password_hasher.verify(password, DUMMY_PASSWORD_HASH)
        return False
    return password_hasher.verify(password, password_hash)


def new_secret() -> str:
    """A random, URL-safe secret (about 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What is stored for a secret: its SHA-256, so a database leak reveals none."""
    return hashlib.sha256(secret.encode()).hexdigest()


SIGNATURE_BYTES = 16  # 128 bits of the HMAC-SHA256 in a signed value


def _signature(key: str, purpose: str, payload: str) -> str:
    digest = hmac.new(
        key.encode(), f"{purpose}:{payload}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def sign(key: str, purpose: str, payload: str) -> str:
    """`payload`, a dash and its HMAC for `purpose` under `key` (the secret
    key): a link that names what it is for and cannot be forged or altered.
    `payload` must not contain a dash."""
    return f"{payload}-{_signature(key, purpose, payload)}"


def verify(key: str, purpose: str, signed: str) -> str | None:
    """What `signed` names, if `sign` made it with `key` for `purpose`; else
    None (compared in constant time)."""
    payload, dash, signature = signed.partition("-")
    expected = _signature(key, purpose, payload)
    if not dash or not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    return payload
