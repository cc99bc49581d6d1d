"""Settings: the only place the environment is read."""

from functools import lru_cache
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.languages import Language

PLACEHOLDER_SECRET = "change-me"  # refused when environment is production


class DataLicence(NamedTuple):
    """A licence the published data may be released under: its name and text."""

    name: str
    url: str
    attribution: bool  # reusers must credit the source


# The licences `data_licence` may name, by SPDX identifier.
DATA_LICENCES: dict[str, DataLicence] = {
    "CC-BY-4.0": DataLicence(
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
        attribution=True,
    ),
    "CC-BY-SA-4.0": DataLicence(
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        attribution=True,
    ),
    "CC0-1.0": DataLicence(
        "CC0 1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        attribution=False,
    ),
    "ODbL-1.0": DataLicence(
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        attribution=True,
    ),
}

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

    # Knowledge exchange (issue 14). Messages to entry teams a sender may start,
    # per day and per week (services.contact).
    contact_limit_per_day: RateLimit = "5/86400"
    contact_limit_per_week: RateLimit = "20/604800"
    # Relations a person may propose per day (moderators are not counted).
    relation_limit_per_day: RateLimit = "20/86400"
    # Problems a person may report with entries per day (services.reports).
    report_limit_per_day: RateLimit = "10/86400"
    # Relayed message bodies are deleted after this many days (`stocktaking
    # prune-messages`); who wrote to which entry, when and why stays.
    contact_retention_days: int = Field(default=180, ge=1)
    # The knowledge-flows matrix hides a country pair joined by fewer than
    # this many contacts and relations.
    knowledge_flow_threshold: int = Field(default=3, ge=1)

    # The licence of the published entries' data and of every export (an SPDX
    # identifier of DATA_LICENCES); shown on /licence.
    data_licence: str = "CC-BY-4.0"
    # The repository team's address, shown on /contact (None: the page sends
    # visitors to AICTO's website instead).
    contact_email: EmailStr | None = None

    @field_validator("public_base_url")
    @classmethod
    def _without_trailing_slash(cls, url: str) -> str:
        """Paths are appended to it ("/projects/..."): one slash between."""
        return url.rstrip("/")

    @field_validator("data_licence")
    @classmethod
    def _known_licence(cls, licence: str) -> str:
        if licence not in DATA_LICENCES:
            raise ValueError(f"data_licence must be one of {', '.join(DATA_LICENCES)}")
        return licence

    @property
    def licence(self) -> DataLicence:
        """The name and address of `data_licence`."""
        return DATA_LICENCES[self.data_licence]

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
