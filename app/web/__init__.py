"""Non-JSON routes: HTML pages, SVG charts and the Atom feed."""

from fastapi import APIRouter

from app.web import (
    admin,
    alerts,
    auth,
    charts,
    contact,
    dashboard,
    desk,
    feeds,
    good_practices,
    maps,
    pages,
    portal,
    profiles,
    relations,
    replications,
    reports,
    styles,
    submission,
)

web_router = APIRouter()
web_router.include_router(maps.router)  # /charts/map.svg before /charts/{name}.svg
web_router.include_router(charts.router)
web_router.include_router(feeds.router)
web_router.include_router(styles.router)
web_router.include_router(submission.router)  # /projects/new before /projects/{id}
web_router.include_router(good_practices.router)
web_router.include_router(relations.router)
web_router.include_router(replications.router)
web_router.include_router(contact.router)
web_router.include_router(alerts.router)
web_router.include_router(reports.router)
web_router.include_router(pages.router)
web_router.include_router(dashboard.router)
web_router.include_router(profiles.router)
web_router.include_router(portal.router)
web_router.include_router(auth.router)
web_router.include_router(desk.router)
web_router.include_router(admin.router)
