"""Non-JSON routes: HTML pages, SVG charts and the Atom feed."""

from fastapi import APIRouter

from app.web import auth, charts, feeds, pages

web_router = APIRouter()
web_router.include_router(charts.router)
web_router.include_router(feeds.router)
web_router.include_router(pages.router)
web_router.include_router(auth.router)
