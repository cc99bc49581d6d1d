"""Liveness that means something: the database answers."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    name="healthz",
    summary="Health check",
    responses={503: {"description": "The database does not answer"}},
)
def healthz(request: Request) -> JSONResponse:
    """200 when a `SELECT 1` succeeds, 503 otherwise. `search` is "warming"
    while the search warm-up reads the common words (the answers are the
    same, a common word's first query slower), then "ready"."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"}, status_code=503
        )
    warmed = request.app.state.search_warmed.is_set()
    return JSONResponse({"status": "ok", "search": "ready" if warmed else "warming"})
