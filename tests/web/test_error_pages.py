"""Error pages (403, 404, 500) in the visitor's language, never a bare 500."""

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlmodel import Session

from app.config import Settings
from app.i18n import translate
from app.main import create_app
from app.messages import ERROR_PAGE_HEADINGS
from app.models import User
from tests.factories import sign_in

LANGUAGES = ["ar", "en", "fr"]


def heading(lang: str, status: int) -> str:
    """The page's heading for `status`, as it appears in the HTML (escaped)."""
    return str(escape(translate(lang, ERROR_PAGE_HEADINGS[status])))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forbidden_page(
    client: TestClient, session: Session, contributor: User, lang: str
) -> None:
    sign_in(client, session, contributor)

    response = client.get(f"/moderation?lang={lang}")

    assert response.status_code == 403
    assert f'<html lang="{lang}"' in response.text
    assert heading(lang, 403) in response.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_found_page(client: TestClient, lang: str) -> None:
    response = client.get(f"/no/such/page?lang={lang}")

    assert response.status_code == 404
    assert heading(lang, 404) in response.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unexpected_failure_is_a_500_page_in_the_language(
    taxonomy_template: str, lang: str
) -> None:
    app = create_app(Settings(database_url=taxonomy_template, environment="test"))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(f"/boom?lang={lang}")

    assert response.status_code == 500
    assert f'<html lang="{lang}"' in response.text
    assert heading(lang, 500) in response.text
    assert "a bug" not in response.text
