"""JSON API, versioned under /api/v1."""

from fastapi import APIRouter

from app.api import auth, moderation, outbox, projects, stats, taxonomy, users

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(taxonomy.router)
api_router.include_router(projects.router)
api_router.include_router(moderation.router)
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(stats.router)
api_router.include_router(outbox.router)
