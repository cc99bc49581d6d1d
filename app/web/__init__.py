"""Non-JSON routes: HTML pages, SVG charts and the Atom feed."""

from fastapi import APIRouter

from app.web import (
    admin,
    auth,
    charts,
    dashboard,
    desk,
    feeds,
    maps,
    pages,
    portal,
    profiles,
    styles,
    submission,
)

web_router = APIRouter()
web_router.include_router(maps.router)  # /charts/map.svg before /charts/{name}.svg
web_router.include_router(charts.router)
web_router.include_router(feeds.router)
web_router.include_router(styles.router)
web_router.include_router(submission.router)  # /projects/new before /projects/{id}
web_router.include_router(pages.router)
web_router.include_router(dashboard.router)
web_router.include_router(profiles.router)
web_router.include_router(portal.router)
web_router.include_router(auth.router)
web_router.include_router(desk.router)
web_router.include_router(admin.router)
