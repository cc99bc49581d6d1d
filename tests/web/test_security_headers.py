"""Every response carries the security headers, and every page works under a
strict Content-Security-Policy: nothing inline for it to refuse."""

import re
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.cli import cli
from app.config import Settings
from app.main import create_app
from app.models import User
from app.templating import TEMPLATES
from app.web.styles import sdg_colour_rules
from tests.factories import bearer, make_project, sign_in

PUBLIC_PAGES = [
    "/",
    "/projects",
    "/projects?q=platform",
    "/countries/TN",
    "/action-lines/C7",
    "/dashboard",
    "/login",
    "/register",
    "/reset-password",
]
HSTS = "max-age=31536000; includeSubDomains"


def policy_of(response: httpx.Response) -> dict[str, str]:
    """The response's CSP as {directive: sources}."""
    policy = response.headers["content-security-policy"]
    found: dict[str, str] = {}
    for directive in policy.split(";"):
        name, sources = directive.strip().split(maxsplit=1)
        found[name] = sources
    return found


def assert_strict_page(response: httpx.Response) -> None:
    """The page policy: the app's own files only, nothing inline, never framed."""
    assert response.headers["content-type"].startswith("text/html")
    policy = policy_of(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert_every_response_headers(response)


def assert_every_response_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # plain http


def assert_nothing_to_run(response: httpx.Response) -> None:
    """The policy of a non-page answer (JSON, CSV, Atom): loads nothing."""
    policy = policy_of(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert_every_response_headers(response)


@pytest.fixture
def published(session: Session) -> str:
    return make_project(session, sdgs=[2, 13]).public_id


class TestPublicPages:
    @pytest.mark.usefixtures("published")
    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    def test_visitor_gets_every_page_under_the_strict_policy(
        self, client: TestClient, path: str
    ) -> None:
        response = client.get(path)

        assert response.status_code == 200
        assert_strict_page(response)

    def test_visitor_gets_a_project_page_under_the_strict_policy(
        self, client: TestClient, published: str
    ) -> None:
        response = client.get(f"/projects/{published}")

        assert response.status_code == 200
        assert_strict_page(response)
        assert 'class="sdg-13"' in response.text

    def test_visitor_gets_the_not_found_page_under_the_strict_policy(
        self, client: TestClient
    ) -> None:
        response = client.get("/projects/NOSUCHENTRY")

        assert response.status_code == 404
        assert_strict_page(response)

    def test_visitor_pages_are_not_made_uncacheable(self, client: TestClient) -> None:
        first_visit = client.get("/")  # sets the CSRF cookie: never stored
        assert first_visit.headers["cache-control"] == "no-store"

        response = client.get("/projects")

        assert "set-cookie" not in response.headers
        assert "cache-control" not in response.headers

    def test_a_response_setting_a_cookie_is_not_stored(
        self, client: TestClient
    ) -> None:
        response = client.get("/", params={"lang": "en"})

        assert "lang=en" in response.headers["set-cookie"]
        assert response.headers["cache-control"] == "no-store"


class TestSignedInPages:
    @pytest.mark.parametrize(
        ("path", "person"),
        [
            ("/me/projects", "contributor"),
            ("/projects/new", "contributor"),
            ("/moderation", "moderator"),
            ("/admin/users", "admin"),
        ],
    )
    def test_signed_in_person_gets_strict_pages_that_are_never_stored(
        self,
        client: TestClient,
        session: Session,
        request: pytest.FixtureRequest,
        path: str,
        person: str,
    ) -> None:
        user: User = request.getfixturevalue(person)
        sign_in(client, session, user)
        client.get("/")  # the CSRF cookie: later answers set none

        response = client.get(path)

        assert response.status_code == 200
        assert user.full_name in response.text
        assert_strict_page(response)
        assert response.headers["cache-control"] == "no-store"

    def test_signed_in_person_still_caches_the_apps_files(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        assert "cache-control" not in client.get("/static/css/site.css").headers
        colours = client.get("/styles/sdg-colours.css")
        assert colours.headers["cache-control"] == "public, max-age=3600"


class TestAddressesThatCarryASecret:
    """The team's link to a conversation, an unsubscribe link and a private
    feed carry their secret in the path: not indexed, not cached, and sent as
    a Referer to no other site (same-origin: the pages' own forms still post
    with their origin, which the CSRF check wants)."""

    @pytest.mark.parametrize(
        "path",
        [
            "/messages/reply/not-a-real-token",
            "/alerts/unsubscribe/not-a-real-token",
            "/feeds/saved/1-not-a-real-token.atom",
        ],
    )
    def test_secret_paths_leak_nowhere(self, client: TestClient, path: str) -> None:
        response = client.get(path)

        assert response.status_code in (400, 404, 422)  # a token it does not know
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        assert response.headers["cache-control"] == "no-store"

    def test_other_pages_keep_the_usual_referrer_policy(
        self, client: TestClient
    ) -> None:
        response = client.get("/good-practices")

        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "x-robots-tag" not in response.headers


class TestApiAnswers:
    def test_visitor_gets_json_that_loads_nothing(self, client: TestClient) -> None:
        response = client.get("/api/v1/sdgs")

        assert response.status_code == 200
        assert_nothing_to_run(response)
        assert "cache-control" not in response.headers

    def test_bearer_answers_are_never_stored(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        response = client.get("/api/v1/me", headers=bearer(session, contributor))

        assert response.status_code == 200
        assert response.json()["email"] == contributor.email
        assert_nothing_to_run(response)
        assert response.headers["cache-control"] == "no-store"

    def test_visitor_gets_the_streamed_csv_export_with_the_headers(
        self, client: TestClient, published: str
    ) -> None:
        response = client.get("/api/v1/projects/export", params={"format": "csv"})

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert published in response.text
        assert_nothing_to_run(response)

    def test_visitor_gets_the_atom_feed_with_the_headers(
        self, client: TestClient, published: str
    ) -> None:
        response = client.get("/feeds/projects.atom")

        assert response.status_code == 200
        assert published in response.text
        assert_nothing_to_run(response)


class TestCharts:
    @pytest.mark.parametrize("name", ["sdgs", "action-lines-by-country"])
    def test_visitor_gets_charts_that_only_load_the_apps_stylesheets(
        self, client: TestClient, name: str
    ) -> None:
        response = client.get(f"/charts/{name}.svg")

        assert response.status_code == 200
        policy = policy_of(response)
        assert policy["default-src"] == "'none'"
        assert policy["style-src"] == "'self'"
        assert policy["font-src"] == "'self'"
        # The dashboard shows the charts in <object>: their own origin frames them.
        assert policy["frame-ancestors"] == "'self'"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert_every_response_headers(response)
        assert "<style" not in response.text
        stylesheets = re.findall(r'<\?xml-stylesheet href="([^"]+)"', response.text)
        assert stylesheets == ["/static/css/fonts.css", "/static/css/charts.css"]
        for stylesheet in stylesheets:
            assert client.get(stylesheet).status_code == 200

    @pytest.mark.usefixtures("published")
    def test_a_bar_opens_the_catalog_in_the_whole_window(
        self, client: TestClient
    ) -> None:
        # In <object>, a plain link would open the catalog inside the chart's
        # box, where the pages' frame-ancestors 'none' refuses it.
        svg = client.get("/charts/countries.svg").text

        links = re.findall(r"<a [^>]*>", svg)
        assert links
        assert all('target="_top"' in link for link in links)


class TestSdgColours:
    def test_visitor_gets_every_goals_colour_as_a_class(
        self, client: TestClient
    ) -> None:
        response = client.get("/styles/sdg-colours.css")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
        assert ".sdg-1 { --sdg-colour: #E5243B; }" in response.text
        assert response.text.count("--sdg-colour") == 17

    def test_home_page_names_the_classes_and_links_the_stylesheet(
        self, client: TestClient
    ) -> None:
        text = client.get("/").text

        assert 'class="sdg-17"' in text
        assert "/styles/sdg-colours.css" in text

    def test_a_malformed_colour_never_reaches_the_stylesheet(self) -> None:
        css = sdg_colour_rules({1: "#E5243B", 2: "red; } body { display: none", 3: ""})

        assert css == ".sdg-1 { --sdg-colour: #E5243B; }\n"


class TestApiDocs:
    def test_visitor_gets_swagger_ui_under_the_strict_policy(
        self, client: TestClient
    ) -> None:
        response = client.get("/docs")

        assert_strict_page(response)
        assert "/static/js/swagger-init.js" in response.text
        assert 'data-openapi-url="/openapi.json"' in response.text

    def test_visitor_gets_redoc_with_a_fresh_style_nonce_and_no_unsafe_inline(
        self, client: TestClient
    ) -> None:
        first, second = client.get("/redoc"), client.get("/redoc")

        policy = policy_of(first)
        nonce = re.search(r'data-style-nonce="([^"]+)"', first.text)
        assert nonce
        assert f"'nonce-{nonce.group(1)}'" in policy["style-src"].split()
        assert policy_of(second)["style-src"] != policy["style-src"]
        assert policy["script-src"] == "'self'"
        assert policy["worker-src"] == "blob:"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert "unsafe" not in first.headers["content-security-policy"]
        assert_every_response_headers(first)


class TestHttps:
    def test_visitor_over_https_is_told_to_keep_to_https(
        self, client: TestClient
    ) -> None:
        secure_client = TestClient(client.app, base_url="https://testserver")

        for path in ("/", "/api/v1/sdgs", "/charts/sdgs.svg"):
            assert secure_client.get(path).headers["strict-transport-security"] == HSTS

    def test_visitor_behind_the_trusted_proxy_gets_hsts(
        self, client: TestClient
    ) -> None:
        # As `stocktaking serve` runs it: uvicorn believes the listed proxy.
        # uvicorn and Starlette spell the ASGI types differently (both ASGI 3).
        app: Any = client.app
        behind_proxy: Any = ProxyHeadersMiddleware(app, trusted_hosts="testclient")
        proxied = TestClient(behind_proxy)

        over_https = proxied.get("/", headers={"X-Forwarded-Proto": "https"})
        over_http = proxied.get("/", headers={"X-Forwarded-Proto": "http"})

        assert over_https.headers["strict-transport-security"] == HSTS
        assert "strict-transport-security" not in over_http.headers

    def test_serve_believes_the_configured_proxy(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        run = MagicMock()
        monkeypatch.setattr("app.cli.uvicorn.run", run)
        monkeypatch.setattr(
            "app.cli.get_settings",
            lambda: Settings(environment="test", forwarded_allow_ips="10.0.0.2"),
        )

        result = CliRunner().invoke(cli, ["serve"])

        assert result.exit_code == 0, result.output
        assert run.call_args.kwargs["proxy_headers"] is True
        assert run.call_args.kwargs["forwarded_allow_ips"] == "10.0.0.2"


class TestServerErrors:
    def test_the_500_page_carries_the_headers(self, taxonomy_template: str) -> None:
        app = create_app(Settings(database_url=taxonomy_template, environment="test"))

        @app.get("/boom")
        def boom() -> None:
            raise RuntimeError("a bug")

        with TestClient(app, raise_server_exceptions=False) as test_client:
            response = test_client.get("/boom")

        assert response.status_code == 500
        assert_strict_page(response)


def template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


class TestTemplates:
    @pytest.mark.parametrize(
        "template", template_files(), ids=lambda path: str(path.relative_to(TEMPLATES))
    )
    def test_no_template_holds_what_the_policy_refuses(self, template: Path) -> None:
        text = template.read_text(encoding="utf-8")

        assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
        assert "<style" not in text, "inline <style> element"
        assert not re.search(r"\son[a-z]+\s*=", text), "event-handler attribute"
        assert "javascript:" not in text.lower()
        for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S):
            assert "src=" in script.group(1), script.group(0)
            assert not script.group(2).strip(), script.group(0)
