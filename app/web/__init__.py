"""Non-JSON routes: charts and feeds now; the HTML pages come with issue 6."""

from fastapi import APIRouter

from app.web import charts, feeds

web_router = APIRouter()
web_router.include_router(charts.router)
web_router.include_router(feeds.router)
