"""Encryption of secrets at rest (connector credentials, webhook signing secrets): Fernet tokens
through MultiFernet.

Keys come from ``CONNECTOR_HUB_ENCRYPTION_KEYS`` (newest first): the newest encrypts, all decrypt,
and ``rotate`` re-encrypts a token with the newest key.
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CONNECTOR_HUB_ENCRYPTION_KEYS holds no key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip().encode()))
        except ValueError:
            raise ImproperlyConfigured(
                f"Encryption key #{position} of CONNECTOR_HUB_ENCRYPTION_KEYS is not a valid "
                "Fernet key (32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.CONNECTOR_HUB_ENCRYPTION_KEYS))


class DecryptionFailed(Exception):
    """A token no configured key can open (a key was removed too early)."""


def encrypt_json(data: dict) -> str:
    return _fernet().encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()


def decrypt_json(token: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise DecryptionFailed(
            "A stored credential cannot be decrypted with the configured encryption keys."
        ) from None


def rotate(token: str) -> str:
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored credential cannot be decrypted with the configured encryption keys."
        ) from None


def rotate_column(queryset, field: str, *, batch_size: int = 500) -> int:
    """Re-encrypt the Fernet tokens of one column of ``queryset`` with the newest key, a batch per
    transaction (rows are locked while rewritten). Returns how many rows were rewritten."""
    rotated, last_pk = 0, None
    while True:
        with transaction.atomic():
            rest = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
            batch = list(rest.select_for_update().order_by("pk")[:batch_size])
            if not batch:
                return rotated
            for row in batch:
                setattr(row, field, rotate(getattr(row, field)))
            queryset.model.objects.bulk_update(batch, [field])
            last_pk = batch[-1].pk
            rotated += len(batch)
