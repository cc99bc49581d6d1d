"""The service with one more route, `GET /__ceiling`, that does no work.

It is the application `app.main.create_app` builds, with the same middleware
(security headers, body-size limit, error handlers) and, like every route of
the app, a plain `def` that Starlette runs in its thread pool; it only returns
a constant. Its requests per second are what this stack on this machine can
serve at best: the ceiling the other scenarios are compared with.

Serve it with `uvicorn bench.ceiling:create_app --factory` (bench/run.py does).
"""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app.config import Settings
from app.main import create_app as create_service

CEILING_PATH = "/__ceiling"
CEILING_BODY = {"status": "ok", "ceiling": True}


def create_app(settings: Settings | None = None) -> FastAPI:
    """`app.main.create_app(settings)` plus the constant route."""
    app = create_service(settings)

    @app.get(CEILING_PATH, include_in_schema=False)
    def ceiling() -> JSONResponse:
        return JSONResponse(CEILING_BODY)

    return app
