"""Errors as HTTP responses: ``{"detail": ..., "code": ..., "errors": {field: [messages]}}``.

Domain errors keep their status (400, 403, 404, 409); DRF's own errors (validation, parse, auth,
throttling, method, media type) get the same shape, field errors flattened to dotted paths.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.crypto import DecryptionFailed
from config.errors import DomainError, InvalidInput, SyncAlreadyActive, TransitionRefused


def _iso(moment):
    return moment.isoformat() if moment else None


def sync_summary(sync) -> dict:
    return {
        "id": str(sync.pk),
        "status": sync.status,
        "trigger": sync.trigger,
        "queued_at": _iso(sync.queued_at),
        "started_at": _iso(sync.started_at),
        "progress": {"done": sync.progress_done, "total": sync.progress_total},
    }


def domain_error_body(error: DomainError) -> dict:
    body = {"detail": error.message, "code": error.code}
    if isinstance(error, InvalidInput):
        body["errors"] = error.errors
    if isinstance(error, TransitionRefused):
        body["state"] = error.state
        body["allowed_actions"] = error.allowed
    if isinstance(error, SyncAlreadyActive) and error.sync is not None:
        body["active_sync"] = sync_summary(error.sync)
    return body


def flatten_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as ``{dotted.path: [messages]}``."""
    flat: dict[str, list[str]] = {}

    def walk(node, path: tuple[str, ...]):
        if isinstance(node, dict):
            for key, value in node.items():
                key = str(key)
                walk(value, path if key == "non_field_errors" and path else (*path, key))
        elif isinstance(node, list) and any(isinstance(item, dict | list) for item in node):
            for index, item in enumerate(node):
                if item:
                    walk(item, (*path, str(index)))
        else:
            messages = node if isinstance(node, list) else [node]
            flat.setdefault(".".join(path) or "non_field_errors", []).extend(
                str(message) for message in messages
            )

    walk(detail, ())
    return flat


def _summary(errors: dict[str, list[str]]) -> str:
    return "; ".join(
        msg if path == "non_field_errors" else f"{path}: {msg}"
        for path, msgs in errors.items()
        for msg in msgs
    )


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status)
    if isinstance(exc, DecryptionFailed):
        return Response(
            {"detail": str(exc), "code": "credential_unreadable"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "detail": "The request body is larger than the limit of "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
                "code": "request_too_large",
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return Response(
            {"detail": _summary(errors) or "Invalid input.", "code": "invalid", "errors": errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict | list):
            detail = _summary(flatten_errors(detail))
        response.data = {
            "detail": str(detail),
            "code": getattr(exc.detail, "code", None) or exc.default_code,
        }
    return response
