"""Settings refuse unsafe production values and accept common URL spellings."""

import pytest
from pydantic import ValidationError

from app.config import Settings


class TestSettings:
    def test_production_refuses_the_placeholder_secret(self) -> None:
        with pytest.raises(ValidationError, match="STOCKTAKING_SECRET_KEY"):
            Settings(environment="production")

    def test_production_accepts_a_real_secret(self) -> None:
        settings = Settings(environment="production", secret_key="s3cr3t-" * 6)

        assert settings.environment == "production"

    @pytest.mark.parametrize(
        "url", ["postgresql://u:p@db/repo", "postgres://u:p@db/repo"]
    )
    def test_plain_postgresql_urls_use_the_psycopg_driver(self, url: str) -> None:
        assert Settings(database_url=url).database_url == (
            "postgresql+psycopg://u:p@db/repo"
        )

    def test_settings_come_from_prefixed_environment_variables(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("STOCKTAKING_PORT", "8123")

        assert Settings().port == 8123


def test_the_public_address_is_kept_without_a_trailing_slash() -> None:
    settings = Settings(public_base_url="https://repo.example/")

    assert settings.public_base_url == "https://repo.example"
