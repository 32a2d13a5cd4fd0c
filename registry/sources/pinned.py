"""Connections of the SDK-based kinds (boto3, azure-storage-blob) pinned to checked addresses.

Both SDKs send through urllib3. ``AddressPins`` resolves each host once, through the egress
guard, and keeps the checked address for the life of one reader; the connection classes here
open their socket to that address instead of resolving the name again, so a DNS answer that
changes between the check and the connection cannot send a request elsewhere. The connection
keeps the host name for everything else: the Host header, TLS SNI and certificate verification.

``MAX_REDIRECTS`` bounds the redirects a storage endpoint may send a request through; each hop
is checked (and pinned) like the first address.
"""

import socket
import threading

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection
from urllib3.util.retry import Retry

from registry.sources.base import SourceError
from registry.sources.egress import check_url, is_forbidden, resolve

MAX_REDIRECTS = 3


class TooManyRedirects(SourceError):
    def __init__(self, endpoint: str):
        super().__init__(
            f"The storage endpoint {endpoint} redirected the request more than "
            f"{MAX_REDIRECTS} times; check the endpoint URL.",
            retryable=False,
            type="TooManyRedirects",
        )


class AddressPins:
    """Host name -> the address the egress guard checked for it, resolved once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._addresses: dict[str, str] = {}

    def address(self, host: str, port: int | None = None) -> str:
        """The checked address of ``host``: resolved on first use, and checked against the
        guard's rules again on every use (they may have changed, the address may not)."""
        host = host.strip("[]").rstrip(".").lower()
        with self._lock:
            address = self._addresses.get(host)
            if address is None:
                address = self._addresses[host] = resolve(host, port)[0]
        if is_forbidden(address):
            resolve(address, port)  # raises the guard's own refusal
        return address

    def check_url(self, url: str) -> str:
        """The guard's URL check (http or https, an allowed host), pinning the host's address."""
        return check_url(url, resolver=self.address)


class PinnedConnection:
    """Mixed in before a urllib3 connection class: the socket goes to the pinned address."""

    pins: AddressPins

    def _new_conn(self) -> socket.socket:
        address = self.pins.address(self.host, self.port)
        try:
            return urllib3_connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from error
        except OSError as error:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {error}"
            ) from error


def pinned_pool_classes(pins: AddressPins, http_pool=None, https_pool=None) -> dict:
    """``{"http": pool class, "https": pool class}`` whose connections use ``pins``, built on the
    given pool classes (urllib3's by default, or an SDK's own)."""
    classes = {}
    for scheme, pool in (
        ("http", http_pool or HTTPConnectionPool),
        ("https", https_pool or HTTPSConnectionPool),
    ):
        connection = type(
            f"Pinned{pool.ConnectionCls.__name__}",
            (PinnedConnection, pool.ConnectionCls),
            {"pins": pins},
        )
        classes[scheme] = type(f"Pinned{pool.__name__}", (pool,), {"ConnectionCls": connection})
    return classes


class PinnedHTTPAdapter(HTTPAdapter):
    """A requests adapter (azure-core's transport) whose connections use ``pins``; it never
    retries or follows redirects itself (the SDK's pipeline does, through the guard)."""

    def __init__(self, pins: AddressPins, **kwargs):
        self.pins = pins
        kwargs.setdefault("max_retries", Retry(total=False, redirect=False, raise_on_status=False))
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pinned_pool_classes(self.pins)
