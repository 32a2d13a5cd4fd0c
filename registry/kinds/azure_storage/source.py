"""Azure Blob Storage through azure-storage-blob: the 001 ``storage_config``.

``url`` is the blob endpoint of the account (blank: ``https://<account>.blob.core.windows.net``;
Azurite and sovereign clouds give theirs). Reads use the read account key; the write pair is
stored and proven by ``check()`` but never used to write. ``region`` is informational.
"""

import base64
import binascii
from urllib.parse import quote

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
    TooManyRedirectsError,
)
from azure.storage.blob import BlobPrefix

from registry.kinds.azure_storage.guarded_client import blob_service_client
from registry.sources.base import SourceError
from registry.sources.object_storage import ObjectStorageSource, StoredObject
from registry.sources.pinned import AddressPins, TooManyRedirects
from registry.sources.throttling import RateLimited, retry_after_seconds

PAIRS = {
    "read": ("account_name_read", "account_key_read"),
    "write": ("account_name_write", "account_key_write"),
}


class AzureStorageSource(ObjectStorageSource):
    service = "Azure Blob Storage"
    pairs = PAIRS
    text_fields = ("container_name", "region", "url", "prefix")

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self._containers = {}
        self._pins = AddressPins()  # one lookup per host for both pairs

    @property
    def container_name(self) -> str:
        return self.config["container_name"]

    def account_url(self, pair: str = "read") -> str:
        account = self.config.get(PAIRS[pair][0], "")
        return self.config.get("url") or f"https://{account}.blob.core.windows.net"

    def _container(self, pair: str = "read"):
        if pair not in self._containers:
            name, key = PAIRS[pair]
            try:
                base64.b64decode(self.config.get(key) or "", validate=True)
            except (binascii.Error, ValueError):
                raise SourceError(
                    f"The {pair} account key is not a storage account access key (base64 text).",
                    type="AuthenticationFailed",
                ) from None
            if not self.account_url(pair).startswith(("http://", "https://")):
                raise SourceError("The blob endpoint URL must be an http(s) address.")
            service = blob_service_client(
                pins=self._pins,
                account_url=self.account_url(pair),
                account_name=self.config[name],
                account_key=self.config[key],
            )
            self._containers[pair] = service.get_container_client(self.container_name)
        return self._containers[pair]

    def _error(self, error: Exception, pair: str = "read") -> SourceError:
        if isinstance(error, TooManyRedirectsError):
            return TooManyRedirects(self.account_url(pair))
        if isinstance(error, ServiceRequestError | ServiceResponseError):
            return SourceError(
                f"Cannot reach the storage endpoint {self.account_url(pair)}.", retryable=True
            )
        status = getattr(error, "status_code", None) or 0
        code = getattr(error, "error_code", None) or ""
        code = str(getattr(code, "value", code))
        if status in (429, 503) or code in ("ServerBusy", "OperationTimedOut"):
            headers = error.response.headers if getattr(error, "response", None) else {}
            return RateLimited(
                f"Azure Blob Storage is limiting the request rate ({code or status}).",
                retry_after=retry_after_seconds(headers.get("Retry-After")),
            )
        if isinstance(error, ClientAuthenticationError) or status in (401, 403):
            return SourceError(
                f"The {pair} account name or key was refused, or may not read the container "
                f"{self.container_name} (HTTP {status or 403}{', ' + code if code else ''}).",
                type="AuthenticationFailed",
            )
        if isinstance(error, ResourceNotFoundError) or status == 404:
            return SourceError(
                f"The container {self.container_name} does not exist in the account "
                f"{self.config.get(PAIRS[pair][0], '')}.",
                type="NotFound",
            )
        return SourceError(
            f"Azure Blob Storage answered {code or status or type(error).__name__}.",
            retryable=status >= 500,
        )

    def check(self) -> None:
        pairs = ["read"] + (["write"] if self.config.get(PAIRS["write"][0]) else [])
        for pair in pairs:
            try:
                self._container(pair).get_container_properties()
            except AzureError as error:
                raise self._error(error, pair) from None

    def folders(self, prefix):
        names, beside = [], False
        try:
            for item in self._container().walk_blobs(
                name_starts_with=prefix or None, delimiter="/"
            ):
                if isinstance(item, BlobPrefix):
                    names.append(item.name)
                else:
                    beside = True
        except (AzureError, HttpResponseError) as error:
            raise self._error(error) from None
        return sorted(names), beside

    def list_page(self, marker, limit, *, prefix=None, direct=False):
        prefix = self.prefix if prefix is None else prefix
        try:
            container = self._container()
            if direct:
                listing = container.walk_blobs(
                    name_starts_with=prefix or None, delimiter="/", results_per_page=limit
                )
            else:
                listing = container.list_blobs(
                    name_starts_with=prefix or None, results_per_page=limit
                )
            pages = listing.by_page(continuation_token=marker)
            blobs = [blob for blob in next(pages, []) if not isinstance(blob, BlobPrefix)]
            next_marker = pages.continuation_token
        except (AzureError, HttpResponseError) as error:
            raise self._error(error) from None
        objects = [
            StoredObject(
                key=blob.name,
                modified=blob.last_modified,
                size=blob.size or 0,
                etag=(blob.etag or "").strip('"'),
                content_type=(blob.content_settings.content_type or "")
                if blob.content_settings
                else "",
            )
            for blob in blobs
        ]
        return objects, next_marker or None

    def fetch(self, item):
        try:
            downloader = self._container().download_blob(item.key, max_concurrency=1)
            data = downloader.readall()
        except ResourceNotFoundError:
            return None
        except AzureError as error:
            raise self._error(error) from None
        settings = downloader.properties.content_settings
        return data, (settings.content_type or "") if settings else ""

    def location(self, item):
        return f"{self.account_url()}/{self.container_name}/{quote(item.key)}"

    def close(self) -> None:
        for container in self._containers.values():
            container.close()
        self._containers.clear()


Source = AzureStorageSource
