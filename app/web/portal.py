"""The pages a public portal has: about, methodology, data licence, contact."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
