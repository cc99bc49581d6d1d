"""Routes that use the database or hash passwords are plain `def`: FastAPI runs
them in a thread, so one sign-in's argon2 never stalls the other requests."""

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute

from app.config import Settings
from app.main import create_app


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every route, including those of included routers (however FastAPI
    keeps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        for nested in ("original_router", "router", "app"):
            inner = getattr(route, nested, None)
            if inner is not None and hasattr(inner, "routes"):
                yield from api_routes(inner.routes)
                break


def test_no_route_is_a_coroutine() -> None:
    app = create_app(Settings(environment="test"))
    routes = list(api_routes(app.routes))
    coroutines = [
        route.path for route in routes if inspect.iscoroutinefunction(route.endpoint)
    ]

    assert len(routes) > 50  # the walk found the routers' routes
    assert coroutines == []
