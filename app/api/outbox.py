"""Outgoing email (admins): the messages the worker gave up on, and retrying
them. The same services as the /admin/mail page."""

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import AdminUser, SessionDep
from app.errors import responses
from app.schemas.outbox import OutboxMessagePublic
from app.services import mail

router = APIRouter(tags=["mail"])


@router.get(
    "/outbox/failed",
    name="list_failed_messages",
    summary="Emails parked after too many failed attempts",
    responses=responses(401, 403),
)
def list_failed_messages(
    session: SessionDep, _admin: AdminUser
) -> list[OutboxMessagePublic]:
    """Oldest first, each with its last error; bodies are not shown."""
    return [
        OutboxMessagePublic.model_validate(message)
        for message in mail.failed_messages(session)
    ]


@router.post(
    "/outbox/{message_id}/retry",
    name="retry_message",
    summary="Queue a parked email again",
    responses=responses(401, 403, 404, 422),
)
def retry_message(
    session: SessionDep,
    _admin: AdminUser,
    message_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> OutboxMessagePublic:
    """Due at once, with a fresh count of attempts; 404 unless it is parked."""
    return OutboxMessagePublic.model_validate(
        mail.retry_failed(session, message_id=message_id)
    )
