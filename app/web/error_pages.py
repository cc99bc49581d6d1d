"""A failure on a page, as a page: in the user's language, under the site's
layout (app.errors renders the API's errors and calls this for pages)."""

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from app.i18n import request_locale, translate
from app.messages import ERROR_PAGE_HEADINGS
from app.web.rendering import render


def error_page(request: Request, status: int, detail: list[dict[str, Any]]) -> Response:
    """The error page of `status`, its message the first of `detail`; a page
    that needs a signed-in user sends to the sign-in page, then back."""
    if status == 401:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': here})}", status_code=303)
    heading = ERROR_PAGE_HEADINGS.get(status, ERROR_PAGE_HEADINGS[400])
    return render(
        request,
        "errors/error.html",
        {
            "status_code": status,
            "heading": translate(request_locale(request), heading),
            "message": detail[0]["msg"] if detail else "",
        },
        status_code=status,
    )
