"""Posting the pages' forms as a browser does: the CSRF token from the page."""

import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from httpx import Response


def csrf(client: TestClient, path: str) -> str:
    """Open the page at `path` and take its CSRF token (the cookie is kept)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def post_form(
    client: TestClient, path: str, fields: list[tuple[str, str]], *, form: str
) -> Response:
    """Post `fields` (repeatable names kept) to `path`, from the page `form`."""
    token = csrf(client, form)
    response: Response = client.post(
        path,
        content=urlencode([("csrf_token", token), *fields]).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    return response
