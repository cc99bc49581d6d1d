"""The API describes itself, and its docs work without any CDN."""

from fastapi.testclient import TestClient


class TestApiDescription:
    def test_openapi_lists_the_public_endpoints(self, client: TestClient) -> None:
        spec = client.get("/openapi.json").json()

        assert {
            "/healthz",
            "/api/v1/action-lines",
            "/api/v1/sdgs",
            "/api/v1/countries",
            "/api/v1/technologies",
            "/api/v1/wsis-targets",
            "/api/v1/gdc-objectives",
            "/api/v1/projects",
            "/api/v1/projects/{project_id}",
        } <= set(spec["paths"])
        charts = {"/charts/{name}.svg", "/charts/{name}.csv", "/charts/map.svg"}
        assert charts <= set(spec["paths"])
        assert "/map" not in spec["paths"]  # a page, not the API
        assert "422" in spec["paths"]["/api/v1/projects"]["get"]["responses"]
        assert (
            "404" in spec["paths"]["/api/v1/projects/{project_id}"]["get"]["responses"]
        )

    def test_no_private_field_is_in_the_public_schema(self, client: TestClient) -> None:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]

        assert "contact" not in schemas["ProjectPublic"]["properties"]
        assert "contact_email" not in str(schemas)

    def test_docs_load_their_assets_from_the_app(self, client: TestClient) -> None:
        for page in ("/docs", "/redoc"):
            # Paths, never absolute URLs built from the (forgeable) Host header.
            html = client.get(page, headers={"Host": "evil.example"}).text
            assert "cdn." not in html
            assert 'src="/static/docs/' in html
            assert "evil.example" not in html

        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
            assert client.get(f"/static/docs/{asset}").status_code == 200
