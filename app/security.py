"""Password hashing (argon2) and the secrets handed to users (stored hashed)."""

import hashlib
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
