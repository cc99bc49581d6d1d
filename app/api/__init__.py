"""JSON API, versioned under /api/v1."""

from fastapi import APIRouter

from app.api import projects, taxonomy

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(taxonomy.router)
api_router.include_router(projects.router)
