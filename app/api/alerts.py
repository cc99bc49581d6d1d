"""Follows and saved searches: the JSON API."""

from fastapi import APIRouter

router = APIRouter(tags=["exchange"])
