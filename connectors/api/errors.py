"""Domain errors as HTTP responses: ``{"detail": ..., "errors": {field: [messages]}}``."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from connectors.crypto import DecryptionFailed
from connectors.errors import DomainError, InvalidInput, SyncAlreadyActive, TransitionRefused


def domain_error_body(error: DomainError) -> dict:
    body = {"detail": error.message, "code": error.code}
    if isinstance(error, InvalidInput):
        body["errors"] = error.errors
    if isinstance(error, TransitionRefused):
        body["state"] = error.state
        body["allowed_actions"] = error.allowed
    if isinstance(error, SyncAlreadyActive) and error.sync is not None:
        body["active_sync"] = {"id": str(error.sync.pk), "status": error.sync.status}
    return body


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status)
    if isinstance(exc, DecryptionFailed):
        return Response(
            {"detail": str(exc), "code": "credential_unreadable"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return drf_exception_handler(exc, context)
