"""Security headers on every response, added by one pure-ASGI middleware.

Not the `secure` library: its ASGI middleware sends one fixed set of headers
with every response and overwrites what a route set, while ours vary per
response: the Content-Security-Policy by content type (pages, SVG charts,
everything else), HSTS only over https, `Cache-Control: no-store` only for a
credentialed request or a response setting a cookie, and a route's own CSP or
Cache-Control is kept (the API docs pages set theirs). Not `BaseHTTPMiddleware`
either: this one edits the `http.response.start` message and passes the body
through untouched, so streamed exports stay streamed.
"""

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.deps import SESSION_COOKIE


def policy(**directives: str) -> str:
    """A CSP header value from `directive_name="sources"` (`_` for `-`)."""
    return "; ".join(
        f"{name.replace('_', '-')} {sources}" for name, sources in directives.items()
    )


# Pages: scripts, styles and fonts only from the app's own files, never inline.
# `data:` images: Swagger UI's icons are data URLs in its stylesheet.
# `object-src 'self'`, not 'none': the dashboard and the taxonomy pages show
# the SVG charts in <object> (their links work there, unlike in <img>), and
# Chromium checks those loads against object-src. Browsers no longer run
# plugins, so this grants what `default-src 'self'` already grants frames.
PAGE_DIRECTIVES = {
    "default_src": "'self'",
    "script_src": "'self'",
    "style_src": "'self'",
    "img_src": "'self' data:",
    "font_src": "'self'",
    "connect_src": "'self'",
    "object_src": "'self'",
    "frame_ancestors": "'none'",
    "form_action": "'self'",
    "base_uri": "'none'",
}
PAGE_POLICY = policy(**PAGE_DIRECTIVES)
# SVG charts load fonts.css and charts.css; the pages embed them in <object>,
# so their own origin may frame them (a bar's link opens in the top window).
SVG_POLICY = policy(
    default_src="'none'",
    style_src="'self'",
    font_src="'self'",
    frame_ancestors="'self'",
    form_action="'none'",
    base_uri="'none'",
)
# JSON, CSV, XLSX, Atom, static files: nothing to run, nothing to embed them.
OTHER_POLICY = policy(
    default_src="'none'", frame_ancestors="'none'", form_action="'none'"
)

EVERY_RESPONSE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
# Files that answer the same bytes to everyone: a signed-in visitor's cookie
# does not make them private, and no-store would refetch them on every page.
PUBLIC_FILES = "/static/"
# Addresses that carry a secret in their path (the team's link to a relayed
# conversation, an alert's unsubscribe link, a private feed): never sent to
# another site as a Referer, never indexed, never cached. (`same-origin`, not
# `no-referrer`: with the latter the browser posts these pages' own forms with
# `Origin: null`, which the CSRF check refuses as another site's.)
SECRET_PATHS = ("/messages/reply/", "/alerts/unsubscribe/", "/feeds/saved/")
SECRET_PATH_HEADERS = {
    "referrer-policy": "same-origin",
    "x-robots-tag": "noindex, nofollow",
    "cache-control": "no-store",
}


def _carries_credentials(request: Headers) -> bool:
    if "authorization" in request:
        return True
    cookies = request.get("cookie", "")
    return any(
        part.strip().startswith(f"{SESSION_COOKIE}=") for part in cookies.split(";")
    )


def secure_headers(
    response: MutableHeaders, *, https: bool, private: bool, secret_path: bool = False
) -> None:
    """Add the security headers `response` lacks (a route's own values stay)."""
    if secret_path:
        for name, value in SECRET_PATH_HEADERS.items():
            response[name] = value
    media_type = response.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "text/html":
        csp, framing = PAGE_POLICY, "DENY"
    elif media_type == "image/svg+xml":
        csp, framing = SVG_POLICY, "SAMEORIGIN"
    else:
        csp, framing = OTHER_POLICY, "DENY"
    response.setdefault("content-security-policy", csp)
    response.setdefault("x-frame-options", framing)
    for name, value in EVERY_RESPONSE.items():
        response.setdefault(name, value)
    if https:
        response.setdefault("strict-transport-security", HSTS)
    if private or "set-cookie" in response:
        response.setdefault("cache-control", "no-store")


class SecurityHeaders:
    """ASGI middleware: `secure_headers` on every HTTP response of `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Behind a proxy, uvicorn's --proxy-headers set the scheme (cli `serve`).
        https = scope.get("scheme") == "https"
        private = _carries_credentials(Headers(scope=scope)) and not str(
            scope["path"]
        ).startswith(PUBLIC_FILES)
        secret_path = str(scope["path"]).startswith(SECRET_PATHS)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure_headers(
                    MutableHeaders(scope=message),
                    https=https,
                    private=private,
                    secret_path=secret_path,
                )
            await send(message)

        await self.app(scope, receive, send_secured)


# redoc.standalone.js (fastapi-offline 1.7) inserts perfect-scrollbar's
# stylesheet while it loads, before ReDoc.init can hand it the nonce: first the
# empty <style>, then its text. Their hashes let exactly those two in; after an
# upgrade the browser test of /redoc names the new ones.
REDOC_EARLY_STYLES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
)


def redoc_policy(nonce: str) -> str:
    """The page policy for /redoc, with the two exceptions ReDoc needs.

    It styles itself with styled-components, which writes <style> elements:
    they carry this response's `nonce` (ReDoc's `nonce` option), so no
    'unsafe-inline'. Its search index runs in a worker made from a blob: URL,
    which only the scripts already allowed can create.
    """
    styles = " ".join(("'self'", f"'nonce-{nonce}'", *REDOC_EARLY_STYLES))
    return policy(**PAGE_DIRECTIVES | {"style_src": styles}, worker_src="blob:")
