"""Settings: the only place the environment is read."""

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import StringConstraints, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.languages import Language

PLACEHOLDER_SECRET = "change-me"  # refused when environment is production

# "<attempts>/<seconds>": a limit of the throttle (app/services/throttle.py).
RateLimit = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*/[1-9][0-9]*$")]


class Settings(BaseSettings):
    """Configuration read from `STOCKTAKING_*` variables or a `.env` file."""

    model_config = SettingsConfigDict(
        env_prefix="STOCKTAKING_", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./data/stocktaking.db"
    # A PostgreSQL read replica for public reads (anonymous GET/HEAD); the
    # primary answers them while the replica is down.
    read_database_url: str | None = None
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Behind a reverse proxy: the proxies (comma-separated addresses, or "*")
    # whose X-Forwarded-Proto/-For uvicorn believes, so https requests are seen
    # as https (HSTS, Secure cookies) and clients by their own address.
    forwarded_allow_ips: str = "127.0.0.1"
    # The language of a page or answer when neither `?lang=`, the cookie nor
    # Accept-Language names one of the three.
    default_locale: Language = Language.AR
    sql_echo: bool = False

    # Links in emails point here.
    public_base_url: str = "http://127.0.0.1:8000"
    api_token_lifetime_hours: int = 24 * 30
    session_lifetime_hours: int = 24 * 14
    verification_link_hours: int = 48
    reset_link_hours: int = 2
    invitation_link_hours: int = 24 * 7

    # Outgoing mail: written to the outbox, delivered by the mail worker.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "AICTO Repository <no-reply@localhost>"
    # Run the delivery loop inside the web process (one worker is enough; more
    # are safe: PostgreSQL hands each message to one of them).
    mail_worker_enabled: bool = False
    mail_worker_interval_seconds: float = 5.0
    # After this many failed attempts a message is parked for an admin to see.
    mail_max_attempts: int = 8

    # Read the most common words' places of the search index when the service
    # starts, in the background (services.catalog_index.warm_up).
    search_warm_up: bool = True

    # Requests: bodies larger than this are refused (413) before they are read.
    max_body_bytes: int = 1024 * 1024
    # Throttling (counted in the database, shared by every worker):
    # "<attempts>/<seconds>" per account, per client address, per email address.
    sign_in_limit_per_account: RateLimit = "5/900"
    sign_in_limit_per_client: RateLimit = "30/900"
    registration_limit_per_client: RateLimit = "10/3600"
    reset_limit_per_address: RateLimit = "3/3600"
    reset_limit_per_client: RateLimit = "10/3600"

    @field_validator("database_url", "read_database_url")
    @classmethod
    def _use_psycopg_driver(cls, url: str | None) -> str | None:
        """Accept plain `postgresql://` URLs; the project's driver is psycopg 3."""
        for prefix in ("postgresql://", "postgres://"):
            if url is not None and url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        if self.environment == "production" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError(
                "STOCKTAKING_SECRET_KEY must be set to a random value in production"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
