"""An azure-storage-blob service client whose every connection and redirect passes the egress
guard.

Each request of the pipeline (redirects included) has its URL checked by ``raw_request_hook`` and
its host's checked address pinned; the transport's connections open to that address
(``registry.sources.pinned``), never resolving the name a second time. azure-core's redirect
policy follows at most ``MAX_REDIRECTS`` hops, then raises ``TooManyRedirectsError``.
"""

import requests
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.pipeline.transport import RequestsTransport
from azure.storage.blob import BlobServiceClient

from registry.sources.pinned import MAX_REDIRECTS, AddressPins, PinnedHTTPAdapter


class PinnedRequestsTransport(RequestsTransport):
    def __init__(self, pins: AddressPins, **kwargs):
        self.pins = pins
        super().__init__(use_env_settings=False, **kwargs)

    def _init_session(self, session: requests.Session) -> None:
        session.trust_env = False  # no proxy or certificate settings from the environment
        adapter = PinnedHTTPAdapter(self.pins)
        for prefix in self._protocols:
            session.mount(prefix, adapter)


def blob_service_client(
    *, pins: AddressPins, account_url: str, account_name: str, account_key: str
):
    pins.check_url(account_url)
    return BlobServiceClient(
        account_url=account_url,
        credential=AzureNamedKeyCredential(account_name, account_key),
        transport=PinnedRequestsTransport(pins, connection_timeout=10, read_timeout=60),
        retry_total=0,
        redirect_max=MAX_REDIRECTS,
        use_env_settings=False,
        raw_request_hook=lambda request: pins.check_url(request.http_request.url),
    )
