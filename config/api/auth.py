"""API-key authentication: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``."""

from rest_framework import authentication, exceptions

from tenancy.models import ApiKey
from tenancy.services import api_key_touch


class KeyPrincipal:
    """``request.user`` of a request authenticated by an API key (the key is ``request.auth``)."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.pk = None

    def get_username(self) -> str:
        return f"key:{self.api_key.prefix}"

    def __str__(self) -> str:
        return self.get_username()


def key_from_headers(request) -> str | None:
    key = request.headers.get("X-API-Key")
    if key:
        return key.strip()
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw_key = key_from_headers(request)
        if raw_key is None:
            return None
        prefix, _, _ = raw_key.partition(".")
        api_key = (
            ApiKey.objects.get_usable_keys()
            .select_related("workspace")
            .filter(prefix=prefix)
            .first()
        )
        if api_key is None or not api_key.is_valid(raw_key):
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        api_key_touch(api_key)
        return KeyPrincipal(api_key), api_key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def actor_of(request):
    """The actor services record: the API key, else the logged-in user."""
    if isinstance(request.auth, ApiKey):
        return request.auth
    return request.user
