"""Application factory: everything a running app needs is built here."""

import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from app.api import api_router, health
from app.config import Settings, get_settings
from app.db import ReadReplica, make_engine
from app.errors import install_error_handlers
from app.limits import BodySizeLimit
from app.services import catalog_index, mail
from app.templating import STATIC, environment
from app.web import headers, rendering, web_router
from app.web.error_pages import error_page

API_DESCRIPTION = """
Regional repository of AI and emerging-technology initiatives in the Arab region,
hosted by the Arab ICT Organization (AICTO), on the structure of the ITU WSIS
Stocktaking database: every entry is filed against the WSIS Action Lines
(C1-C11, C7 split into its eight application areas) and the 17 SDGs.

Only approved entries are public. Multilingual fields are objects
`{"ar", "en", "fr"}` (null where a language is missing); taxonomy references
are codes. Errors are `{"detail": [{"loc", "msg", "type"}]}` with a stable
`type` code.
"""

# Swagger UI and ReDoc assets shipped inside the fastapi-offline wheel.
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"


def _install_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from the app's own assets, never a CDN, and with no
    inline script: FastAPI's own docs pages start their viewers inline."""
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    def docs_page(template: str, **context: str) -> HTMLResponse:
        html = environment.get_template(template).render(
            title=f"{app.title} - API",
            # Paths, not absolute URLs: those would follow the Host header.
            openapi_url=app.url_path_for("openapi"),
            assets=app.url_path_for("docs-assets", path=""),
            static=app.url_path_for("static", path=""),
            **context,
        )
        return HTMLResponse(html)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return docs_page("docs/swagger_ui.html")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        nonce = secrets.token_urlsafe(18)
        response = docs_page("docs/redoc.html", nonce=nonce)
        response.headers["Content-Security-Policy"] = headers.redoc_policy(nonce)
        return response


class RepositoryApp(FastAPI):
    """FastAPI whose every answer passes through the security headers, even the
    500 page that Starlette's outermost error middleware sends (an
    `add_middleware` middleware sits inside that one)."""

    def build_middleware_stack(self) -> ASGIApp:
        return headers.SecurityHeaders(super().build_middleware_stack())


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the mail worker beside the web process when the settings ask for it,
    and the search warm-up (`/healthz` says when it is done)."""
    settings: Settings = app.state.settings
    if settings.search_warm_up:
        threading.Thread(
            target=catalog_index.run_warm_up,
            args=(app.state.engine, app.state.read_replica, app.state.search_warmed),
            name="search-warm-up",
            daemon=True,
        ).start()
    stop = threading.Event()
    worker = threading.Thread(
        target=mail.run_worker,
        args=(app.state.engine, settings, stop),
        name="mail-worker",
        daemon=True,
    )
    if settings.mail_worker_enabled:
        worker.start()
    yield
    stop.set()
    if worker.is_alive():
        worker.join(timeout=settings.smtp_timeout_seconds + 5)
    app.state.engine.dispose()
    if app.state.read_replica is not None:
        app.state.read_replica.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for `settings` (read from the environment if omitted)."""
    settings = settings or get_settings()
    app = RepositoryApp(
        lifespan=lifespan,
        title="AICTO Arab AI and Emerging Technology Initiatives Repository",
        version="0.1.0",
        description=API_DESCRIPTION,
        # The published data's licence (STOCKTAKING_DATA_LICENCE; /licence).
        license_info={"name": settings.licence.name, "url": settings.licence.url},
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.search_warmed = threading.Event()  # set by the warm-up thread
    if not settings.search_warm_up:
        app.state.search_warmed.set()
    rendering.pages.auto_reload = settings.environment == "development"
    app.state.engine = make_engine(settings.database_url, echo=settings.sql_echo)
    app.state.read_replica = (
        ReadReplica(
            make_engine(
                settings.read_database_url, echo=settings.sql_echo, read_only=True
            )
        )
        if settings.read_database_url
        else None
    )
    install_error_handlers(app, error_page)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(api_router)
    app.include_router(web_router)
    _install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
