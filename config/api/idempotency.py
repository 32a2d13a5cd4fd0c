"""``Idempotency-Key`` on creating POSTs.

The first request with a key is recorded (scope = the API key, or the user of a session) with a
hash of its method, path and body, never the body itself. Within 24 hours the same key and body
replay the first status and response with ``Idempotent-Replayed: true``; the same key with another
request is a 422; a request whose first copy is still running is a 409. Only successful responses
are kept: after an error the key may be used again.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.response import Response

from config.api.renderers import JSONEncoder
from connectors.models import IdempotencyRecord
from tenancy.models import ApiKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = IdempotencyRecord.LIFETIME
#: An in-flight record older than this belongs to a request that died; its key is free again.
ABANDONED_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."


class KeyInFlight(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_flight"
    default_detail = "A request with this Idempotency-Key is still being processed."


def _scope(request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.prefix}"  # the primary key embeds the hash of the key
    return f"user:{request.user.pk}"


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), cls=JSONEncoder)
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), body):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


#: How often a request whose key was freed meanwhile (the first request failed) tries again to
#: claim it before answering 409.
CLAIM_ATTEMPTS = 3


def _claim(scope: str, key: str, request_hash: str) -> IdempotencyRecord | Response:
    """The new in-flight record, or the replay of an earlier request's response.

    Concurrent requests with one key race here: exactly one creates the record; the others read
    it, and when it is gone already (its request failed, which frees the key) they try to claim
    the key again."""
    for _ in range(CLAIM_ATTEMPTS):
        claimed = _claim_once(scope, key, request_hash)
        if claimed is not None:
            return claimed
    raise KeyInFlight()


def _claim_once(scope: str, key: str, request_hash: str) -> IdempotencyRecord | Response | None:
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                scope=scope, key=key, request_hash=request_hash, created_at=now
            )
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if record is None:
        return None  # freed since the insert failed: claim it again
    expired = record.created_at < now - KEY_LIFETIME
    abandoned = (
        record.status == IdempotencyRecord.Status.IN_FLIGHT
        and record.created_at < now - ABANDONED_AFTER
    )
    if expired or abandoned:
        # Take the key over, unless a concurrent request did so first.
        taken = IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).update(
            request_hash=request_hash,
            status=IdempotencyRecord.Status.IN_FLIGHT,
            response_status=None,
            response_body=None,
            created_at=now,
        )
        if taken:
            return IdempotencyRecord.objects.filter(pk=record.pk).first()  # None: freed again
        raise KeyInFlight()
    if record.request_hash != request_hash:
        raise KeyReused()
    if record.status == IdempotencyRecord.Status.IN_FLIGHT:
        raise KeyInFlight()
    return Response(
        record.response_body,
        status=record.response_status,
        headers={REPLAYED_HEADER: "true"},
    )


def idempotent(handler):
    """Decorate a viewset's creating method (``create``, a POST action)."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise exceptions.ValidationError(
                {HEADER: [f"Must be 1 to {MAX_KEY_LENGTH} characters long."]}
            )
        claimed = _claim(_scope(request), key, _request_hash(request))
        if isinstance(claimed, Response):
            return claimed
        # Only this request's own claim is finished or freed (a request taking over an abandoned
        # key gives the record a new created_at).
        mine = IdempotencyRecord.objects.filter(pk=claimed.pk, created_at=claimed.created_at)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            mine.delete()
            raise
        if 200 <= response.status_code < 300:
            mine.update(
                status=IdempotencyRecord.Status.DONE,
                response_status=response.status_code,
                response_body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
            )
        else:
            mine.delete()
        return response

    return wrapper
