"""Relations between entries: the JSON API."""

from fastapi import APIRouter

router = APIRouter(tags=["exchange"])
