"""JSON API, versioned under /api/v1."""

from fastapi import APIRouter

from app.api import (
    alerts,
    auth,
    contact,
    good_practices,
    moderation,
    outbox,
    projects,
    relations,
    reports,
    stats,
    taxonomy,
    users,
)

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(taxonomy.router)
api_router.include_router(projects.router)
api_router.include_router(moderation.router)
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(stats.router)
api_router.include_router(outbox.router)
api_router.include_router(good_practices.router)
api_router.include_router(relations.router)
api_router.include_router(contact.router)
api_router.include_router(alerts.router)
api_router.include_router(reports.router)
