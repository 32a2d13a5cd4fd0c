"""The one guard on every outbound address a connector uses.

Hosts are resolved and every resolved address is checked: private, loopback, link-local,
multicast, reserved and cloud-metadata addresses are refused unless
``CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS`` is on. HTTP clients made by ``http_client`` check at
connect time, so every redirect hop is checked too, and connect to the address that was checked
(no second lookup an attacker's DNS could answer differently).

How each kind's client is guarded:

- httpx (web, feeds, HTTP data, Atlassian, Microsoft Graph and msal's token calls) and
  google-api-python-client (``kinds/google_drive/guarded_http.py`` serves it from
  ``http_client``): checked at connect time, every redirect hop included, pinned to the checked
  address.
- Database drivers (psycopg, PyMySQL): the host is resolved and checked here and the driver
  connects to that address.
- boto3 and azure-storage-blob (``kinds/amazon_s3/guarded_client.py``,
  ``kinds/azure_storage/guarded_client.py``): every request the SDK sends, retries and redirects
  included, has its URL checked (``before-send`` / ``raw_request_hook``), and the SDK's urllib3
  connections open to the address that check pinned (``sources/pinned.py``), so the name is
  resolved once per client. Redirects are followed at most ``pinned.MAX_REDIRECTS`` times.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

from registry.sources.base import SourceError

# Cloud metadata services stay refused even when private networks are allowed.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")


class EgressRefused(SourceError):
    def __init__(self, message: str):
        super().__init__(message, retryable=False, type="EgressRefused")


def _allow_private() -> bool:
    return bool(settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS)


def is_forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return True
    if _allow_private():
        return ip.is_multicast or ip.is_unspecified
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in _SHARED_ADDRESS_SPACE
    )


def resolve(host: str, port: int | None = None) -> list[str]:
    """The checked addresses of ``host``; raises EgressRefused for a refused or unknown host."""
    if not host:
        raise EgressRefused("No host given.")
    try:
        infos = socket.getaddrinfo(host, port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise EgressRefused(f"The host {host} cannot be resolved.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or any(is_forbidden(a) for a in addresses):
        raise EgressRefused(
            f"The host {host} is on a private, local or reserved network, which connectors may "
            "not reach. To allow private networks, put the line "
            "CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS=true in the .env file beside manage.py (or the "
            "environment of the web server and the worker) and restart them."
        )
    return addresses


def check_url(url: str, schemes: tuple[str, ...] = ("http", "https"), *, resolver=None) -> str:
    """Validate a user-supplied URL (scheme and host) and return it. ``resolver(host, port)``
    replaces ``resolve`` (``pinned.AddressPins`` keeps the address it checked)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EgressRefused("The URL is not valid.") from None
    if parts.scheme not in schemes:
        raise EgressRefused(f"Only {' and '.join(schemes)} URLs are allowed.")
    (resolver or resolve)(parts.hostname or "", port)
    return url


class _GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = resolve(host, port)[0]
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, **kwargs):
        kwargs.setdefault("trust_env", False)
        super().__init__(**kwargs)
        self._pool._network_backend = _GuardedBackend()


def http_client(**kwargs) -> httpx.Client:
    """An httpx client whose every connection, redirects included, passes the guard."""
    transport_options = {k: kwargs.pop(k) for k in ("verify", "cert", "retries") if k in kwargs}
    kwargs.setdefault("timeout", httpx.Timeout(30.0, connect=10.0))
    kwargs.setdefault("follow_redirects", True)
    return httpx.Client(transport=GuardedTransport(**transport_options), trust_env=False, **kwargs)
